/**
 * Key variants as data (AUTH-03..08, AUTH-10): each case is named, minimal and about one behaviour, in the
 * style of the AWS SigV4 test suite. Cases take the configured key and derive what they send, so
 * they work for any key format; titles never contain a value.
 */
import crypto from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A key of the same shape as `like` (same length, same prefix, same character classes) that no
 * server ever issued: random letters and digits in place of the configured key's.
 */
export function wellFormedLike(like: string): string {
  const prefixEnd = prefixLength(like);
  for (;;) {
    let out = like.slice(0, prefixEnd);
    for (const ch of like.slice(prefixEnd)) out += randomOfClass(ch);
    if (out !== like) return out;
  }
}

/** A throwaway key for probes that must never carry a configured one (TLS-02's canary). */
export function canaryKey(like: string): string {
  return wellFormedLike(like);
}

/** Header values travel as bytes; a non-Latin-1 character goes on the wire as its UTF-8 bytes. */
function utf8OnTheWire(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function prefixLength(key: string): number {
  const m = /^[A-Za-z]{2,10}[_-](?:[A-Za-z]{2,10}[_-])?/.exec(key);
  return m && m[0].length <= key.length / 2 ? m[0].length : 0;
}

function randomOfClass(ch: string): string {
  const pick = (set: string): string => set[crypto.randomInt(set.length)]!;
  if (/[A-Z]/.test(ch)) return pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  if (/[a-z]/.test(ch)) return pick('abcdefghijklmnopqrstuvwxyz');
  if (/[0-9]/.test(ch)) return pick('0123456789');
  if (/[A-Za-z0-9]/.test(ch)) return pick(ALNUM);
  return ch;
}

/** The keys a test may present. */
export interface Keys {
  /** The configured active key. */
  valid: string;
  /** A key of the valid key's shape that was never issued; new for each test. */
  invalid: string;
  /** The configured revoked or inactive key, if any; a check that needs one asks for the `revokedKey` fixture. */
  revoked?: string;
}

/** A kind of key that must fail, presentable with the keys every run has. */
export interface FailingKey {
  id: string;
  title: string;
  /** What X-API-Key carries; undefined sends no X-API-Key at all. */
  key: (k: Keys) => string | undefined;
}

/** The kinds of failing key the envelope checks compare (ENV-03, AUTH-13); on every endpoint they are a family (key-classes.ts). */
export const FAILING_KEYS: readonly FailingKey[] = [
  { id: 'missing', title: 'a missing key', key: () => undefined },
  { id: 'empty', title: 'an empty key', key: () => '' },
  { id: 'never-issued', title: 'a never-issued key', key: (k) => k.invalid },
  { id: 'malformed', title: 'a malformed key', key: (k) => k.valid.slice(0, -1) },
];

/** The failing kind that exists only when the settings name a revoked key (see the `revokedKey` fixture). */
export const REVOKED_KEY = { id: 'revoked', title: 'a revoked key' } as const;

/** The two failing kinds that carry no configured key: request spellings (AUTH-14) and the 401 envelope (ENV-01/02) use them. */
export const MISSING_OR_NEVER_ISSUED: readonly FailingKey[] = FAILING_KEYS.filter((f) => f.id === 'missing' || f.id === 'never-issued');

/** The one field a key may travel in (docs: Authentication); header lines that present a key name it with this. */
export const KEY_HEADER = 'X-API-Key';

/** The headers that present `key`: none at all for a missing key. */
export function keyHeader(key: string | undefined): Record<string, string> {
  return key === undefined ? {} : { [KEY_HEADER]: key };
}

export interface KeyCase {
  id: string;
  title: string;
  make: (key: string) => string;
}

function flipCase(key: string): string {
  return [...key].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

function percentEncodeAll(key: string): string {
  return [...Buffer.from(key, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

function lengthen(key: string, bytes: number): string {
  return (key + 'A'.repeat(bytes)).slice(0, bytes);
}

/**
 * AUTH-05: malformed keys derived from the valid key, each must get 401 (never 2xx, never 5xx). The
 * near-misses (one character changed, inserted, deleted, its case flipped) are a family of their
 * own: near-misses.ts.
 */
export const MALFORMED_KEYS: readonly KeyCase[] = [
  { id: 'case-flipped', title: 'with its letters in the other case', make: flipCase },
  { id: 'non-ascii-appended', title: 'with a non-ASCII character appended', make: (k) => k + utf8OnTheWire('é') },
  { id: 'non-ascii-inside', title: 'with non-ASCII bytes in the middle', make: (k) => k.slice(0, 8) + utf8OnTheWire('ключ') + k.slice(8) },
  { id: 'url-encoded', title: 'percent-encoded byte by byte', make: percentEncodeAll },
];

/** AUTH-05: oversized keys, which a front proxy may refuse before any auth runs. */
export const OVERSIZED_KEYS: readonly KeyCase[] = [
  { id: '4kib', title: '4 KiB long', make: (k) => lengthen(k, 4096) },
  { id: '8kib', title: '8 KiB long', make: (k) => lengthen(k, 8192) },
];

/** Statuses a front proxy may give an oversized header instead of 401 (nginx uses 494). */
export const OVERSIZED_REFUSALS: readonly number[] = [400, 413, 431, 494];

/** AUTH-06: quotes are never part of the key. */
export const QUOTED_KEYS: readonly KeyCase[] = [
  { id: 'double-quotes', title: 'in double quotes', make: (k) => `"${k}"` },
  { id: 'single-quotes', title: 'in single quotes', make: (k) => `'${k}'` },
  { id: 'backticks', title: 'in backticks', make: (k) => `\`${k}\`` },
  { id: 'leading-quote', title: 'with a double quote before it only', make: (k) => `"${k}` },
  { id: 'trailing-quote', title: 'with a double quote after it only', make: (k) => `${k}"` },
];

/** AUTH-07: optional whitespace (SP, HTAB) around a field value is not part of it (RFC 9110 5.5). */
export const OWS_PADDINGS: readonly KeyCase[] = [
  { id: 'leading-space', title: 'a leading space', make: (k) => ` ${k}` },
  { id: 'trailing-space', title: 'a trailing space', make: (k) => `${k} ` },
  { id: 'leading-tab', title: 'a leading tab', make: (k) => `\t${k}` },
  { id: 'trailing-tab', title: 'a trailing tab', make: (k) => `${k}\t` },
  { id: 'mixed', title: 'spaces and tabs on both sides', make: (k) => ` \t ${k} \t ` },
];

/** AUTH-07: padding that is not OWS is part of the value, so the key no longer matches. */
export const NON_OWS_PADDINGS: readonly KeyCase[] = [
  { id: 'nbsp', title: 'a trailing no-break space as UTF-8', make: (k) => k + utf8OnTheWire('\u00a0') },
  { id: 'leading-nbsp', title: 'a leading no-break space as UTF-8', make: (k) => utf8OnTheWire('\u00a0') + k },
  // The same character as the one byte 0xA0 (obs-text; Playwright writes a Latin-1 string byte for
  // byte): a server that decodes header bytes as Latin-1 and calls trim() strips only this form.
  { id: 'nbsp-byte', title: 'a trailing no-break space as the single byte 0xA0', make: (k) => `${k}\u00a0` },
  { id: 'leading-nbsp-byte', title: 'a leading no-break space as the single byte 0xA0', make: (k) => `\u00a0${k}` },
  { id: 'zero-width-space', title: 'a trailing zero-width space', make: (k) => k + utf8OnTheWire('\u200b') },
  { id: 'inner-space', title: 'a space inside it', make: (k) => `${k.slice(0, Math.floor(k.length / 2))} ${k.slice(Math.floor(k.length / 2))}` },
  { id: 'trailing-equals', title: 'a trailing "="', make: (k) => `${k}=` },
  { id: 'trailing-double-equals', title: 'a trailing "=="', make: (k) => `${k}==` },
  { id: 'trailing-semicolon', title: 'a trailing ";"', make: (k) => `${k};` },
  { id: 'trailing-word', title: 'a trailing " extra"', make: (k) => `${k} extra` },
];

/** AUTH-03: values a server sees as empty once OWS is stripped. */
export const EMPTY_KEYS: readonly KeyCase[] = [
  { id: 'empty', title: 'empty', make: () => '' },
  { id: 'one-space', title: 'a single space', make: () => ' ' },
  { id: 'spaces', title: 'only spaces', make: () => '    ' },
  { id: 'tab', title: 'only a tab', make: () => '\t' },
];

/** AUTH-09's places (the key anywhere but X-API-Key) are a family of their own: places.ts. */

/** AUTH-10: the field name in other cases (RFC 9110 5.1: names are case-insensitive). */
export const HEADER_NAME_CASES: readonly string[] = ['x-api-key', 'X-Api-Key', 'X-API-KEY'];
