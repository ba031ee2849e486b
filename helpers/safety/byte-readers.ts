/**
 * The per-encoding readers of the redactor (redact.ts): read at a position of a text, each gives
 * the bytes a spelling of SAFE-01 spells there (plain, hex and byte dumps, escapes through layers,
 * Base64, UTF-16), so a secret keeps one set of raw pieces (pieces.ts) however many spellings
 * count.
 */
import { FRAGMENT } from './encodings';
import type { Pieces } from './pieces';

export const isHexCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
export const isBase64Code = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
const hexValue = (c: number): number => (c <= 57 ? c - 48 : c - 87);
const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
const foldCode = (c: number): string => String.fromCharCode(fold(c));

/** Where the byte last read by a `ByteReader` (or `charAt`) ends. */
let charEnd = 0;

/**
 * A per-byte spelling of SAFE-01 (on ASCII-folded text), read back at a position rather than
 * stored as pieces of its own: each secret keeps one set of raw pieces, however many spellings
 * count. Gives the byte spelt at `i` (`first`: the first byte of a piece) and sets `charEnd`; -1
 * when none is spelt there.
 */
export type ByteReader = (t: string, i: number, first: boolean) => number;

/**
 * FRAGMENT bytes from `at`, each read by `read`, folded, with where they end; undefined as soon as
 * they can start no piece. A zero byte after the first byte means UTF-16 (a Windows or Java tool's
 * text written out byte by byte: `\u0063\u0000`, `c\x00`, `63 00`): then a zero byte follows each
 * byte but the last and is skipped. Big-endian text is little-endian read one byte on.
 */
export function readPiece(t: string, at: number, read: ByteReader, pieces: Pieces): { bytes: string; end: number } | undefined {
  const first = read(t, at, true);
  // Most windows start with bytes no piece starts with: stop there.
  if (first < 0 || !pieces.mayStartWith(fold(first))) return undefined;
  let second = read(t, charEnd, false);
  const utf16 = second === 0;
  if (utf16) second = read(t, charEnd, false);
  if (second < 0 || !pieces.mayContinueWith(fold(second))) return undefined;
  let bytes = foldCode(first) + foldCode(second);
  for (let k = 2; k < FRAGMENT; k++) {
    if (utf16 && read(t, charEnd, false) !== 0) return undefined;
    const c = read(t, charEnd, false);
    if (c < 0) return undefined;
    bytes += foldCode(c);
  }
  return { bytes, end: charEnd };
}

/** The characters themselves (where a zero byte follows one: UTF-16 read as Latin-1). */
export const plainBytes: ByteReader = (t, i) => {
  charEnd = i + 1;
  return i < t.length ? t.charCodeAt(i) : -1;
};

/** What separates the bytes of a dump: space, `:`, `,` or `-`. */
const isSeparator = (c: number): boolean => c === 32 || c === 58 || c === 44 || c === 45;

/**
 * Hex, plain (`6370`) or dumped byte by byte: `63:70` (OpenSSL, Wireshark), `63 70` (hex dumps,
 * hexdump -C's double space after the 8th byte too), `0x63,0x70` and `0x63, 0x70` (C arrays,
 * xxd -i). Up to two separators and a `0x` before each byte, mixed at will. `hexRun[i]` counts the
 * hex digits from i on.
 */
export function hexBytes(hexRun: Uint32Array): ByteReader {
  return (t, i, first) => {
    let at = i;
    if (!first) for (let s = 0; s < 2 && isSeparator(t.charCodeAt(at)); s++) at++;
    if (t.charCodeAt(at) === 48 && t.charCodeAt(at + 1) === 120) at += 2;
    if (!(hexRun[at]! >= 2)) return -1;
    charEnd = at + 2;
    return hexValue(t.charCodeAt(at)) * 16 + hexValue(t.charCodeAt(at + 1));
  };
}

/** Layers of escapes read through: a serialiser's, a proxy's that re-encodes (`%2563`), a logger's. */
export const ESCAPE_LAYERS = 3;

const hexDigit = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);
const digitOf = (c: number, radix: 10 | 16): number => (radix === 16 ? hexDigit(c) : c >= 48 && c <= 57 ? c - 48 : -1);

/**
 * `fewest` to `most` digits from `i`, read through `layers` layers of escapes: their value, or -1.
 * Sets `charEnd` after the last digit.
 */
