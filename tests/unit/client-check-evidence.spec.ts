/**
 * The client checker keeps keys out of what it shows and writes (issue 21): the key ring that finds
 * a key in any place and encoding, what a request shows as a value (arrival.ts), and the writers'
 * last pass, which writes nothing rather than a key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { readArrival } from '../../mock/client-check/arrival';
import type { ClientSummary } from '../../mock/client-check/verdict';
import { KeyInOutput, writeClientReports } from '../../mock/client-check/write';
import { CLIENT_REQUIREMENTS } from '../../helpers/contract/requirements';
import { arrival, KEY, keys, OTHER, pipeline } from './client-check-kit';

test.describe('the key ring', () => {
  test('finds a key as written, percent-encoded and inside Base64 (Basic auth)', () => {
    expect(keys.accountIn(`x=${KEY}`)).toBe('active');
    expect(keys.accountIn(encodeURIComponent(`"${OTHER}"`).replace(/_/g, '%5F'))).toBe('second');
    expect(keys.accountIn(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`)).toBe('active');
    expect(keys.accountIn('application/json')).toBeNull();
    expect(keys.exact(KEY)).toBe('active');
    expect(keys.exact(` ${KEY}`)).toBeNull();
  });

  test('shows a value holding a key only as whose key it holds, and cuts long values', () => {
    expect(keys.shown(`Bearer ${KEY}`)).toBe('[a value holding the key of active]');
    expect(keys.shown('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}...`);
    expect(keys.shown('a "quoted"\nline')).toBe('a \\"quoted\\"\\nline');
  });

  for (const [encoding, encode] of [
    ['raw', (k: string) => k],
    ['upper case', (k: string) => k.toUpperCase()],
    ['hex', (k: string) => Buffer.from(k).toString('hex')],
    ['percent-encoded', (k: string) => [...Buffer.from(k)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')],
    ['Base64 at offset 1', (k: string) => Buffer.from(`x${k}`).toString('base64')],
    ['Base64 at offset 2', (k: string) => Buffer.from(`xy${k}:`).toString('base64')],
    ['base64url', (k: string) => Buffer.from(`?${k}?`).toString('base64url')],
  ] as const) {
    test(`the last pass finds a key written ${encoding}`, () => {
      expect(keys.leaks(`before ${encode(KEY)} after`)).toBe(true);
    });
  }

  test('the last pass lets text without a key through', () => {
    expect(keys.leaks('CLIENT-01 held: 3 requests carried a key, fingerprint 0123456789abcdef')).toBe(false);
  });
});

test.describe('what a request shows', () => {
  const head = (url: string, rawHeaders: string[]): Parameters<typeof readArrival>[3] => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
    return { method: 'POST', url, headers, rawHeaders };
  };

  test('names every place a key was misplaced, and never the key', () => {
    const a = readArrival(
      keys,
      7,
      'api',
      head(`/v1/orders/check?api_key=${KEY}`, [
        'X-API-Key',
        `"${KEY}"`,
        'Authorization',
        `Bearer ${OTHER}`,
        'Cookie',
        `a=1; token=${KEY}`,
        'Accept',
        'application/json',
      ]),
      { body: Buffer.from(JSON.stringify({ auth: { key: KEY } })), tooLarge: false },
    );
    expect(a.keyAccount).toBeNull();
    expect(a.misplaced.map((m) => `${m.account} in ${m.place}`)).toEqual([
      'active in X-API-Key, not alone (quoted, prefixed or sent twice)',
      'second in header "Authorization"',
      'active in cookie "token"',
      'active in query parameter "api_key"',
      'active in body field /auth/key',
    ]);
    expect(a.keyed).toBe('active');
    expect(a.body).toEqual({ bytes: 19 + KEY.length, json: true, tooLarge: false });
    expect(JSON.stringify({ ...a, challenge: undefined, signature: undefined })).not.toContain(KEY);
  });

  test('tells the same request by method, path and key, without keeping the key', () => {
    const one = readArrival(keys, 1, 'api', head('/v1/balance', ['X-API-Key', KEY]), { body: Buffer.alloc(0), tooLarge: false });
    const again = readArrival(keys, 2, 'api', head('/v1/balance', ['X-API-Key', KEY]), { body: Buffer.alloc(0), tooLarge: false });
    const other = readArrival(keys, 3, 'api', head('/v1/balance', ['X-API-Key', OTHER]), { body: Buffer.alloc(0), tooLarge: false });
    expect(one.sameAs).toBe(again.sameAs);
    expect(one.sameAs).not.toBe(other.sameAs);
    expect(one.sameAs).not.toContain(KEY.slice(9));
    expect(one.body).toBeUndefined();
  });

  test('a path holding a key is shown as whose key it holds', () => {
    const a = readArrival(keys, 1, 'api', head(`/v1/orders/${KEY}`, []), { body: Buffer.alloc(0), tooLarge: false });
    expect(a.path).toBe('[a value holding the key of active]');
    expect(a.misplaced).toEqual([{ account: 'active', place: 'the path' }]);
  });
});

test.describe('the writers', () => {
  test('write every form, and refuse all of them when one would hold a key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-check-'));
    try {
      const p = pipeline();
      p.feed(arrival({ accept: '*/*' }));
      const s = p.verdict();
      const written = writeClientReports(s, dir, keys);
      expect(written.map((f) => path.basename(f))).toEqual(['client-conformance.json', 'client-conformance.md', 'client-junit.xml', 'client-allure-results']);
      const junit = fs.readFileSync(path.join(dir, 'client-junit.xml'), 'utf8');
      expect(junit).toContain(
        '<failure message="1 of 1 broke it" type="does-not-conform">#1 GET /v1/balance: Accept &quot;*/*&quot;, not application/json</failure>',
      );
      const results = fs.readdirSync(path.join(dir, 'client-allure-results')).filter((f) => f.endsWith('-result.json'));
      expect(results).toHaveLength(CLIENT_REQUIREMENTS.length + 1);

      const leaky: ClientSummary = {
        ...s,
        requirements: { ...s.requirements, 'CLIENT-02': { ...s.requirements['CLIENT-02'], evidence: [`oops ${Buffer.from(KEY).toString('hex')}`] } },
      };
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'client-check-'));
      expect(() => writeClientReports(leaky, other, keys)).toThrow(KeyInOutput);
      expect(fs.readdirSync(other)).toEqual([]);
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
