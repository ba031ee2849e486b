/**
 * Variants that keep one live challenge per account, each new one (or each use) ending the others:
 * the docs are silent on it, so such an API conforms, its signing checks judged one at a time, as
 * the run's first signing check finds (CARDPLUSPAY_LIVE_CHALLENGES=auto) or as set (`one`, the whole
 * run one request at a time; docs/configuration.md). Side by side, a check's challenge is replaced by
 * another's before its use; one at a time, a family's members too must each go whole (ask, sign,
 * use) before the next, and a check with two issued challenges must also send the newer, or a
 * refusal for the replacement would pass a signature it never judged (found attacking the setting).
 */
import type { MockBehaviour } from '../behaviour';
import type { Challenge } from '../challenges';
import { bendPart, type Fault } from './fault';
import { servedSignedOverTheOther, type Kit } from './probe-kit';
import { SIGNING_FAULTS } from './signing';
import { CHALLENGE_TIMING_FAULTS } from './challenge-timing';

const ONE = { CARDPLUSPAY_LIVE_CHALLENGES: 'one' };

/** Only the account's `n` newest live challenges are served; an older one is refused as unknown. */
const keepsNewest = (n: number) =>
  bendPart('signing', (signing) => ({
    redeem: (store, value, account, path, proves) => {
      const live = store.liveFor(account);
      const at = live.findIndex((c) => c.value === value);
      return at >= 0 && at < live.length - n ? { ok: false, refusal: 'unknown' } : signing.redeem(store, value, account, path, proves);
    },
  }));
const keepsNewestOnly = keepsNewest(1);

/** A successful use ends the account's other live challenges that `ends` picks: each is marked used, as if by it. */
const useEnds = (ends: (other: Challenge, used: Challenge) => boolean) =>
  bendPart('signing', (signing) => ({
    redeem: async (store, value, account, path, proves) => {
      const checked = await signing.redeem(store, value, account, path, proves);
      if (checked.ok) for (const other of store.liveFor(account)) if (ends(other, checked.challenge)) store.markUsed(other, path);
      return checked;
    },
  }));

/** A newer live challenge ends an older one `afterMs` after the newer was issued (a lazy sweep). */
const newerEndsOlderAfter = (afterMs: number) =>
  bendPart('signing', (signing) => ({
    redeem: (store, value, account, path, proves) => {
      const live = store.liveFor(account);
      const mine = live.find((c) => c.value === value);
      const now = Date.now();
      return mine && live.some((c) => c.issuedAt > mine.issuedAt && now - c.issuedAt >= afterMs)
        ? { ok: false, refusal: 'unknown' }
        : signing.redeem(store, value, account, path, proves);
    },
  }));

/** `fault`'s misbehaviour on an API that keeps only the newest challenge. */
const alsoNewestOnly =
  (fault: keyof typeof SIGNING_FAULTS) =>
  (behaviour: MockBehaviour): MockBehaviour =>
    keepsNewestOnly(SIGNING_FAULTS[fault].bend(behaviour));

/** Is the older of two challenges refused, though signed right? */
async function olderRefused(k: Kit): Promise<boolean> {
  const older = await k.issue();
  await k.issue();
  return (await k.signed(older, k.sign(older))).status === 401;
}

/** Every SIGN check: an API that conforms must pass them all. */
const EVERY_SIGN_CHECK = ['SIGN-01', 'SIGN-03', 'SIGN-04', 'SIGN-05', 'SIGN-06', 'SIGN-07', 'SIGN-08', 'SIGN-09', 'SIGN-10', 'SIGN-11', 'SIGN-12'] as const;

/** A variant that conforms: every SIGN check must pass. */
const CONFORMS = { breaks: [], checks: EVERY_SIGN_CHECK, expect: 'conforms' } as const;

/** A conformant API keeping the account's `n` newest challenges live, an older one ended by the next. */
const newestLive = (n: number, summary: string): Fault => ({
  ...CONFORMS,
  summary,
  probe: async (k) => {
    const older = await k.issue();
    for (let i = 0; i < n; i++) await k.issue();
    return (await k.signed(older, k.sign(older))).status === 401;
  },
  bend: keepsNewest(n),
});

