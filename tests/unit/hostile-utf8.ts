/**
 * Hostile requests with invalid UTF-8 (stray continuation bytes, overlongs, surrogates, cut
 * sequences) in the key, the signing headers, a header name, the path, the query and a JSON body,
 * mixed with valid multi-byte characters and pieces of a real key. Sampled by mock-hostile.spec.ts.
 */
import fc from 'fast-check';
import { visible, type CaseKeys, type HostileCase } from './hostile-cases';
import { rawRequest } from './raw-http';

/** Byte sequences that are not UTF-8: stray continuation bytes, overlongs, surrogates, cut sequences. */
const INVALID_UTF8: readonly number[][] = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xe2, 0x82, 0x28],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xf8, 0xa1, 0xa1, 0xa1, 0xa1],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff],
  [0xfe],
  [0x80],
  [0xc2],
];
const VALID_UTF8 = ['é', '€', '🙂', '\u00a0', '\u200b', '\ufeff'].map((s) => [...Buffer.from(s, 'utf8')]);

const bytesOf = (codes: readonly number[]): string => String.fromCharCode(...codes);

/** Invalid UTF-8 in the key, the signing headers, a header name, the path, the query and a JSON body. */
export function invalidUtf8Cases(keys: CaseKeys): fc.Arbitrary<HostileCase> {
  const piece = fc.oneof(
    fc.constantFrom(...INVALID_UTF8).map(bytesOf),
    fc.constantFrom(...VALID_UTF8).map(bytesOf),
    fc.integer({ min: 1, max: keys.active.length }).map((n) => keys.active.slice(0, n)),
    visible(8),
  );
  const hostile = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
  const percent = (s: string): string => [...Buffer.from(s, 'latin1')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const where = fc.constantFrom('key', 'challenge', 'signature', 'name', 'raw-path', 'percent-path', 'query', 'body');
  return fc.tuple(where, hostile, fc.constantFrom(keys.active, keys.signing)).map(([at, text, key]) => {
    const lines = ['Host: localhost'];
    let target = '/v1/balance';
    let method = 'GET';
    let body: Buffer = Buffer.alloc(0);
    if (at === 'key') lines.push(`X-API-Key: ${text}`);
    else lines.push(`X-API-Key: ${key}`);
    if (at === 'challenge') lines.push(`X-API-Challenge: ${text}`, 'X-API-Signature: AAAA');
    if (at === 'signature') lines.push('X-API-Challenge: c', `X-API-Signature: ${text}`);
    if (at === 'name') lines.push(`X-API-Key${text}: x`);
    if (at === 'raw-path') target = `/v1/orders/${text}`;
    if (at === 'percent-path') target = `/v1/orders/${percent(text)}`;
    if (at === 'query') target = `/v1/catalog?q=${percent(text)}&brand=${text.replace(/[\s#]/g, '')}`;
    if (at === 'body') {
      method = 'POST';
      target = '/v1/orders/check';
      body = Buffer.from(`{"item_id":"${text.replace(/["\\]/g, '')}","quantity":1}`, 'latin1');
      lines.push('Content-Type: application/json', `Content-Length: ${body.length}`);
    }
    return {
      category: 'invalid-utf8',
      bytes: rawRequest(`${method} ${target} HTTP/1.1`, lines, body),
      head: false,
      mayDrop: false,
      alone: false,
      halfClose: false,
    };
  });
}
