/**
 * Signing and verification rates, in a fresh process per repeat: the signer registers every
 * signature with the process's redactor, so a long-lived process would measure a growing redactor.
 *   signer:    helpers/signing/signer.ts signChallenge (node-rsa, pkcs1-sha256, then redactor registration)
 *   reference: node:crypto sign, RSASSA-PKCS1-v1_5 SHA-256, same key
 *   mock:      mock/signing.ts RequestSigning.verify on a signed GET balance (headers, strict
 *              Base64, challenge lookup and single-use marking, RSA verification)
 *   reference: node:crypto verify, same key and signature size
 * Argument: the measuring time per figure in ms. Reports over IPC.
 */
import crypto from 'node:crypto';
import type { Account } from '../../mock/accounts';
import type { ApiRequest } from '../../mock/request';
import { RequestSigning } from '../../mock/signing';
import { signChallenge } from '../../helpers/signing/signer';

export interface CryptoRates {
  signerPerSecond: number;
  cryptoSignPerSecond: number;
  mockVerifyPerSecond: number;
  cryptoVerifyPerSecond: number;
  verifications: number;
}

/** Calls `fn` for about `ms` and returns calls per second. */
function rate(ms: number, fn: (i: number) => void): number {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) fn(n++);
  return n / ((performance.now() - started) / 1000);
}

function main(): void {
  const ms = Number(process.argv[2] ?? 1000);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const privateKeyObject = crypto.createPrivateKey(privateKey);
  const publicKeyObject = crypto.createPublicKey(publicKey);

  // One warm-up call each: the first parses the key, which the suite also does once.
  signChallenge('warm-up', privateKey);
  const signerPerSecond = rate(ms, (i) => signChallenge(`challenge-${i}`, privateKey));
  const cryptoSignPerSecond = rate(ms, (i) => crypto.sign('sha256', Buffer.from(`challenge-${i}`), privateKeyObject));

  // Challenges are single-use, so each verification needs its own, signed beforehand (untimed).
  const account: Account = { name: 'signing', key: 'cpp_test_bench', active: true, signing: { publicKeyPem: publicKey, privateKeyPem: privateKey } };
  const signing = new RequestSigning([account], 60_000);
  const count = Math.max(200, Math.round((ms / 1000) * 2000));
  const requests: ApiRequest[] = [];
  for (let i = 0; i < count; i++) {
    const challenge = signing.store.issue('signing').value;
    const signature = crypto.sign('sha256', Buffer.from(challenge, 'utf8'), privateKeyObject).toString('base64');
    requests.push({
      method: 'GET',
      path: '/v1/balance',
      target: '/v1/balance',
      query: new URLSearchParams(),
      headers: { 'x-api-challenge': challenge, 'x-api-signature': signature },
      rawHeaders: [],
      body: Buffer.alloc(0),
    });
  }
  let refused = 0;
  const started = performance.now();
  for (const req of requests) if (signing.verify(account, req) !== undefined) refused++;
  const mockVerifyPerSecond = count / ((performance.now() - started) / 1000);
  if (refused > 0) throw new Error(`The mock refused ${refused} of ${count} valid signatures: the measurement is void.`);

  const data = Buffer.from('a challenge of the usual length, 43 chars..');
  const signature = crypto.sign('sha256', data, privateKeyObject);
  const cryptoVerifyPerSecond = rate(Math.min(ms, 1000), () => crypto.verify('sha256', data, publicKeyObject, signature));

  const rates: CryptoRates = { signerPerSecond, cryptoSignPerSecond, mockVerifyPerSecond, cryptoVerifyPerSecond, verifications: count };
  process.send?.(rates);
}

main();
