/**
 * SAFE-03: what makes a request "keyed", and so held to HTTPS, the configured host and the
 * non-spending allowlist. Not only a whole encoding of a configured key, but anything made from
 * one: AUTH-05's near-misses (the valid key a character short, changed, in another case) reach a
 * server that compares keys loosely, and on `POST orders` such a server would spend money with
 * them as with the key itself.
 *
 * A request is keyed when one of its texts, their percent-decoded forms (up to three layers) or
 * the Base64 and base64url tokens in any of these, decoded (Basic credentials), hold, case folded:
 * - a whole encoding of a configured key (encodings.ts: hex, UTF-16, escapes, ...);
 * - any WINDOW characters of a key in a row. One change to a key of 2 * WINDOW + 1 characters or
 *   more leaves WINDOW of them untouched on one side, so every near-miss of such a key counts;
 * - for a shorter key, the key itself within one change (a character changed, inserted or
 *   deleted), where a window might not survive.
 */
import { encodingsOf, FRAGMENT } from '../safety/encodings';

/**
 * Characters of a key in a row that make a request keyed. A never-issued key the suite makes
 * (keys.ts `wellFormedLike`: the configured key's `cpp_test_` prefix, 9 characters, then random
 * characters of the same classes) shares a window with the configured key only if 7 random
 * characters agree, about 1 in 10^7 when every one is a digit and far less otherwise; with 12
 * characters (FRAGMENT) 3 would do, 1 in 1000, and AUTH-12's never-issued key on `POST orders`
 * would now and then be refused.
 */
export const WINDOW = 16;

/** A key percent-encoded up to three times still counts, as SAFE-01 reads it. */
const PERCENT_ROUNDS = 3;

/** A run of Base64 or base64url characters that can hold a trace of a key once decoded. */
const BASE64_TOKEN = /[A-Za-z0-9+/_-]{16,}/g;

const fold = (text: string): string => text.toLowerCase();

/** The parts of a secret that travel: its lines of FRAGMENT characters or more, a PEM's armor lines left out (they are not secret). */
function secretParts(secret: string): string[] {
  return secret.split(/\r?\n/).filter((line) => line.length >= FRAGMENT && !line.startsWith('-----'));
}

/** Well-formed percent escapes decoded, whatever else the text holds (a stray `%` stops decodeURIComponent). */
function percentDecoded(text: string): string {
  return text.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
}

/**
 * Each text, its percent-decoded layers, and the Base64 tokens of each layer decoded (at every
 * alignment) and peeled in turn: a key percent-encoded inside Basic credentials counts too.
 */
function derivedTexts(texts: readonly string[]): string[] {
  const out = new Set<string>();
  const peel = (text: string, base64: boolean): void => {
    let current = text;
    for (let round = 0; round <= PERCENT_ROUNDS; round++) {
      if (out.has(current)) return;
      out.add(current);
      // Node's Base64 decoder reads base64url's alphabet too; an offset finds a token glued to what precedes it.
      if (base64)
        for (const token of current.match(BASE64_TOKEN) ?? [])
          for (let at = 0; at < 4; at++) peel(Buffer.from(token.slice(at), 'base64').toString('latin1'), false);
      const next = percentDecoded(current);
      if (next === current) return;
      current = next;
    }
  };
  for (const text of texts) peel(text, true);
  return [...out];
}

/** Whether `text` from `at` reads `key` from `from` to its end. */
function readsFrom(text: string, at: number, key: string, from: number): boolean {
  if (at + key.length - from > text.length) return false;
  for (let j = from; j < key.length; j++) if (text.charCodeAt(at + j - from) !== key.charCodeAt(j)) return false;
  return true;
}

/** Whether `text` holds `key`, or `key` with one character changed, inserted or deleted. */
export function holdsWithinOneChange(text: string, key: string): boolean {
  for (let i = 0; i + key.length - 1 <= text.length; i++) {
    let p = 0;
    while (p < key.length && text.charCodeAt(i + p) === key.charCodeAt(p)) p++;
    if (p === key.length) return true;
    // The first difference is where the change is: a change further on gives the same string (within a run of one character).
    if (i + p < text.length && readsFrom(text, i + p + 1, key, p + 1)) return true; // changed
    if (readsFrom(text, i + p, key, p + 1)) return true; // deleted
    if (readsFrom(text, i + p + 1, key, p)) return true; // inserted
  }
  return false;
}

/** The configured keys as a request may carry them, whole or changed; built once per egress. */
export class KeyTraces {
  /** Every whole encoding of every key, folded. */
  private readonly forms: string[];
  /** Every WINDOW-character run of every key, folded. */
  private readonly windows = new Set<string>();
  /** Keys too short for a window to survive every change, folded: compared whole, within one change. */
  private readonly short: string[] = [];

  constructor(keys: readonly string[]) {
    this.forms = keys.flatMap(encodingsOf).map(fold);
    for (const part of keys.flatMap(secretParts).map(fold)) {
      for (let i = 0; i + WINDOW <= part.length; i++) this.windows.add(part.slice(i, i + WINDOW));
      if (part.length < 2 * WINDOW + 1) this.short.push(part);
    }
  }

  /** Whether any of these texts carries a configured key or anything made from one. */
  carried(texts: readonly string[]): boolean {
    return derivedTexts(texts).some((t) => this.traceIn(fold(t)));
  }

  private traceIn(text: string): boolean {
    if (this.forms.some((form) => text.includes(form))) return true;
    for (let i = 0; i + WINDOW <= text.length; i++) if (this.windows.has(text.slice(i, i + WINDOW))) return true;
    return this.short.some((key) => holdsWithinOneChange(text, key));
  }
}
