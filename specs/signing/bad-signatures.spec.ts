import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { Reply } from '../../helpers/client/client';
import { drawnOf } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import type { Stand } from '../../helpers/cases/reproduce';
import { DISALLOWED_SIGNATURES, type SignatureMember } from '../../helpers/cases/signatures';
import { expect401, expectSigningRefusal } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { redactor } from '../../helpers/safety/redact';
import { signatureShell } from '../../helpers/signing/schemes';
import { NO_SECOND_SIGNING_ACCOUNT, signedEndpoint, type SigningSession } from '../../helpers/signing/session';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** The PEM file a reproduction signs with, by whose key a member signs: a fresh key stands as any RSA key the target does not know. */
const KEY_FILES: Readonly<Record<SignatureMember['key'], string>> = {
  account: 'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
  fresh: 'ANY_OTHER_RSA_PRIVATE_KEY_FILE',
  'second-account': 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
};

/** A fresh RSA key, for a member signed by a key the target does not know; masked in every output. */
async function freshKey(): Promise<string> {
  const pem = await test.step('generate a fresh RSA key', async () => {
    const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
    return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  });
  redactor.add(pem);
  return pem;
}

/** The member's signature over `challenge`, and how the reproduction rebuilds it with openssl; `pem` is the fresh key of a member signed by one. */
async function signAs(signing: SigningSession, m: SignatureMember, challenge: string, pem?: string): Promise<{ signature: string; stands: Stand[] }> {
  const step = `sign the challenge: a signature ${m.title}`;
  const signer = m.key === 'second-account' ? signing.second! : signing;
  const signature = await signer.sign(challenge, { step, privateKeyPem: pem, scheme: m.scheme });
  return { signature, stands: [{ value: signature, shell: signatureShell(m.scheme, '"$FRESH_CHALLENGE"', KEY_FILES[m.key]) }] };
}

/**
 * A fresh challenge, signed as the member says, sent on GET balance. A fresh key is made first: on a
 * busy machine its making could age the challenge past what a use inside its lifetime allows.
 */
async function present(signing: SigningSession, m: SignatureMember): Promise<{ reply: Reply; what: string }> {
  const endpoint = signedEndpoint('balance');
  const pem = m.key === 'fresh' ? await freshKey() : undefined;
  const challenge = await signing.challenge();
  const { signature, stands } = await signAs(signing, m, challenge, pem);
  const reply = await signing.send(endpoint, { challenge, signature }, { stands });
  return { reply, what: `${endpoint.title} with a signature ${m.title} (${m.id}: ${m.why})` };
}

/** Each member on a fresh challenge, a step each, sent together (one whole member at a time with one live challenge per account); the second account's member only when it is configured. */
async function presentAll(
  signing: SigningSession,
  members: readonly SignatureMember[],
  judge: (reply: Reply, what: string) => Promise<void> | void,
): Promise<void> {
  await eachMember(
    members,
    (m) => `a signature ${m.title}`,
    async (m) => {
      const { reply, what } = await present(signing, m);
      await judge(reply, what);
    },
    {
      perTest: DISALLOWED_SIGNATURES.sampled,
      notSent: (m) => (m.key === 'second-account' && !signing.second ? NO_SECOND_SIGNING_ACCOUNT : undefined),
      oneAtATime: signing.oneAtATime,
    },
  );
}

/** The core's two checks: another scheme by the account's own key (SIGN-07), another key (SIGN-05). */
const CORE_CHECKS: ReadonlyArray<{ requirement: SignatureMember['requirement']; title: string }> = [
  { requirement: 'SIGN-07', title: "SIGN-07 a signature in each scheme of the family's core that the docs do not allow gets 401, never 5xx" },
  { requirement: 'SIGN-05', title: "SIGN-05 a signature made with each key of the family's core that is not the account's gets 401" },
];

for (const c of CORE_CHECKS) {
  test(c.title, requirement(c.requirement, 'disallowed-signatures'), async ({ signing }) => {
    await presentAll(
      signing,
      DISALLOWED_SIGNATURES.core.filter((m) => m.requirement === c.requirement),
      (reply, what) => expectSigningRefusal(reply, what),
    );
  });
}

test(
  "SIGN-07 signatures the docs do not allow, drawn with the run's seed, get 401, never 5xx",
  requirement('SIGN-07', 'disallowed-signatures-drawn'),
  async ({ signing, settings }) => {
    await presentAll(signing, drawnOf(DISALLOWED_SIGNATURES, settings), (reply, what) => expect401(reply, what, { soft: true }));
  },
);

