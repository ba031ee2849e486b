/**
 * Variants whose challenge endpoint is slow or rate-limited, alone or on top of a signing fault
 * (SIGN-08, SIGN-10, SIGN-11, SAFE-05, SAFE-07), whose refusals come late, or whose challenges are
 * served past their lifetime (by the second a clock counting whole seconds adds, or longer, or once
 * in a way a quicker check would miss). The suite times a use of a challenge from when it was asked
 * for, so a slow or throttled challenge endpoint ages its challenges, and a 401 that may be for a
 * challenge's age is not judged: a conformant server must still conform, and a server that breaks
 * the contract must not hide behind the slowness (found by attacking the timing, issue 20).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MockBehaviour } from '../behaviour';
import { fail } from '../envelope';
import { bendEndpoint, bendPart, crash, type Fault } from './fault';
import { pause } from './probe-kit';
import { SIGNING_FAULTS } from './signing';

type Redeem = MockBehaviour['signing']['redeem'];

/** The challenge endpoint waits `ms` before it issues (the challenge then lives its lifetime from the answer). */
function slowChallenge(ms: number): (behaviour: MockBehaviour) => MockBehaviour {
  return bendEndpoint('challenge', (current) => async (...args) => {
    await delay(ms);
    return current(...args);
  });
}

/** A front that answers 429 with `retryAfter` to the requests `limited` picks, and lets the rest through. */
function limitedBy(limited: (path: string, challenge: string | undefined) => boolean, retryAfter: string): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => ({
    ...behaviour,
    gate: (req) => {
      const challenge = req.headers['x-api-challenge'];
      return limited(req.path, typeof challenge === 'string' ? challenge : undefined)
        ? fail(429, 'Too Many Requests', {}, { 'retry-after': retryAfter })
        : undefined;
    },
  });
}

/** Has the challenge endpoint taken at least `ms` to issue? */
async function issuesSlowly(k: Parameters<Fault['probe']>[0], ms: number): Promise<boolean> {
  const started = Date.now();
  await k.issue();
  return Date.now() - started >= ms;
}

const SLOW_MS = 700;
/** Past the mock's 2 s lifetime, counted from the asking: a refusal that comes back so late is not judged. */
const LATE_REFUSAL_MS = 2_500;
/** How long sign-late-expiry serves a challenge past its lifetime: more than a clock counting whole seconds adds. */
const LATE_EXPIRY_MS = 3_000;

/**
 * Is a challenge issued in the first 300 ms of a second served 500 ms past its lifetime, counted
 * from that second? A store counting whole seconds serves it until the next second's end; a precise
 * one refused it at least 200 ms before the use left.
 */
async function servedPastLifetimeInItsSecond(k: Parameters<Fault['probe']>[0]): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await pause(1000 - (Date.now() % 1000) + 10);
    const second = Math.floor(Date.now() / 1000) * 1000;
    const challenge = await k.issue();
    if (Date.now() - second > 300) continue;
    await pause(second + k.mock.challengeTtlSeconds * 1000 + 500 - Date.now());
    return (await k.signed(challenge, k.sign(challenge))).status === 200;
  }
  return false;
}

/**
 * A store that never expires a challenge by itself, its signing stage's `redeem` wrapped by `wrap`,
 * which is given the conformant lifetime to enforce (or not) its own way.
 */
function expiryByHand(wrap: (redeem: Redeem, lifetimeMs: number) => Redeem): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => {
    const lifetimeMs = behaviour.challenges.lifetimeMs;
    const unending = bendPart('challenges', () => ({ lifetimeMs: Infinity }))(behaviour);
    return bendPart('signing', (signing) => ({ redeem: wrap((...args) => signing.redeem(...args), lifetimeMs) }))(unending);
  };
}

/** challenge-rate-limited's lifetime: room for three requests at one a second. */
const LIMITED_TTL_SECONDS = 6;

