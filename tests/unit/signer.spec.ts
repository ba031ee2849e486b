/**
 * SIGN-13: the suite's signer is right. Fixed vectors in the SigV4 layout (key, challenge, each
 * stage recorded) match stage by stage; the signer agrees with node:crypto and with the openssl
 * CLI run now; and node-rsa 2 left to its default scheme would sign differently, which is the
 * pitfall the explicit scheme guards against. Failures name the stage and the vector, never print
 * a signature.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import NodeRSA from 'node-rsa';
import { expect, test } from '../support/unit-test';
import { redactor } from '../../helpers/safety/redact';
import { rsaKeyFor, signChallenge, signedBytes } from '../../helpers/signing/signer';

const SIGN13 = { annotation: [{ type: 'requirement', description: 'SIGN-13' }] };

interface Vector {
  id: string;
  title: string;
  challenge: string;
  utf8Bytes: number;
  sha256Hex: string;
  signatureBase64: string;
}

const VECTORS_DIR = path.resolve(__dirname, '..', 'vectors');
const readJson = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, name), 'utf8')) as T;
const { vectors, key: keyRef } = readJson<{ vectors: Vector[]; key: { file: string; field: string } }>('signing-vectors.json');
const testKey = readJson<Record<string, string>>(keyRef.file);
const PEM = testKey[keyRef.field]!;
const PUBLIC_PEM = testKey.publicKeySpkiPem!;

/** DER prefix of the DigestInfo that PKCS#1 v1.5 wraps a SHA-256 digest in (RFC 8017, 9.2 note 1). */
const SHA256_DIGEST_INFO = '3031300d060960864801650304020105000420';

/** Challenges beyond the vectors: random ASCII, random non-ASCII, and one of each kind of line end. */
function extraChallenges(): string[] {
  return [crypto.randomBytes(32).toString('base64url'), `ÿ€ 挑战 ${crypto.randomBytes(8).toString('hex')} 🔑`, 'a\r\nb\n', '\u0000nul'];
}

const sameBytes = (a: string, b: string): boolean => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

