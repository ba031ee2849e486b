/**
 * The conformant mock's key check: only the exact key in X-API-Key passes, and every failure gets
 * the byte-identical 401 envelope, so no answer tells one failure from another.
 */
import { randomKey, type MockMaterial } from '../../mock/accounts';
import { sameKey } from '../../mock/auth';
import { expect, test, useWorkerMock } from '../support/mock-fixture';

const worker = useWorkerMock();

const UNAUTHORIZED = '{"success":false,"message":"Unauthorized","data":{}}';
/** Bytes as they go on the wire: header values travel as latin1. */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const flipCase = (k: string): string => [...k].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
const mid = (k: string): number => Math.floor(k.length / 2);

interface Refused {
  title: string;
  headers: (key: string, m: MockMaterial) => Array<[string, string]>;
  query?: (key: string) => string;
}

const REFUSED: readonly Refused[] = [
  { title: 'no X-API-Key', headers: () => [] },
  { title: 'an empty value', headers: () => [['X-API-Key', '']] },
  { title: 'a whitespace-only value', headers: () => [['X-API-Key', ' \t ']] },
  { title: 'a never-issued key', headers: () => [['X-API-Key', randomKey()]] },
  { title: 'the revoked key', headers: (_k, m) => [['X-API-Key', m.accounts.inactive.key]] },
  { title: 'the key truncated', headers: (k) => [['X-API-Key', k.slice(0, -1)]] },
  { title: 'the key extended', headers: (k) => [['X-API-Key', `${k}0`]] },
  { title: 'the key case-flipped', headers: (k) => [['X-API-Key', flipCase(k)]] },
  { title: 'the key percent-encoded', headers: (k) => [['X-API-Key', [...k].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')]] },
  { title: 'the key with non-ASCII bytes', headers: (k) => [['X-API-Key', k + utf8('é')]] },
  { title: 'the key 4 KiB long', headers: (k) => [['X-API-Key', k.padEnd(4096, 'A')]] },
  { title: 'the key 8 KiB long', headers: (k) => [['X-API-Key', k.padEnd(8192, 'A')]] },
  { title: 'the key in double quotes', headers: (k) => [['X-API-Key', `"${k}"`]] },
  { title: 'the key with a quote on one side', headers: (k) => [['X-API-Key', `${k}'`]] },
  { title: 'the key with a trailing NBSP (latin1)', headers: (k) => [['X-API-Key', `${k}\xa0`]] },
  { title: 'the key with a trailing NBSP (UTF-8)', headers: (k) => [['X-API-Key', k + utf8('\u00a0')]] },
  { title: 'the key with a zero-width space', headers: (k) => [['X-API-Key', k + utf8('\u200b')]] },
  { title: 'the key with an inner space', headers: (k) => [['X-API-Key', `${k.slice(0, mid(k))} ${k.slice(mid(k))}`]] },
  { title: 'the key with a trailing "="', headers: (k) => [['X-API-Key', `${k}=`]] },
  { title: 'the key with a trailing ";"', headers: (k) => [['X-API-Key', `${k};`]] },
  { title: 'the key with " extra"', headers: (k) => [['X-API-Key', `${k} extra`]] },
  { title: 'X-API-Key: Bearer KEY', headers: (k) => [['X-API-Key', `Bearer ${k}`]] },
  { title: 'Authorization: Bearer KEY', headers: (k) => [['Authorization', `Bearer ${k}`]] },
  { title: 'Authorization: KEY', headers: (k) => [['Authorization', k]] },
  { title: 'the key in a cookie', headers: (k) => [['Cookie', `X-API-Key=${k}`]] },
  { title: 'the key in ?api_key=', headers: () => [], query: (k) => `api_key=${k}` },
  { title: 'the key in ?X-API-Key=', headers: () => [], query: (k) => `X-API-Key=${k}` },
  ...['X-API-Keys', 'X_API_Key', 'X-APIKey', 'API-Key'].map((name): Refused => ({ title: `the key in ${name}`, headers: (k) => [[name, k]] })),
  {
    title: 'two fields, valid then never-issued',
    headers: (k) => [
      ['X-API-Key', k],
      ['X-API-Key', randomKey()],
    ],
  },
  {
    title: 'two fields, never-issued then valid',
    headers: (k) => [
      ['X-API-Key', randomKey()],
      ['X-API-Key', k],
    ],
  },
  { title: 'one field "valid, never-issued"', headers: (k) => [['X-API-Key', `${k}, ${randomKey()}`]] },
  {
    title: 'two fields both holding the valid key',
    headers: (k) => [
      ['X-API-Key', k],
      ['X-API-Key', k],
    ],
  },
];

for (const r of REFUSED) {
  test(`${r.title} gets the one 401 envelope, echoing nothing`, async () => {
    const key = worker.material.accounts.active.key;
    const reply = await worker.call({ path: `balance${r.query ? `?${r.query(key)}` : ''}`, headers: r.headers(key, worker.material) });
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reply.text).toBe(UNAUTHORIZED);
    const endToEnd = Object.keys(reply.headers).filter((name) => !['connection', 'keep-alive', 'date'].includes(name));
    expect(endToEnd.sort()).toEqual(['content-length', 'content-type', 'strict-transport-security']);
  });
}

const ACCEPTED: ReadonlyArray<{ title: string; headers: (key: string) => Array<[string, string]> }> = [
  { title: 'the exact key', headers: (k) => [['X-API-Key', k]] },
  // What a conforming parser hands over once OWS is gone is the key itself (RFC 9110 5.5).
  { title: 'the key padded with spaces and tabs', headers: (k) => [['X-API-Key', ` \t${k}\t `]] },
  ...['x-api-key', 'X-Api-Key', 'X-API-KEY'].map((name) => ({
    title: `the key under the name ${name}`,
    headers: (k: string): Array<[string, string]> => [[name, k]],
  })),
  {
    title: 'the key plus signing headers (ignored for a plain account)',
    headers: (k) => [
      ['X-API-Key', k],
      ['X-API-Challenge', 'junk'],
      ['X-API-Signature', '!!'],
    ],
  },
];

for (const a of ACCEPTED) {
  test(`${a.title} is accepted`, async () => {
    const reply = await worker.call({ path: 'balance', headers: a.headers(worker.material.accounts.active.key) });
    expect(reply.status).toBe(200);
  });
}

/** sameKey compares character codes: each case is a value presented for the key `cpp_test_abc`. */
const COMPARED: ReadonlyArray<{ title: string; presented: string; same: boolean }> = [
  { title: 'the key itself', presented: 'cpp_test_abc', same: true },
  { title: 'the first character changed', presented: 'Cpp_test_abc', same: false },
  { title: 'the last character changed', presented: 'cpp_test_abd', same: false },
  { title: 'one character shorter', presented: 'cpp_test_ab', same: false },
  { title: 'one character longer', presented: 'cpp_test_abcd', same: false },
  // A Buffer's latin1 encoding keeps only the low byte: U+0163 would have passed for "c" (0x63).
  { title: "a character above U+00FF whose low byte is the key's", presented: 'cpp_test_ab\u0163', same: false },
];

for (const c of COMPARED) {
  test(`sameKey: ${c.title} is ${c.same ? '' : 'not '}the key`, () => {
    expect(sameKey(c.presented, 'cpp_test_abc')).toBe(c.same);
  });
}