function digitsAt(t: string, i: number, layers: number, radix: 10 | 16, fewest: number, most: number): number {
  let value = 0;
  let end = i;
  let k = 0;
  for (; k < most; k++) {
    const d = digitOf(charAt(t, end, layers), radix);
    if (d < 0) break;
    value = value * radix + d;
    end = charEnd;
  }
  charEnd = end;
  return k >= fewest ? value : -1;
}

/** Whether the characters from `i`, read through `layers`, spell `word`; sets `charEnd` after it. */
function spells(t: string, i: number, layers: number, word: string): boolean {
  charEnd = i;
  for (let k = 0; k < word.length; k++) if (charAt(t, charEnd, layers) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * The character at `i` read through `layers` layers of escapes (`%xx`; JSON `\uxxxx`, `\\`, `\/`,
 * `\"`; C, JS and Python `\xhh`; HTML and XML `&#99;`, `&#x63;`, `&amp;`), each layer spelt in the
 * characters of the one below it: `%2563`, `%25%36%33`, `%252563`, `%5cu0063`, `\\u0063`,
 * `\u0025%36%33`, `%5cx63` and `&amp;#99;` are all `c`. Sets `charEnd`; -1 past the text's end.
 * An escape that does not complete is read as the plain character that opened it.
 */
function charAt(t: string, i: number, layers: number): number {
  const plain = i < t.length ? t.charCodeAt(i) : -1;
  // A character that opens no escape is itself in every layer.
  if (layers === 0 || (plain !== 37 && plain !== 92 && plain !== 38)) {
    charEnd = i + 1;
    return plain;
  }
  const below = layers - 1;
  const c = charAt(t, i, below);
  const after = charEnd;
  if (c === 37) {
    const value = digitsAt(t, after, below, 16, 2, 2);
    if (value >= 0) return value;
  } else if (c === 92) {
    const next = charAt(t, after, below);
    if (next === 117 || next === 120) {
      const width = next === 117 ? 4 : 2;
      const value = digitsAt(t, charEnd, below, 16, width, width);
      if (value >= 0) return value;
    } else if (next === 92 || next === 47 || next === 34) {
      return next;
    }
  } else if (c === 38) {
    const next = charAt(t, after, below);
    if (next === 35) {
      const digits = charEnd;
      const x = charAt(t, digits, below) === 120;
      const value = x ? digitsAt(t, charEnd, below, 16, 1, 6) : digitsAt(t, digits, below, 10, 1, 7);
      if (value >= 0 && charAt(t, charEnd, below) === 59) return value;
    } else if (next === 97 && spells(t, charEnd, below, 'mp;')) {
      return 38;
    }
  }
  charEnd = after;
  return c;
}

/** A reader of each number of escape layers. */
export const ESCAPED: readonly ByteReader[] = Array.from({ length: ESCAPE_LAYERS + 1 }, (_, layers) => (t: string, i: number) => charAt(t, i, layers));

/** Six bits for each character of either Base64 alphabet; -1 for others. */
const BASE64_VALUES = Int8Array.from({ length: 128 }, (_, c) => {
  const at = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(String.fromCharCode(c));
  return at >= 0 ? at : c === 45 ? 62 : c === 95 ? 63 : -1;
});

/**
 * The FRAGMENT bytes that 16 Base64 characters from `at` (either alphabet, all known to be in a
 * run) spell, folded; undefined as soon as the first byte starts no piece. Decoded by hand: most
 * groups of a long Base64 run hold no key, and a Buffer for each would cost more than the rest.
 */
export function readBase64(t: string, at: number, pieces: Pieces): string | undefined {
  let out = '';
  for (let g = at; g < at + 16; g += 4) {
    const n =
      (BASE64_VALUES[t.charCodeAt(g)]! << 18) |
      (BASE64_VALUES[t.charCodeAt(g + 1)]! << 12) |
      (BASE64_VALUES[t.charCodeAt(g + 2)]! << 6) |
      BASE64_VALUES[t.charCodeAt(g + 3)]!;
    const first = foldCode(n >>> 16);
    if (g === at && !pieces.mayStartWith(first.charCodeAt(0))) return undefined;
    out += first + foldCode((n >>> 8) & 255) + foldCode(n & 255);
  }
  return out;
}
