/** Faults of request signing: the challenge endpoint, the challenge store's policy and the signature check. */
import crypto from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Check } from '../challenges';
import { alsoIn, bendPart, crash, type Fault } from './fault';
import { json } from '../envelope';
import { bodyOf, pause, servedSignedOverTheOther, type Kit } from './probe-kit';

/** Long enough that N requests fired together all pass the check before the first one marks, on a busy machine too. */
const RACE_WINDOW_MS = 150;

/** How many leading characters challenge-prefix-match compares: a third of the mock's 43-character challenge. */
const PREFIX_CHARS = 16;

const PSS = { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

/** A Base64 signature over the challenge by the signing account's key, with another digest or padding than the docs'. */
function signOther(
  k: Kit,
  challenge: string,
  digest: string,
  padding: { padding: number; saltLength?: number } = { padding: crypto.constants.RSA_PKCS1_PADDING },
): string {
  const key = k.material.accounts.signing.signing!.privateKeyPem;
  return crypto.sign(digest, Buffer.from(challenge, 'utf8'), { key, ...padding }).toString('base64');
}

export const SIGNING_FAULTS = {
  'sign-presence-only': {
    breaks: ['SIGN-05', 'SIGN-06', 'SIGN-07', 'SIGN-08'],
    summary: 'Signing headers must be present but neither the challenge nor the signature is checked',
    probe: async (k) => (await k.signed('never-issued', 'AAAA')).status === 200,
    bend: bendPart('signing', (signing) => ({
      presence: (challenge, signature) => {
        const presence = signing.presence(challenge, signature);
        return presence === 'check' ? 'pass' : presence;
      },
    })),
  },
  'sign-not-verified': {
    breaks: ['SIGN-05', 'SIGN-06', 'SIGN-07'],
    summary: 'The challenge is checked and consumed but the signature is never verified',
    probe: async (k) => {
      const challenge = await k.issue();
      return (await k.signed(challenge, k.sign(challenge, 'signing2'))).status === 200;
    },
    bend: bendPart('signing', () => ({ proves: () => true })),
  },
  'sign-missing-signature-accepted': {
    breaks: ['SIGN-04'],
    summary: 'A request with a valid challenge and no X-API-Signature passes (and consumes it)',
    probe: async (k) => (await k.signed(await k.issue(), undefined)).status === 200,
    bend: bendPart('signing', (signing) => ({
      presence: (challenge) => (challenge === undefined ? 'refuse' : 'check'),
      proves: (signature, verify) => signature === undefined || signing.proves(signature, verify),
    })),
  },
  'sign-missing-headers-accepted': {
    breaks: ['SIGN-04'],
    summary: 'A signing account sending neither X-API-Challenge nor X-API-Signature passes',
    probe: async (k) => (await k.call({ path: 'balance', headers: { 'X-API-Key': k.material.accounts.signing.key } })).status === 200,
    bend: bendPart('signing', (signing) => ({
      presence: (challenge, signature) => (challenge === undefined && signature === undefined ? 'pass' : signing.presence(challenge, signature)),
    })),
  },
  'sign-never-consumed': {
    breaks: ['SIGN-09', 'SIGN-10'],
    summary: 'Challenges can be used again and again until they expire',
    probe: async (k) => {
      const challenge = await k.issue();
      const signature = k.sign(challenge);
      await k.signed(challenge, signature);
      return (await k.signed(challenge, signature)).status === 200;
    },
    bend: bendPart('challenges', () => ({ consume: 'never' as const })),
  },
  'sign-consumed-per-endpoint': {
    breaks: ['SIGN-09'],
    summary: 'A used challenge is refused on the same path only, so it works once more on another endpoint',
    probe: async (k) => {
      const challenge = await k.issue();
      const signature = k.sign(challenge);
      await k.signed(challenge, signature);
      return (await k.signed(challenge, signature, { path: 'orders' })).status === 200;
    },
    bend: bendPart('challenges', () => ({ consume: 'per-path' as const })),
  },
  'sign-racy-consume': {
    breaks: ['SIGN-10'],
    summary: 'The challenge is marked used after an await, so concurrent uses of one challenge all pass',
    probe: async (k) => {
      // On a loaded machine eight copies may miss one window: a few tries, each with a fresh challenge.
      for (let attempt = 0; attempt < 4; attempt++) {
        const challenge = await k.issue();
        const signature = k.sign(challenge);
        const replies = await Promise.all(Array.from({ length: 8 }, () => k.signed(challenge, signature)));
        if (replies.filter((r) => r.status === 200).length > 1) return true;
      }
      return false;
    },
    bend: bendPart('signing', () => ({
      redeem: async (store, value, account, path, proves): Promise<Check> => {
        const checked = store.check(value, account, path);
        if (!checked.ok) return checked;
        if (!proves(checked.challenge)) return { ok: false, refusal: 'bad-signature' };
        await delay(RACE_WINDOW_MS);
        store.markUsed(checked.challenge, path);
        return checked;
      },
    })),
  },
  'sign-no-expiry': {
    breaks: ['SIGN-11'],
    summary: 'Challenges never expire',
    probe: async (k) => {
      const challenge = await k.issue();
      await pause(k.mock.challengeTtlSeconds * 1000 + 100);
      return (await k.signed(challenge, k.sign(challenge))).status === 200;
    },
    bend: bendPart('challenges', () => ({ lifetimeMs: Infinity })),
  },
  'sign-early-expiry': {
    breaks: ['SIGN-11'],
    summary: 'Challenges expire after a tenth of their advertised lifetime',
    probe: async (k) => {
      const challenge = await k.issue();
      // Past the fault's tenth of the lifetime, far from the conformant end of it.
      await pause(k.mock.challengeTtlSeconds * 200);
      return (await k.signed(challenge, k.sign(challenge))).status === 401;
    },
    bend: bendPart('challenges', (policy) => ({ lifetimeMs: policy.lifetimeMs / 10 })),
  },
  'sign-not-bound-to-account': {
    breaks: ['SIGN-12'],
    summary: "A challenge issued to one account is accepted from another (signed with that one's key)",
    probe: async (k) => {
      const challenge = await k.issue('signing');
      return (await k.signed(challenge, k.sign(challenge, 'signing2'), { account: 'signing2' })).status === 200;
    },
    bend: bendPart('challenges', () => ({ boundToAccount: false })),
  },
  'sign-unissued-accepted': {
    breaks: ['SIGN-08'],
    summary: 'Any challenge string passes when the signature over it verifies',
    probe: async (k) => {
      const made = crypto.randomBytes(32).toString('base64url');
      return (await k.signed(made, k.sign(made))).status === 200;
    },
    bend: bendPart('challenges', () => ({ acceptUnissued: true })),
  },
  'sign-any-issued-challenge': {
    breaks: ['SIGN-06'],
    summary: 'A signature over any challenge currently issued to the account is accepted',
    probe: (k) => servedSignedOverTheOther(k, 'older'),
    bend: bendPart('signing', (signing) => ({ signedTexts: (issued, live) => [...signing.signedTexts(issued, live), ...live().map((c) => c.value)] })),
  },
  // A store that keeps a "current challenge" per account and checks the signature against it, not the
  // one sent: SIGN-06 sends the older of two challenges signed over the newer to see it (and the newer
  // signed over the older, for sign-one-live-challenge-any-issued).
  'sign-verifies-latest-challenge': {
    breaks: ['SIGN-06'],
    summary: "The signature is checked against the account's latest challenge, not the one the request names",
    probe: (k) => servedSignedOverTheOther(k, 'older'),
    bend: bendPart('signing', () => ({ signedTexts: (issued, live) => [live().at(-1)?.value ?? issued.value] })),
  },
  'sign-normalised-challenge': {
    breaks: ['SIGN-06'],
    summary: 'A signature over the challenge with a trailing newline, trimmed, upper- or lower-cased is accepted',
    probe: async (k) => {
      const challenge = await k.issue();
      return (await k.signed(challenge, k.sign(challenge.toUpperCase()))).status === 200;
    },
    bend: bendPart('signing', () => ({
      signedTexts: ({ value }) => [value, `${value}\n`, value.trim(), value.toUpperCase(), value.toLowerCase()],
    })),
  },
  'sign-bad-base64-crashes': {
    breaks: ['SIGN-07'],
    summary: 'A signature that is not valid Base64 gives a 500',
    probe: async (k) => (await k.signed(await k.issue(), '%%%')).status === 500,
    bend: bendPart('signing', (signing) => ({
      decode: (signature) => signing.decode(signature) ?? (signature === '' ? undefined : crash('sign-bad-base64-crashes')),
    })),
  },
  'sign-empty-signature-crashes': {
    breaks: ['SIGN-07'],
    summary: 'An empty X-API-Signature gives a 500',
    probe: async (k) => (await k.signed(await k.issue(), '')).status === 500,
    bend: bendPart('signing', (signing) => ({ decode: (signature) => (signature === '' ? crash('sign-empty-signature-crashes') : signing.decode(signature)) })),
  },
  'sign-challenge-no-key': {
    breaks: ['SIGN-02', 'AUTH-12'],
    summary: 'The challenge endpoint issues challenges without a key or with an invalid one',
    probe: async (k) => (await k.call({ method: 'POST', path: 'auth/challenge' })).status === 200,
    bend: alsoIn('withoutKey', 'challenge'),
  },
  'sign-challenge-repeats': {
    breaks: ['SIGN-01'],
    summary: 'The challenge endpoint hands out the same challenge again while it is unused',
    probe: async (k) => (await k.issue()) === (await k.issue()),
    bend: bendPart('challenges', () => ({ reissueUnused: true })),
  },
  // Signatures are made at run time in a worker: the runner's reporters must mask one a target echoes (issue 17's second review).
  'signature-echoed': {
    breaks: ['SIGN-03'],
    summary:
      'A signed request is answered 200 with the signature it carried as its data (a string, so SIGN-03 fails on it and its error and attachments hold the signature: none may reach a report)',
    probe: async (k) => {
      const challenge = await k.issue();
      const signature = k.sign(challenge);
      const reply = await k.signed(challenge, signature);
      return reply.status === 200 && bodyOf(reply).data === signature;
    },
    bend: bendPart('front', (front) => ({
      answered: (reply, account, req) => {
        const signature = req.headers['x-api-signature'];
        return typeof signature === 'string' && reply.status < 300
          ? json(200, { success: true, message: 'ok', data: signature })
          : front.answered(reply, account, req);
      },
    })),
  },
  'sign-pss-only': {
    breaks: ['SIGN-03', 'SIGN-09', 'SIGN-10', 'SIGN-11'],
    summary: 'Only RSASSA-PSS signatures verify, so correct PKCS#1 v1.5 signatures are refused',
    probe: async (k) => {
      const challenge = await k.issue();
      return (await k.signed(challenge, k.sign(challenge))).status === 401;
    },
    bend: bendPart('signing', () => ({
      verifies: (data, key, sig) =>
        crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, sig),
    })),
  },
  // Signatures the docs do not allow, and challenges the store never issued: the families of SIGN-07 and SIGN-08 (issue 18).
  'accepts-sha1-signature': {
    breaks: ['SIGN-07'],
    summary:
      "RSASSA-PKCS1-v1_5 signatures with SHA-1 verify as well as with SHA-256 (a verifier that takes the digest the signature names, as python-rsa's verify does)",
    probe: async (k) => {
      const challenge = await k.issue();
      return (await k.signed(challenge, signOther(k, challenge, 'sha1'))).status === 200;
    },
    bend: bendPart('signing', (signing) => ({ verifies: (data, key, sig) => signing.verifies(data, key, sig) || crypto.verify('sha1', data, key, sig) })),
  },
  'accepts-pss-signature': {
    breaks: ['SIGN-07'],
    summary: 'RSASSA-PSS signatures with SHA-256 (any salt length) verify as well as PKCS#1 v1.5 ones (a verifier that tries both paddings)',
    probe: async (k) => {
      const challenge = await k.issue();
      return (await k.signed(challenge, signOther(k, challenge, 'sha256', PSS))).status === 200;
    },
    bend: bendPart('signing', (signing) => ({
      verifies: (data, key, sig) =>
        signing.verifies(data, key, sig) || crypto.verify('sha256', data, { key, ...PSS, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, sig),
    })),
  },
  'challenge-prefix-match': {
    breaks: ['SIGN-08'],
    summary: `The challenge store finds an issued challenge by its first ${PREFIX_CHARS} characters, so a never-issued one that shares them passes when signed`,
    probe: async (k) => {
      const challenge = await k.issue();
      const made = `${challenge.slice(0, -1)}${challenge.endsWith('A') ? 'B' : 'A'}`;
      return (await k.signed(made, k.sign(made))).status === 200;
    },
    bend: bendPart('challenges', () => ({ matchedChars: PREFIX_CHARS })),
  },
} satisfies Record<string, Fault>;
