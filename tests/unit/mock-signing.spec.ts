/**
 * The conformant mock's request signing: challenges are per account, single-use and short-lived,
 * and only a PKCS#1 v1.5 SHA-256 signature over the exact challenge, in strict Base64, passes.
 */
import crypto from 'node:crypto';
import { schemaErrors } from '../../helpers/contract/schemas';
import type { AccountName } from '../../mock/accounts';
import { signChallenge, type ProbeReply } from '../../mock/probe-client';
import { MISSING_SIGNING_HEADERS, SIGNATURE_FAILED } from '../../mock/signing';
import { expect, test, useWorkerMock } from '../support/mock-fixture';

const worker = useWorkerMock();

type Signer = 'signing' | 'signing2';

const keyOf = (account: AccountName): string => worker.material.accounts[account].key;
const privateKeyOf = (account: Signer): string => worker.material.accounts[account].signing!.privateKeyPem;

async function issue(account: Signer = 'signing'): Promise<string> {
  const reply = await worker.call({ method: 'POST', path: 'auth/challenge', headers: { 'X-API-Key': keyOf(account) } });
  expect(reply.status, reply.text).toBe(200);
  return (reply.json as { data: { challenge: string } }).data.challenge;
}

function signed(account: Signer, challenge: string, signature: string, path = 'balance'): Promise<ProbeReply> {
  return worker.call({ path, headers: { 'X-API-Key': keyOf(account), 'X-API-Challenge': challenge, 'X-API-Signature': signature } });
}

function expectRefused(reply: ProbeReply, message = SIGNATURE_FAILED): void {
  expect(reply.status, reply.text).toBe(401);
  expect(reply.json).toEqual({ success: false, message, data: {} });
}

test('the challenge endpoint issues fresh challenges in the challenge schema', async () => {
  const before = Date.now();
  const reply = await worker.call({ method: 'POST', path: 'auth/challenge', headers: { 'X-API-Key': keyOf('signing') } });
  const after = Date.now();
  expect(reply.status).toBe(200);
  expect(schemaErrors('challenge', reply.json)).toEqual([]);
  const data = (reply.json as { data: { challenge: string; expires_in: number; expires_at: string } }).data;
  expect(data.expires_in).toBe(worker.mock.challengeTtlSeconds);
  // Bracketed by the request's own start and end, so a slow machine cannot push it out of range.
  const issuedAt = Date.parse(data.expires_at) - worker.mock.challengeTtlSeconds * 1000;
  expect(issuedAt).toBeGreaterThanOrEqual(before);
  expect(issuedAt).toBeLessThanOrEqual(after);
  // Both cases present, so a case-changed copy is another string.
  expect(data.challenge).toMatch(/^(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_-]{43}$/);
  expect(await issue()).not.toBe(data.challenge);
});

test('a signed request succeeds once, then the challenge is spent on every endpoint', async () => {
  const challenge = await issue();
  const signature = signChallenge(challenge, privateKeyOf('signing'));
  const first = await signed('signing', challenge, signature);
  expect(first.status, first.text).toBe(200);
  expect(schemaErrors('balance', first.json)).toEqual([]);
  expectRefused(await signed('signing', challenge, signature));
  expectRefused(await signed('signing', challenge, signature, 'orders'));
});

test('every signed endpoint succeeds with its own challenge', async () => {
  for (const path of ['balance', 'catalog', 'orders', 'orders/2001']) {
    const challenge = await issue();
    const reply = await signed('signing', challenge, signChallenge(challenge, privateKeyOf('signing')), path);
    expect(reply.status, `${path}: ${reply.text}`).toBe(200);
  }
});

test('missing challenge, signature or both get 401 naming the headers', async () => {
  const challenge = await issue();
  const signature = signChallenge(challenge, privateKeyOf('signing'));
  const key = keyOf('signing');
  const partial: Array<Record<string, string>> = [
    { 'X-API-Key': key },
    { 'X-API-Key': key, 'X-API-Challenge': challenge },
    { 'X-API-Key': key, 'X-API-Signature': signature },
  ];
  for (const headers of partial) {
    expectRefused(await worker.call({ path: 'balance', headers }), MISSING_SIGNING_HEADERS);
  }
  // Refused attempts consumed nothing.
  expect((await signed('signing', challenge, signature)).status).toBe(200);
});