/** SIGN-06: the account's own key, over bytes other than the challenge sent; `unchanged` says why a case is moot. */
const OTHER_BYTES: ReadonlyArray<{
  id: string;
  title: string;
  bytes: (challenge: string, signing: SigningSession) => Promise<string> | string;
  unchanged?: string;
  /**
   * The other bytes are a challenge issued after the first, and each of the two is sent signed over
   * the other: a server that checks the signature against the account's latest challenge, not the one
   * sent, serves the older so signed; one that takes a signature over an earlier challenge, the newer
   * (with one live challenge per account, the only one it still serves: CARDPLUSPAY_LIVE_CHALLENGES).
   */
  another?: true;
}> = [
  {
    id: 'another-issued-challenge',
    title: 'another challenge issued to the account',
    bytes: (_challenge, signing) => signing.challenge(),
    unchanged: 'the challenge endpoint gave the same challenge twice (SIGN-01 reports that)',
    another: true,
  },
  { id: 'trailing-newline', title: 'the challenge with a trailing newline', bytes: (challenge) => `${challenge}\n` },
  {
    id: 'upper-case',
    title: 'the challenge in upper case',
    bytes: (challenge) => challenge.toUpperCase(),
    unchanged: 'the issued challenge has no lower-case letter, so upper-casing changes no byte',
  },
  {
    id: 'lower-case',
    title: 'the challenge in lower case',
    bytes: (challenge) => challenge.toLowerCase(),
    unchanged: 'the issued challenge has no upper-case letter, so lower-casing changes no byte',
  },
];

for (const c of OTHER_BYTES) {
  test(`SIGN-06 a signature over ${c.title} gets 401`, requirement('SIGN-06', c.id), async ({ signing }) => {
    const endpoint = signedEndpoint('balance');
    const first = await signing.challenge();
    const second = await c.bytes(first, signing);
    test.skip(second === first, c.unchanged ?? 'the other bytes equal the challenge');
    const sends = c.another
      ? [
          { challenge: first, other: second, sent: 'the older of two issued challenges' },
          { challenge: second, other: first, sent: 'the newer of two issued challenges' },
        ]
      : [{ challenge: first, other: second, sent: 'the challenge' }];
    for (const { challenge, other, sent } of sends) {
      const signature = await signing.sign(other, { step: `sign ${c.title}` });
      const reply = await signing.send(endpoint, { challenge, signature }, { step: `send ${endpoint.title} with ${sent}` });
      await expectSigningRefusal(reply, `${endpoint.title} with ${sent} and a signature over ${c.title}`);
    }
  });
}

/** SIGN-07: a valid signature, damaged on its way. */
const DAMAGED: ReadonlyArray<{ id: string; title: string; damage: (signature: string) => string }> = [
  {
    id: 'bit-flipped',
    title: 'with one bit flipped',
    damage: (s) => {
      const bytes = Buffer.from(s, 'base64');
      const i = Math.floor(bytes.length / 2);
      bytes[i] = bytes[i]! ^ 0x01;
      return bytes.toString('base64');
    },
  },
  { id: 'truncated', title: 'truncated by one byte', damage: (s) => Buffer.from(s, 'base64').subarray(0, -1).toString('base64') },
  { id: 'cut-in-half', title: 'cut to the first half of its Base64 text', damage: (s) => s.slice(0, Math.floor(s.length / 2)) },
  { id: 'empty', title: 'that is empty', damage: () => '' },
  { id: 'not-base64', title: 'that is not Base64', damage: (s) => '*'.repeat(s.length) },
  {
    id: 'random-bytes',
    title: 'that is Base64 of random bytes of the right length',
    damage: (s) => crypto.randomBytes(Buffer.from(s, 'base64').length).toString('base64'),
  },
];

test('SIGN-07 each damaged form of a valid signature gets 401, never 5xx', requirement('SIGN-07', 'damaged'), async ({ signing }) => {
  const endpoint = signedEndpoint('balance');
  await eachMember(
    DAMAGED,
    (c) => `a signature ${c.title}`,
    async (c) => {
      const signed = await signing.signedChallenge();
      const damaged = await test.step(`damage the signature: ${c.title}`, () => c.damage(signed.signature));
      const reply = await signing.send(endpoint, { challenge: signed.challenge, signature: damaged });
      await expectSigningRefusal(reply, `${endpoint.title} with a signature ${c.title}`);
    },
    { perTest: 1, oneAtATime: signing.oneAtATime },
  );
});