/**
 * Asking for a new challenge restarts the lifetime of every live one (a per-account set whose
 * expiry each addition resets): a full run side by side passed it once SIGN-11 went alone (helper
 * attack 43), since no other check asked a challenge in its window; SIGN-11 now asks one itself.
 */
const resetByNewChallenge: Fault = {
  breaks: ['SIGN-11'],
  summary: 'Asking for a new challenge restarts the lifetime of every live challenge: a challenge is served until a lifetime after the newest one was asked',
  probe: async (k) => {
    const challenge = await k.issue();
    await pause(k.mock.challengeTtlSeconds * 1000 - 300);
    await k.issue();
    await pause(600);
    return (await k.signed(challenge, k.sign(challenge))).status === 200;
  },
  bend: (behaviour) => {
    let lastAsked = 0;
    const asking = bendEndpoint('challenge', (current) => (...args) => {
      lastAsked = Date.now();
      return current(...args);
    })(behaviour);
    return expiryByHand((redeem, lifetimeMs) => (store, value, account, path, proves) => {
      const c = store.liveFor(account).find((x) => x.value === value);
      if (c && Date.now() >= Math.max(c.issuedAt, lastAsked) + lifetimeMs) return { ok: false, refusal: 'expired' };
      return redeem(store, value, account, path, proves);
    })(asking);
  },
};

