import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { expectSigningRefusal } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { redactor } from '../../helpers/safety/redact';
import { NO_SECOND_SIGNING_ACCOUNT, signedEndpoint, type SigningSession } from '../../helpers/signing/session';

const generateKeyPair = promisify(crypto.generateKeyPair);

/** SIGN-05: a valid RSA-SHA256 signature over the right challenge, made with a key that is not the account's. */
const FOREIGN_KEYS: ReadonlyArray<{
  id: string;
  title: string;
  needsSecondAccount?: true;
  sign: (signing: SigningSession, challenge: string) => Promise<string>;
}> = [
  {
    id: 'fresh-key',
    title: 'a freshly generated RSA key',
    sign: async (signing, challenge) => {
      const pem = await test.step('generate a fresh RSA key', async () => {
        const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
        return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      });
      redactor.add(pem);
      return signing.sign(challenge, { step: 'sign the challenge with the fresh key', privateKeyPem: pem });
    },
  },
  {
    // A key the server knows, of another account: a server that tries every registered key passes it.
    id: 'second-account-key',
    title: "the second signing account's key",
    needsSecondAccount: true,
    sign: (signing, challenge) => signing.second!.sign(challenge, { step: "sign the challenge with the second account's key" }),
  },
];

for (const c of FOREIGN_KEYS) {
  test(`SIGN-05 a signature made with ${c.title} gets 401`, requirement('SIGN-05', c.id), async ({ signing }) => {
    test.skip(!!c.needsSecondAccount && !signing.second, NO_SECOND_SIGNING_ACCOUNT);
    const endpoint = signedEndpoint('balance');
    const challenge = await signing.challenge();
    const signature = await c.sign(signing, challenge);
    const reply = await signing.send(endpoint, { challenge, signature });
    await expectSigningRefusal(reply, `${endpoint.title} with a signature made with ${c.title}`);
  });
}

/** SIGN-06: the account's own key, over bytes other than the challenge sent; `unchanged` says why a case is moot. */
const OTHER_BYTES: ReadonlyArray<{
  id: string;
  title: string;
  bytes: (challenge: string, signing: SigningSession) => Promise<string> | string;
  unchanged?: string;
}> = [
  {
    id: 'another-issued-challenge',
    title: 'another challenge issued to the account',
    bytes: (_challenge, signing) => signing.challenge(),
    unchanged: 'the challenge endpoint gave the same challenge twice (SIGN-01 reports that)',
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
    const challenge = await signing.challenge();
    const other = await c.bytes(challenge, signing);
    test.skip(other === challenge, c.unchanged ?? 'the other bytes equal the challenge');
    const signature = await signing.sign(other, { step: `sign ${c.title}` });
    const reply = await signing.send(endpoint, { challenge, signature });
    await expectSigningRefusal(reply, `${endpoint.title} with the challenge and a signature over ${c.title}`);
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

for (const c of DAMAGED) {
  test(`SIGN-07 a signature ${c.title} gets 401, never 5xx`, requirement('SIGN-07', c.id), async ({ signing }) => {
    const endpoint = signedEndpoint('balance');
    const signed = await signing.signedChallenge();
    const damaged = await test.step(`damage the signature: ${c.title}`, () => c.damage(signed.signature));
    const reply = await signing.send(endpoint, { challenge: signed.challenge, signature: damaged });
    await expectSigningRefusal(reply, `${endpoint.title} with a signature ${c.title}`);
  });
}