test('bad signatures get 401, never 5xx, and do not consume the challenge', async () => {
  const challenge = await issue();
  const good = signChallenge(challenge, privateKeyOf('signing'));
  const raw = Buffer.from(good, 'base64');
  const flipped = Buffer.from(raw);
  flipped[10] = flipped[10]! ^ 0x01;
  const other = await issue();
  const bad = [
    signChallenge(challenge, privateKeyOf('signing2')),
    signChallenge(other, privateKeyOf('signing')),
    signChallenge(`${challenge}\n`, privateKeyOf('signing')),
    signChallenge(challenge.toUpperCase(), privateKeyOf('signing')),
    signChallenge(challenge.toLowerCase(), privateKeyOf('signing')),
    flipped.toString('base64'),
    good.slice(0, -8),
    '',
    '!!!not base64!!!',
    good.replace(/=+$/, ''),
    raw.toString('base64url'),
    ` ${good.slice(0, 20)} ${good.slice(20)}`,
    crypto.randomBytes(raw.length).toString('base64'),
    crypto.sign('sha256', Buffer.from(challenge), { key: privateKeyOf('signing'), padding: crypto.constants.RSA_PKCS1_PSS_PADDING }).toString('base64'),
  ];
  for (const signature of bad) expectRefused(await signed('signing', challenge, signature));
  expect((await signed('signing', challenge, good)).status).toBe(200);
});

test('a challenge the mock never issued gets 401 even when correctly signed', async () => {
  const made = crypto.randomBytes(32).toString('base64url');
  expectRefused(await signed('signing', made, signChallenge(made, privateKeyOf('signing'))));
});

test("a challenge issued to another account gets 401 with that account's valid signature", async () => {
  const challenge = await issue('signing');
  expectRefused(await signed('signing2', challenge, signChallenge(challenge, privateKeyOf('signing2'))));
  expect((await signed('signing', challenge, signChallenge(challenge, privateKeyOf('signing')))).status).toBe(200);
});

test('eight concurrent uses of one challenge: exactly one succeeds', async () => {
  const challenge = await issue();
  const signature = signChallenge(challenge, privateKeyOf('signing'));
  const replies = await Promise.all(Array.from({ length: 8 }, () => signed('signing', challenge, signature)));
  expect(replies.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
});

test('a challenge used after its lifetime gets 401', async () => {
  const challenge = await issue();
  // The mock stamped the challenge before it answered, so a full lifetime from here is past its end.
  await new Promise((resolve) => setTimeout(resolve, worker.mock.challengeTtlSeconds * 1000 + 100));
  expectRefused(await signed('signing', challenge, signChallenge(challenge, privateKeyOf('signing'))));
});

test('the challenge endpoint needs no signature and a plain account ignores signing headers', async () => {
  const reply = await worker.call({
    method: 'POST',
    path: 'auth/challenge',
    headers: { 'X-API-Key': keyOf('signing2'), 'X-API-Challenge': 'x', 'X-API-Signature': 'y' },
  });
  expect(reply.status).toBe(200);
  const plain = await worker.call({ path: 'balance', headers: { 'X-API-Key': keyOf('active'), 'X-API-Challenge': 'x' } });
  expect(plain.status).toBe(200);
});

test('a signing account still needs its key: the signature does not replace it', async () => {
  const challenge = await issue();
  const reply = await worker.call({
    path: 'balance',
    headers: { 'X-API-Challenge': challenge, 'X-API-Signature': signChallenge(challenge, privateKeyOf('signing')) },
  });
  expect(reply.status).toBe(401);
  expect(reply.json).toEqual({ success: false, message: 'Unauthorized', data: {} });
});
