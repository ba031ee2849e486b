/**
 * The redactor masks secrets in every encoding and every place credentials sit in HTTP text
 * (SAFE-01); the client refuses, before anything is sent, to carry a configured key to a spending
 * endpoint, over plain HTTP or to another host (SAFE-02, SAFE-03).
 */
import http from 'node:http';
import { expect, test } from '../support/unit-test';
import { GuardError } from '../../helpers/client/client';
import { testClient } from '../support/client';
import { NotJudgedError } from '../../helpers/client/not-judged';
import { encodingsOf } from '../../helpers/safety/encodings';
import { redactCredentialFields } from '../../helpers/safety/credential-fields';
import { Redactor } from '../../helpers/safety/redact';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

test.describe('redactor', () => {
  const r = new Redactor([KEY]);
  for (const [what, text] of [
    ['raw', `key=${KEY}`],
    ['URL-encoded', encodeURIComponent(`"${KEY}"`)],
    ['Base64', Buffer.from(KEY).toString('base64')],
    ['truncated', KEY.slice(0, -1)],
    ['case-flipped', KEY.toUpperCase()],
    ['one character changed', `${KEY.slice(0, 20)}#${KEY.slice(21)}`],
    ['inside JSON', JSON.stringify({ presented_key: KEY })],
  ] as const) {
    test(`SAFE-01 masks the key ${what}`, req('SAFE-01'), () => {
      const out = r.redact(text);
      expect(r.findsSecretIn(out)).toBe(false);
    });
  }

  test('SAFE-01 masks credential header lines, query parameters and cookies it was never told about', req('SAFE-01'), () => {
    const log = [
      '  - X-API-Key: abcdefghijklmnopqrstuvwxyz',
      '  - x-api-signature: c2lnbmF0dXJlLWJ5dGVzLWhlcmU=',
      'GET /v1/balance?api_key=zyxwvutsrqponmlkjih&x=1',
      'cookie: X-API-Key=secretsecretsecret',
    ].join('\n');
    const out = redactCredentialFields(log);
    for (const leaked of ['abcdefghijklmnopqrstuvwxyz', 'c2lnbmF0dXJlLWJ5dGVzLWhlcmU=', 'zyxwvutsrqponmlkjih', 'secretsecretsecret'])
      expect(out).not.toContain(leaked);
    expect(out).toContain('&x=1');
  });

  test('SAFE-01 knows the encodings a PEM takes in a report', req('SAFE-01'), () => {
    const pem = `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(64)}\n-----END PRIVATE KEY-----\n`;
    expect(encodingsOf(pem)).toEqual(expect.arrayContaining(['A'.repeat(64), 'B'.repeat(64)]));
  });

  test('SAFE-01 a text redacted before a secret is known is masked once it is added (the memo of short texts starts over)', req('SAFE-01'), () => {
    const fresh = new Redactor();
    const signature = 'c2lnbmF0dXJlIG1hZGUgYXQgcnVuIHRpbWU';
    const title = `step echoes ${signature}`;
    expect(fresh.redact(title)).toBe(title);
    fresh.add(signature);
    expect(fresh.findsSecretIn(fresh.redact(title))).toBe(false);
    expect(fresh.redact(title), 'remembered, still masked').toBe(fresh.redact(title));
  });

  test('SAFE-01 bytes and long texts found clean are masked once a secret they hold is added (the digests of clean ones start over)', req('SAFE-01'), () => {
    const fresh = new Redactor([KEY]);
    const signature = 'c2lnbmF0dXJlIG1hZGUgYXQgcnVuIHRpbWU';
    const transcript = Buffer.from(`${'X-Request: ordinary\n'.repeat(40)}X-API-Signature-Echo: ${signature}\n`, 'latin1');
    expect(fresh.redactBytes(transcript), 'clean before the signature is known').toBe(transcript);
    expect(fresh.redactBytes(transcript), 'clean again, from its digest').toBe(transcript);
    const text = transcript.toString('latin1');
    expect(fresh.redact(text), 'the same as text, clean too').toBe(text);
    fresh.add(signature);
    expect(fresh.findsSecretIn(fresh.redactBytes(transcript).toString('latin1'))).toBe(false);
    expect(fresh.findsSecretIn(fresh.redact(text))).toBe(false);
  });
});

test.describe('client guards', () => {
  let server: http.Server;
  let hits = 0;
  test.beforeAll(async () => {
    server = http.createServer((_q, s) => {
      hits++;
      s.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  test.afterAll(() => server.close());

  const client = (baseUrl: string): ReturnType<typeof testClient> => testClient(baseUrl, [KEY]);

  test('SAFE-03 POST orders is refused with a configured key, however the path is spelt', req('SAFE-03'), async () => {
    const api = client('https://127.0.0.1:1/v1/');
    for (const path of ['orders', 'orders/', 'Orders', '%6Frders', './orders', 'x/../orders']) {
      await expect(api.send({ method: 'POST', path, headers: { 'X-API-Key': KEY }, json: { item_code: 'A', quantity: 1 } })).rejects.toThrow(GuardError);
      await expect(api.send({ method: 'POST', path, headers: { 'X-API-Key': `"${KEY}"` }, json: {} })).rejects.toThrow(/SAFE-03/);
      await expect(api.send({ method: 'POST', path, query: { api_key: KEY } })).rejects.toThrow(GuardError);
    }
  });

  test('SAFE-02 a configured key is never sent over plain HTTP or to another host', req('SAFE-02'), async () => {
    const port = (server.address() as import('node:net').AddressInfo).port;
    const api = client(`https://127.0.0.1:${port}/v1/`);
    hits = 0;
    await expect(api.send({ path: 'balance', headers: { 'X-API-Key': KEY }, baseUrl: `http://127.0.0.1:${port}/v1/` })).rejects.toThrow(/plain HTTP/);
    await expect(api.send({ path: 'balance', headers: { 'X-API-Key': KEY }, baseUrl: `https://localhost:${port}/v1/` })).rejects.toThrow(
      /not the configured target/,
    );
    await expect(api.sendRaw({ path: 'balance', headerLines: [['X-API-Key', KEY]], baseUrl: `http://127.0.0.1:${port}/v1/` })).rejects.toThrow(/plain HTTP/);
    expect(hits, 'nothing reached the plain-HTTP listener').toBe(0);
    // A throwaway key may go there: the guard is about configured keys only.
    const reply = await api.send({ path: 'balance', headers: { 'X-API-Key': 'canary-key-0000000000' }, baseUrl: `http://127.0.0.1:${port}/v1/` });
    expect(reply.status).toBe(200);
  });

  test('SAFE-01 a failing request rethrows without the key in its message', req('SAFE-01'), async () => {
    // Nothing listens there: the client's not-judged path (SAFE-07) is taken, here as a plain throw
    // instead of skipping this test, so its text can be read.
    const api = testClient('https://127.0.0.1:1/v1/', [KEY], {
      onNotJudged: (reason: string): never => {
        throw new NotJudgedError(reason);
      },
    });
    const error = (await api.send({ path: 'balance', headers: { 'X-API-Key': KEY }, timeoutMs: 2000 }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NotJudgedError);
    expect(`${error.message}\n${error.stack}`).not.toContain(KEY);
    expect(`${error.message}\n${error.stack}`).not.toContain(KEY.slice(10, 30));
  });
});