test('SIGN-13 the vectors are well formed: each signature holds the SHA-256 DigestInfo of its challenge', SIGN13, () => {
  expect(vectors.length, 'signing-vectors.json holds vectors').toBeGreaterThanOrEqual(5);
  expect(new Set(vectors.map((v) => v.id)).size, 'vector ids are unique').toBe(vectors.length);
  for (const v of vectors) {
    const recovered = crypto
      .publicDecrypt({ key: PUBLIC_PEM, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(v.signatureBase64, 'base64'))
      .toString('hex');
    expect(recovered, `vector ${v.id}: the recorded signature wraps the recorded digest`).toBe(SHA256_DIGEST_INFO + v.sha256Hex);
    expect(Buffer.from(v.signatureBase64, 'base64').toString('base64'), `vector ${v.id}: the signature is canonical Base64 with padding`).toBe(
      v.signatureBase64,
    );
  }
});

for (const v of vectors) {
  test(`SIGN-13 vector ${v.id}: bytes, digest and signature match the recorded ones`, SIGN13, () => {
    const bytes = signedBytes(v.challenge);
    expect(bytes.length, `vector ${v.id}, stage 1 (the bytes signed: the challenge's UTF-8): byte count`).toBe(v.utf8Bytes);
    expect(crypto.createHash('sha256').update(bytes).digest('hex'), `vector ${v.id}, stage 2 (SHA-256 of those bytes)`).toBe(v.sha256Hex);
    const signature = signChallenge(v.challenge, PEM);
    expect(
      sameBytes(signature, v.signatureBase64),
      `vector ${v.id}, stage 3 (Base64 RSASSA-PKCS1-v1_5 signature): the signer's output differs from the recorded one`,
    ).toBe(true);
  });
}

test('SIGN-13 the signer agrees byte for byte with node:crypto, for PKCS#1 and PKCS#8 keys', SIGN13, () => {
  const fresh = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const keys = [
    { name: 'the vector key (PKCS#1 PEM)', pem: PEM },
    { name: 'the vector key (PKCS#8 PEM)', pem: crypto.createPrivateKey(PEM).export({ type: 'pkcs8', format: 'pem' }).toString() },
    { name: 'a fresh key (PKCS#8 PEM)', pem: fresh.export({ type: 'pkcs8', format: 'pem' }).toString() },
  ];
  for (const { name, pem } of keys) {
    for (const [i, challenge] of [...vectors.map((v) => v.challenge), ...extraChallenges()].entries()) {
      const expected = crypto.sign('sha256', Buffer.from(challenge, 'utf8'), pem).toString('base64');
      expect(sameBytes(signChallenge(challenge, pem), expected), `${name}, challenge #${i}: the signer differs from crypto.sign('sha256', ...)`).toBe(true);
    }
  }
});

test('SIGN-13 the signer agrees byte for byte with the openssl CLI run now', SIGN13, () => {
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  test.skip(
    version.error !== undefined || version.status !== 0,
    'the openssl CLI is not installed here; the recorded vectors still tie the signer to its output',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signer-openssl-'));
  try {
    fs.chmodSync(dir, 0o700);
    const keyFile = path.join(dir, 'key.pem');
    const message = path.join(dir, 'challenge');
    const fresh = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const { name, pem } of [
      { name: 'the vector key', pem: PEM },
      { name: 'a fresh key', pem: fresh },
    ]) {
      fs.writeFileSync(keyFile, pem, { mode: 0o600 });
      for (const [i, challenge] of [...vectors.map((v) => v.challenge), ...extraChallenges()].entries()) {
        // A file, not a pipe through a shell: the bytes are exactly the challenge's, no added newline.
        fs.writeFileSync(message, Buffer.from(challenge, 'utf8'));
        const run = spawnSync('openssl', ['dgst', '-sha256', '-sign', keyFile, message]);
        expect(run.status, `openssl dgst failed for ${name}, challenge #${i}: ${run.stderr.toString().slice(0, 200)}`).toBe(0);
        const expected = run.stdout.toString('base64');
        redactor.add(expected);
        expect(sameBytes(signChallenge(challenge, pem), expected), `${name}, challenge #${i}: the signer differs from openssl dgst -sha256 -sign`).toBe(true);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(fs.existsSync(dir), 'the temporary key file is removed').toBe(false);
});

test('SIGN-13 node-rsa 2 without an explicit scheme signs with randomised PSS, unlike the signer', SIGN13, () => {
  const challenge = vectors[0]!.challenge;
  const defaultKey = new NodeRSA(PEM);
  const a = defaultKey.sign(Buffer.from(challenge, 'utf8'), 'base64');
  const b = defaultKey.sign(Buffer.from(challenge, 'utf8'), 'base64');
  expect(sameBytes(a, vectors[0]!.signatureBase64), 'the default-scheme signature differs from the PKCS#1 v1.5 vector').toBe(false);
  expect(sameBytes(a, b), 'the default scheme is randomised: two signatures of one challenge differ').toBe(false);
  const data = Buffer.from(challenge, 'utf8');
  expect(crypto.verify('sha256', data, PUBLIC_PEM, Buffer.from(a, 'base64')), 'a server verifying PKCS#1 v1.5 refuses it').toBe(false);
  expect(
    crypto.verify(
      'sha256',
      data,
      { key: PUBLIC_PEM, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO },
      Buffer.from(a, 'base64'),
    ),
    'it is a PSS signature',
  ).toBe(true);
  expect(rsaKeyFor(PEM).$options.signingScheme, "the signer's key names PKCS#1 v1.5").toBe('pkcs1');
  expect(sameBytes(signChallenge(challenge, PEM), signChallenge(challenge, PEM)), 'the signer is deterministic').toBe(true);
});

test('SIGN-13 the signer parses each key once and registers every signature with the redactor', SIGN13, () => {
  const parsed = rsaKeyFor(PEM);
  expect(rsaKeyFor(PEM) === parsed, 'the same PEM gives the same parsed key').toBe(true);
  const challenge = crypto.randomBytes(16).toString('hex');
  const signature = signChallenge(challenge, PEM);
  expect(redactor.findsSecretIn(`X-API-Signature: ${signature}`), 'the signature is known to the redactor').toBe(true);
  expect(redactor.redact(`signature=${signature}`).includes(signature), 'and masked in any text').toBe(false);
  // Counted, not timed: a loaded machine slows every signature, but a cached key is never parsed again.
  const createPrivateKey = crypto.createPrivateKey;
  let parses = 0;
  crypto.createPrivateKey = (...args: Parameters<typeof createPrivateKey>) => {
    parses += 1;
    return createPrivateKey(...args);
  };
  try {
    for (let i = 0; i < 50; i++) signChallenge(`${challenge}${i}`, PEM);
  } finally {
    crypto.createPrivateKey = createPrivateKey;
  }
  expect(parses, 'fifty signatures parse the key no more').toBe(0);
  expect(rsaKeyFor(PEM) === parsed, 'and still use the key parsed first').toBe(true);
});