export const CHALLENGE_TIMING_FAULTS = {
  'sign-early-expiry-slow-challenge': {
    waits: true,
    breaks: ['SIGN-11'],
    summary: `Challenges expire after a tenth of their lifetime, and the challenge endpoint takes ${SLOW_MS} ms to issue one: a use at 30 % of the lifetime after the answer is still refused`,
    probe: async (k) => (await SIGNING_FAULTS['sign-early-expiry'].probe(k)) && (await issuesSlowly(k, SLOW_MS)),
    bend: (behaviour) => slowChallenge(SLOW_MS)(SIGNING_FAULTS['sign-early-expiry'].bend(behaviour)),
  },
  // SIGN-11 uses a challenge a second past its lifetime (and 5 %), for a server whose clock counts
  // whole seconds: such a server conforms, one that serves longer does not.
  'sign-expiry-whole-seconds': {
    breaks: [],
    checks: ['SIGN-11'],
    expect: 'conforms',
    summary:
      'Conformant, but its challenge store counts whole seconds (`now > issued + ttl`, in seconds): a challenge is served until the second after its lifetime ends, up to 1 s longer',
    probe: servedPastLifetimeInItsSecond,
    bend: bendPart('challenges', () => ({ wholeSeconds: true })),
  },
  'sign-late-expiry': {
    breaks: ['SIGN-11'],
    summary: `Challenges are served ${LATE_EXPIRY_MS / 1000} s past their lifetime, longer than a clock counting whole seconds would`,
    probe: async (k) => {
      const challenge = await k.issue();
      await pause(k.mock.challengeTtlSeconds * 1000 + 600);
      return (await k.signed(challenge, k.sign(challenge))).status === 200;
    },
    bend: bendPart('challenges', (policy) => ({ lifetimeMs: policy.lifetimeMs + LATE_EXPIRY_MS })),
  },
  // Two that a faster SIGN-11 (a first use just past the lifetime, a spare challenge used a second
  // later only when that one was served) passed: the first use's side effects answered for the
  // judged one. The single use past the lifetime and its margin catches both (issue 20, reverted).
  'sign-expiry-reset-by-new-challenge': resetByNewChallenge,
  'sign-expiry-swept-by-any-request': {
    breaks: ['SIGN-11'],
    summary: 'Expiry is a sweep run by every request (signed or not, any account) after it is looked up: a lone late first use of a challenge is served',
    probe: SIGNING_FAULTS['sign-no-expiry'].probe,
    bend: (behaviour) => {
      let sweep: (() => void) | undefined;
      const accounts = new Set<Parameters<Redeem>[2]>();
      const byHand = expiryByHand((redeem, lifetimeMs) => async (store, value, account, path, proves) => {
        const checked = await redeem(store, value, account, path, proves);
        accounts.add(account);
        sweep = () => {
          const now = Date.now();
          for (const a of accounts) for (const c of store.liveFor(a)) if (now >= c.issuedAt + lifetimeMs) store.markUsed(c, path);
        };
        sweep();
        return checked;
      })(behaviour);
      return { ...byHand, gate: (req) => (req.headers['x-api-challenge'] === undefined && sweep?.(), byHand.gate(req)) };
    },
  },
  'sign-expiry-swept-after-use': {
    breaks: ['SIGN-11'],
    summary: "Expiry is left to a sweep that runs after each signed request's lookup: the first use of a challenge past its lifetime is served",
    probe: SIGNING_FAULTS['sign-no-expiry'].probe,
    bend: expiryByHand((redeem, lifetimeMs) => async (store, value, account, path, proves) => {
      const checked = await redeem(store, value, account, path, proves);
      const now = Date.now();
      for (const c of store.liveFor(account)) if (now >= c.issuedAt + lifetimeMs) store.markUsed(c, path);
      return checked;
    }),
  },
  'sign-first-late-use-forgiven': {
    breaks: ['SIGN-11'],
    summary: "Each account's first use of a challenge past its lifetime is served, however late; later ones get 401",
    probe: SIGNING_FAULTS['sign-no-expiry'].probe,
    bend: expiryByHand((redeem, lifetimeMs) => {
      const forgiven = new Set<string>();
      return (store, value, account, path, proves) => {
        const late = store.liveFor(account).some((c) => c.value === value && Date.now() >= c.issuedAt + lifetimeMs);
        if (late && forgiven.has(account)) return { ok: false, refusal: 'expired' };
        if (late) forgiven.add(account);
        return redeem(store, value, account, path, proves);
      };
    }),
  },
  // A lifetime of its own: the run's pace after 429s is one request a second at the slowest, and
  // SIGN-09's three requests (the challenge, its use, the reuse) must leave within 0.9 of the
  // lifetime, which the mock's 2 s would not allow: the suite would rightly say "could not judge".
  'challenge-rate-limited': {
    breaks: [],
    checks: ['SIGN-09'],
    expect: 'conforms',
    settings: { CARDPLUSPAY_CHALLENGE_TTL_SECONDS: String(LIMITED_TTL_SECONDS) },
    summary: `Conformant with a ${LIMITED_TTL_SECONDS} s challenge lifetime, but every other request for a challenge gets 429 with Retry-After: 1 (a 429 issues no challenge, so the wait must not age the next one)`,
    probe: async (k) => [(await k.ask()).status, (await k.ask()).status].includes(429),
    bend: (behaviour) => {
      let asked = 0;
      const limited = limitedBy((path) => path.endsWith('/auth/challenge') && ++asked % 2 === 1, '1')(behaviour);
      return bendPart('challenges', () => ({ lifetimeMs: LIMITED_TTL_SECONDS * 1000 }))(limited);
    },
  },
  // It breaks SIGN-08, but no use of a near-miss can be answered within the lifetime: the honest
  // verdict is "could not judge" (before, the late refusals passed it as "conforms").
  'challenge-prefix-match-limited': {
    waits: true,
    breaks: [],
    checks: ['SIGN-08'],
    expect: 'could-not-judge',
    summary:
      'challenge-prefix-match, behind a front that answers the first request carrying each challenge value 429 with Retry-After: 2 (the lifetime): a near-miss retried after the issued challenge expired would be refused for its age',
    probe: async (k) => {
      const challenge = await k.issue();
      const made = `${challenge.slice(0, -1)}${challenge.endsWith('A') ? 'B' : 'A'}`;
      return (await k.signed(made, k.sign(made))).status === 429 && (await k.signed(made, k.sign(made))).status === 200;
    },
    bend: (behaviour) => {
      const seen = new Set<string>();
      const firstUse = (_path: string, challenge: string | undefined): boolean => challenge !== undefined && !seen.has(challenge) && !!seen.add(challenge);
      return limitedBy(firstUse, '2')(SIGNING_FAULTS['challenge-prefix-match'].bend(behaviour));
    },
  },
  // One early 429 with no answers before it shows no rate: a pace learnt from it held the whole run
  // to a request a second, and SIGN-09/10 were not judged (found attacking the timing, issue 20).
  'sign-never-consumed-first-429': {
    waits: true,
    breaks: ['SIGN-09', 'SIGN-10'],
    summary: 'sign-never-consumed, and the first request for a challenge gets 429 with Retry-After: 1 (never again)',
    probe: async (k) => (await k.ask()).status === 429 && (await SIGNING_FAULTS['sign-never-consumed'].probe(k)),
    bend: (behaviour) => {
      let asked = false;
      const first = (path: string): boolean => path.endsWith('/auth/challenge') && !asked && (asked = true);
      return limitedBy(first, '1')(SIGNING_FAULTS['sign-never-consumed'].bend(behaviour));
    },
  },
  // The losers of a race wait on the winner (a row lock, say): the first fails with a 500 and the
  // rest get their 401 only after the lifetime. The 500 is wrong whenever it came; the late 401s
  // must not hide it as "not judged" (found attacking the timing, attack 3).
  'sign-race-loser-crashes-late-refusals': {
    waits: true,
    breaks: ['SIGN-10'],
    summary: `The first reuse of a used challenge fails with a 500, and every later one gets its 401 only ${LATE_REFUSAL_MS} ms late (past the mock's lifetime)`,
    probe: async (k) => {
      const challenge = await k.issue();
      const signature = k.sign(challenge);
      await k.signed(challenge, signature);
      return (await k.signed(challenge, signature)).status === 500;
    },
    bend: bendPart('signing', (signing) => {
      const reuses = new Map<string, number>();
      return {
        redeem: async (store, value, account, path, proves) => {
          const checked = await signing.redeem(store, value, account, path, proves);
          if (checked.ok || checked.refusal !== 'used') return checked;
          const n = (reuses.get(value) ?? 0) + 1;
          reuses.set(value, n);
          if (n === 1) crash('sign-race-loser-crashes-late-refusals');
          await delay(LATE_REFUSAL_MS);
          return checked;
        },
      };
    }),
  },
  // A store that looks challenges up case-insensitively (MySQL's default collation), and refuses only
  // after the lifetime: the near-misses before the case flip get late 401s, which must not end the
  // check before the flip's 2xx is seen (found attacking the timing, attack 3).
  'sign-case-folded-late-refusals': {
    waits: true,
    breaks: ['SIGN-08'],
    summary: `The challenge store finds an issued challenge in another letter case, and its signing refusals come ${LATE_REFUSAL_MS} ms late (past the mock's lifetime) until it has served one so`,
    probe: async (k) => {
      const challenge = await k.issue();
      const flipped = challenge.replace(/[a-z]/i, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
      return flipped !== challenge && (await k.signed(flipped, k.sign(flipped))).status === 200;
    },
    bend: bendPart('signing', (signing) => {
      // Late until the first case-folded match is served: enough to stand before the flip, and the run's other refusals cost no wait.
      let servedFolded = false;
      return {
        redeem: async (store, value, account, path, proves) => {
          const checked = await signing.redeem(store, value, account, path, proves);
          if (checked.ok) return checked;
          const folded = checked.refusal === 'unknown' ? store.liveFor(account).find((c) => c.value.toLowerCase() === value.toLowerCase()) : undefined;
          if (folded && proves({ ...folded, value })) {
            store.markUsed(folded, path);
            servedFolded = true;
            return { ok: true, challenge: folded };
          }
          if (!servedFolded) await delay(LATE_REFUSAL_MS);
          return checked;
        },
      };
    }),
  },
} satisfies Record<string, Fault>;