/** A conformant API whose successful use ends the account's other live challenges, or only the older ones. */
const usedEnds = (which: 'others' | 'older'): Fault => ({
  ...CONFORMS,
  summary: `Conformant, but a successful use ends the account's ${which === 'others' ? 'other live challenges' : 'live challenges issued before it'}`,
  probe: async (k) => {
    const [older, newer] = [await k.issue(), await k.issue()];
    const [used, ended] = which === 'others' ? [older, newer] : [newer, older];
    return (await k.signed(used, k.sign(used))).status === 200 && (await k.signed(ended, k.sign(ended))).status === 401;
  },
  bend: useEnds(which === 'others' ? () => true : (other, used) => other.issuedAt < used.issuedAt),
});

export const LIVE_CHALLENGE_FAULTS = {
  'sign-one-live-challenge': {
    ...CONFORMS,
    summary: "Conformant, but a new challenge replaces the account's earlier ones: only the newest is live (found by the run's first signing check)",
    probe: olderRefused,
    bend: keepsNewestOnly,
  },
  'sign-one-live-challenge-set': {
    ...CONFORMS,
    settings: ONE,
    summary: 'sign-one-live-challenge, judged with CARDPLUSPAY_LIVE_CHALLENGES=one: the whole run one request at a time',
    probe: olderRefused,
    bend: keepsNewestOnly,
  },
  'sign-three-live-challenges': newestLive(3, "Conformant, but only the account's three newest challenges are live: a fourth ends the oldest"),
  'sign-use-ends-other-challenges': usedEnds('others'),
  'sign-one-live-challenge-sha1': {
    breaks: ['SIGN-07'],
    settings: ONE,
    summary: 'Only the newest challenge is live, and PKCS#1 v1.5 signatures with SHA-1 verify too',
    probe: async (k) => (await SIGNING_FAULTS['accepts-sha1-signature'].probe(k)) && (await olderRefused(k)),
    bend: alsoNewestOnly('accepts-sha1-signature'),
  },
  'sign-one-live-challenge-any-issued': {
    breaks: ['SIGN-06'],
    summary: 'Only the newest challenge is live, and a signature over any challenge issued to the account is accepted',
    probe: async (k) => (await servedSignedOverTheOther(k, 'newer')) && (await olderRefused(k)),
    bend: alsoNewestOnly('sign-any-issued-challenge'),
  },
  // Several live challenges, judged with the setting all the same (a user who followed a 401's hint):
  // SIGN-06's older challenge, signed over the newer, must still show the signature checked against the latest.
  'sign-verifies-latest-challenge-one-at-a-time': {
    breaks: ['SIGN-06'],
    settings: ONE,
    summary: "sign-verifies-latest-challenge, judged with CARDPLUSPAY_LIVE_CHALLENGES=one: the signature is checked against the account's latest challenge",
    probe: SIGNING_FAULTS['sign-verifies-latest-challenge'].probe,
    bend: SIGNING_FAULTS['sign-verifies-latest-challenge'].bend,
  },
  // Conformant variants that a run side by side failed at random before the finding and SIGN-11's turns alone (helper attack 41).
  'sign-four-live-challenges': newestLive(4, "Conformant, but only the account's four newest challenges are live: a fifth ends the oldest"),
  'sign-use-ends-older-challenges': usedEnds('older'),
  'sign-newer-ends-older-later': {
    ...CONFORMS,
    summary: 'Conformant, but a newer challenge ends the older ones 300 ms after it is issued',
    probe: async (k) => {
      const older = await k.issue();
      await k.issue();
      await new Promise((r) => setTimeout(r, 400));
      return (await k.signed(older, k.sign(older))).status === 401;
    },
    bend: newerEndsOlderAfter(300),
  },
  // One live challenge with a SIGN-11 expiry fault, judged by default (auto: one at a time).
  'sign-one-live-challenge-expiry-swept-after-use': {
    breaks: ['SIGN-11'],
    summary: 'Only the newest challenge is live, and sign-expiry-swept-after-use',
    probe: CHALLENGE_TIMING_FAULTS['sign-expiry-swept-after-use'].probe,
    bend: (b) => keepsNewestOnly(CHALLENGE_TIMING_FAULTS['sign-expiry-swept-after-use'].bend(b)),
  },
  'sign-one-live-challenge-first-late-use-forgiven': {
    breaks: ['SIGN-11'],
    summary: 'Only the newest challenge is live, and sign-first-late-use-forgiven',
    probe: CHALLENGE_TIMING_FAULTS['sign-first-late-use-forgiven'].probe,
    bend: (b) => keepsNewestOnly(CHALLENGE_TIMING_FAULTS['sign-first-late-use-forgiven'].bend(b)),
  },
} satisfies Record<string, Fault>;
