/**
 * The one redactor. Everything that leaves the run as text (attachments, errors, console output,
 * reports, files Playwright writes on its own) passes through it. It knows two things: the
 * configured secrets, in every encoding SAFE-01 names, and the places credentials sit in HTTP text
 * (header lines, query parameters, cookies), so values it was never told about (signatures made
 * at run time, keys echoed by a broken server) are masked too.
 *
 * A secret is looked for in pieces: any run of FRAGMENT characters of it, in each encoding, is
 * masked. A server that echoes a truncated, extended or case-flipped key, or a report that wraps a
 * PEM or cuts a Base64 string anywhere, still leaks the key; a piece that short is not a key.
 */

const CREDENTIAL_HEADERS = ['x-api-key', 'x-api-signature', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization'];
const CREDENTIAL_PARAMS = ['api_key', 'apikey', 'x-api-key', 'key', 'signature'];

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** Characters of a secret that make a leak: settings refuse keys shorter than this (SAFE-04). */
export const FRAGMENT = 12;

/** `…abcd`: enough to tell two keys apart in a report, not enough to use one. */
function mask(value: string): string {
  if (value.length < 24) return '[redacted]';
  return `[redacted …${value.slice(-4)}]`;
}

/** Lower-cases ASCII letters only, so positions in the folded text are positions in the original. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * One encoding of a secret: the encoded text, how many encoded characters stand for one byte of
 * the secret (a piece must start on that boundary), and whether letter case carries meaning.
 */
interface Form {
  name: string;
  text: string;
  /** Encoded characters per `per` bytes of the secret. */
  unit: number;
  per: number;
  caseless: boolean;
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * The encodings of SAFE-01. Base64 and base64url come in three alignments: the same bytes read
 * from an offset of 0, 1 or 2 in a longer string (`KEY:`, `:KEY`, a JSON document) encode
 * differently, but each alignment's whole 3-byte groups always encode the same way.
 */
function formsOf(secret: string): Form[] {
  const bytes = Buffer.from(secret, 'utf8');
  const each = (f: (b: number) => string): string => Array.from(bytes, f).join('');
  const forms: Form[] = [
    { name: 'raw', text: bytes.toString('latin1'), unit: 1, per: 1, caseless: true },
    { name: 'hex', text: bytes.toString('hex'), unit: 2, per: 1, caseless: true },
    { name: 'percent-encoded', text: each((b) => `%${hex2(b)}`), unit: 3, per: 1, caseless: true },
    { name: 'JSON \\u escapes', text: each((b) => `\\u00${hex2(b)}`), unit: 6, per: 1, caseless: true },
    { name: 'UTF-16LE', text: Buffer.from(secret, 'utf16le').toString('latin1'), unit: 2, per: 1, caseless: true },
    { name: 'UTF-16BE', text: Buffer.from(secret, 'utf16le').swap16().toString('latin1'), unit: 2, per: 1, caseless: true },
  ];
  return [...forms, ...base64Forms(bytes)];
}

function base64Forms(bytes: Buffer): Form[] {
  const forms: Form[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const whole = bytes.subarray(offset, offset + Math.floor((bytes.length - offset) / 3) * 3);
    if (whole.length === 0) continue;
    forms.push({ name: `Base64 (offset ${offset})`, text: whole.toString('base64'), unit: 4, per: 3, caseless: false });
    forms.push({ name: `base64url (offset ${offset})`, text: whole.toString('base64url'), unit: 4, per: 3, caseless: false });
  }
  return forms;
}

/** Encodings that vary in width from character to character: looked for whole. */
function wholeNeedles(secret: string): string[] {
  return [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

/** The encodings a secret can take on its way into a file or a log line (whole, for callers that list them). */
export function encodingsOf(secret: string): string[] {
  const out = new Set<string>([secret, ...wholeNeedles(secret), ...formsOf(secret).map((f) => f.text)]);
  // A PEM's body lines are secret one by one: a report may wrap or cut it anywhere.
  for (const line of secret.split(/\r?\n/)) if (line.length >= 24 && !line.startsWith('-----')) out.add(line);
  return [...out].filter((s) => s.length >= 8);
}

const isHexCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
const isBase64Code = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 45 || c === 95;
const hexValue = (c: number): number => (c <= 57 ? c - 48 : c - 87);
const foldCode = (c: number): string => String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);

/**
 * The per-byte encodings of SAFE-01 (on ASCII-folded text), read back at a position rather than
 * stored as pieces of their own: each secret keeps one set of raw pieces, however many encodings
 * count. `width` is the characters per byte; `read` gives the FRAGMENT bytes spelt from `at`,
 * folded, or undefined. `hexRun[i]` counts the hex digits from i on.
 */
interface Decoder {
  width: number;
  read: (t: string, at: number, hexRun: Uint32Array) => string | undefined;
}

function readBytes(t: string, at: number, width: number, byteAt: (i: number) => number): string | undefined {
  let out = '';
  for (let k = 0; k < FRAGMENT; k++) {
    const c = byteAt(at + k * width);
    if (c < 0) return undefined;
    out += foldCode(c);
  }
  return out;
}

const hexByte = (t: string, i: number): number => hexValue(t.charCodeAt(i)) * 16 + hexValue(t.charCodeAt(i + 1));

const DECODERS: readonly Decoder[] = [
  // hex
  { width: 2, read: (t, at, run) => (run[at]! >= 2 * FRAGMENT ? readBytes(t, at, 2, (i) => hexByte(t, i)) : undefined) },
  // UTF-16: an ASCII character and a zero byte. Big-endian text is little-endian read one byte on.
  { width: 2, read: (t, at) => (t.charCodeAt(at + 1) === 0 ? readBytes(t, at, 2, (i) => (t.charCodeAt(i + 1) === 0 && i + 1 < t.length ? t.charCodeAt(i) : -1)) : undefined) },
];

/** Layers of escapes read through: a serialiser's, a proxy's that re-encodes (`%2563`), a logger's. */
const ESCAPE_LAYERS = 3;

/** Where the character last read by `charAt` ends. */
let charEnd = 0;

const hexDigit = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);

/**
 * The character at `i` read through `layers` layers of escapes (`%xx`, JSON `\uxxxx`, `\\`, `\/`,
 * `\"`), each layer spelt in the characters of the one below it: `%2563`, `%25%36%33`, `%252563`,
 * `%5cu0063`, `\\u0063` and `\u0025%36%33` are all `c`. Sets `charEnd`; -1 past the text's end.
 * An escape that does not complete is read as the plain character that opened it.
 */
function charAt(t: string, i: number, layers: number): number {
  const plain = i < t.length ? t.charCodeAt(i) : -1;
  // A character that opens no escape is itself in every layer.
  if (layers === 0 || (plain !== 37 && plain !== 92)) {
    charEnd = i + 1;
    return plain;
  }
  const c = charAt(t, i, layers - 1);
  const after = charEnd;
  if (c === 37) {
    const hi = hexDigit(charAt(t, after, layers - 1));
    const lo = hi < 0 ? -1 : hexDigit(charAt(t, charEnd, layers - 1));
    if (lo >= 0) return hi * 16 + lo;
  } else if (c === 92) {
    const next = charAt(t, after, layers - 1);
    if (next === 117) {
      let value = 0;
      let k = 0;
      for (; k < 4; k++) {
        const h = hexDigit(charAt(t, charEnd, layers - 1));
        if (h < 0) break;
        value = value * 16 + h;
      }
      if (k === 4) return value;
    } else if (next === 92 || next === 47 || next === 34) {
      return next;
    }
  }
  charEnd = after;
  return c;
}

/**
 * FRAGMENT characters from `at` of folded text, each spelt plain or through up to `layers` layers
 * of escapes, mixed at will (a serialiser may escape only some characters of a key, a proxy then
 * re-encode only the `%`), folded, with where they end; undefined past the text's end.
 */
function readEscaped(t: string, at: number, layers: number, pieces: Pieces): { bytes: string; end: number } | undefined {
  let bytes = '';
  let i = at;
  for (let k = 0; k < FRAGMENT; k++) {
    const c = charAt(t, i, layers);
    if (c < 0) return undefined;
    i = charEnd;
    bytes += foldCode(c);
    // Most windows start with characters no piece starts with: stop there.
    if (k === 0 && !pieces.mayStartWith(bytes.charCodeAt(0))) return undefined;
    if (k === 1 && !pieces.mayContinueWith(bytes.charCodeAt(1))) return undefined;
  }
  return { bytes, end: i };
}

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
function readBase64(t: string, at: number, pieces: Pieces): string | undefined {
  let out = '';
  for (let g = at; g < at + 16; g += 4) {
    const n = (BASE64_VALUES[t.charCodeAt(g)]! << 18) | (BASE64_VALUES[t.charCodeAt(g + 1)]! << 12) | (BASE64_VALUES[t.charCodeAt(g + 2)]! << 6) | BASE64_VALUES[t.charCodeAt(g + 3)]!;
    const first = foldCode(n >>> 16);
    if (g === at && !pieces.mayStartWith(first.charCodeAt(0))) return undefined;
    out += first + foldCode((n >>> 8) & 255) + foldCode(n & 255);
  }
  return out;
}

/** A set of same-length pieces with the codes they start with, so most positions cost two array reads. */
class Pieces {
  private readonly set = new Set<string>();
  private readonly first = new Uint8Array(65536);
  private readonly second = new Uint8Array(65536);

  constructor(readonly length: number) {}

  add(piece: string): void {
    this.set.add(piece);
    this.first[piece.charCodeAt(0)] = 1;
    this.second[piece.charCodeAt(1)] = 1;
  }

  mayStartWith(code: number): boolean {
    return this.first[code] === 1;
  }

  mayContinueWith(code: number): boolean {
    return this.second[code] === 1;
  }

  get size(): number {
    return this.set.size;
  }

  at(text: string, i: number): boolean {
    return this.first[text.charCodeAt(i)] === 1 && this.second[text.charCodeAt(i + 1)] === 1 && i + this.length <= text.length && this.set.has(text.slice(i, i + this.length));
  }

  has(piece: string): boolean {
    return this.set.has(piece);
  }
}

/** Texts up to this length are remembered with their redacted form; at most this many. */
const MEMO_MAX_LENGTH = 512;
const MEMO_MAX_ENTRIES = 10_000;

export class Redactor {
  private readonly secrets: string[] = [];
  /** Every FRAGMENT-byte piece of every secret, as Latin-1 text, ASCII-folded. */
  private readonly raw = new Pieces(FRAGMENT);
  /** Every Base64 and base64url piece (16 characters, 12 bytes) at each alignment; case matters. */
  private readonly base64 = new Pieces(16);
  /** Encodings looked for whole: variable-width ones, and every encoding of a secret shorter than a piece. */
  private readonly needles: Array<{ text: string; caseless: boolean }> = [];
  /**
   * Escapes are read through every layer; a secret that itself holds a `%` or a backslash is also
   * read through fewer, or its own `%41` would be taken for an escape of one layer more.
   */
  private escapeLayers: readonly number[] = [ESCAPE_LAYERS];
  /**
   * Short texts (titles, annotations, step names) come back again and again: their redacted form
   * is kept until the next secret is added.
   */
  private readonly seen = new Map<string, string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret (a key, a private key, a signature made at run time). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 8 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    this.seen.clear();
    if (/[%\\]/.test(secret)) this.escapeLayers = Array.from({ length: ESCAPE_LAYERS }, (_, k) => ESCAPE_LAYERS - k);
    // Longest first, so the mask that names a secret's last characters goes to the whole secret.
    this.secrets.sort((a, b) => b.length - a.length);
    const bytes = Buffer.from(secret, 'utf8');
    const whole: Array<{ text: string; caseless: boolean }> = wholeNeedles(secret).map((text) => ({ text, caseless: true }));
    if (bytes.length < FRAGMENT) {
      whole.push(...formsOf(secret).map((f) => ({ text: f.text, caseless: f.caseless })));
    } else {
      const raw = foldAscii(bytes.toString('latin1'));
      for (let at = 0; at + FRAGMENT <= raw.length; at++) this.raw.add(raw.slice(at, at + FRAGMENT));
      for (const form of base64Forms(bytes)) {
        for (let at = 0; at + 16 <= form.text.length; at += 4) this.base64.add(form.text.slice(at, at + 16));
      }
    }
    for (const n of whole) {
      const text = n.caseless ? foldAscii(n.text) : n.text;
      if (text !== foldAscii(secret) && !this.needles.some((m) => m.text === text)) this.needles.push({ text, caseless: n.caseless });
    }
  }

  redact(input: string): string {
    if (input.length > MEMO_MAX_LENGTH) return this.redactNow(input);
    let out = this.seen.get(input);
    if (out === undefined) {
      if (this.seen.size >= MEMO_MAX_ENTRIES) this.seen.clear();
      out = this.redactNow(input);
      this.seen.set(input, out);
    }
    return out;
  }

  private redactNow(input: string): string {
    // Playwright colours the differing parts of a diff inside the value: the escapes split a key
    // into short runs that a reporter which strips them (allure-playwright does) joins again.
    const text = input.includes('\u001b[') ? input.replace(ANSI, '') : input;
    const ranges = this.rangesIn(text);
    if (ranges.length === 0) return redactCredentialFields(input);
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      const found = text.slice(from, to);
      const named = this.secrets.find((s) => s === found);
      out += `${text.slice(at, from)}${named ? mask(named) : '[redacted]'}`;
      at = to;
    }
    return redactCredentialFields(out + text.slice(at));
  }

  /**
   * Redacts bytes of any kind (a file Playwright wrote, an attachment): read as Latin-1, so every
   * byte maps to one character and nothing but the masked ranges changes, UTF-16 text included.
   */
  redactBytes(data: Buffer): Buffer {
    const text = data.toString('latin1');
    const out = this.redact(text);
    if (out === text) return data;
    // Only the masks hold characters past Latin-1 (the ellipsis): they go out as UTF-8.
    return Buffer.concat(out.split(/([\u0100-\uffff]+)/).map((part, i) => Buffer.from(part, i % 2 === 1 ? 'utf8' : 'latin1')));
  }

  /** Whether text still holds a registered secret, or a piece of one, in any encoding. */
  findsSecretIn(text: string): boolean {
    return this.rangesIn(text).length > 0;
  }

  /** Merged [from, to) ranges of text covered by pieces of secrets, in any encoding. */
  private rangesIn(text: string): Array<[number, number]> {
    if (this.secrets.length === 0) return [];
    const folded = foldAscii(text);
    const hits: Array<[number, number]> = [];
    for (const { text: needle, caseless } of this.needles) {
      const hay = caseless ? folded : text;
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) hits.push([i, i + needle.length]);
    }
    if (this.raw.size > 0) {
      const hexRun = new Uint32Array(text.length + 1);
      for (let i = text.length - 1; i >= 0; i--) hexRun[i] = isHexCode(folded.charCodeAt(i)) ? hexRun[i + 1]! + 1 : 0;
      const nextEscape = new Uint32Array(text.length + 1).fill(text.length);
      for (let i = text.length - 1; i >= 0; i--) nextEscape[i] = text.charCodeAt(i) === 37 || text.charCodeAt(i) === 92 ? i : nextEscape[i + 1]!;
      // Base64 runs (either alphabet): how long from i on, and where the run holding i starts.
      const b64Run = new Uint32Array(text.length + 1);
      const b64Start = new Int32Array(text.length + 1);
      for (let i = text.length - 1; i >= 0; i--) b64Run[i] = isBase64Code(text.charCodeAt(i)) ? b64Run[i + 1]! + 1 : 0;
      for (let i = 0; i < text.length; i++) b64Start[i] = b64Run[i] === 0 ? i + 1 : i > 0 && b64Run[i - 1]! > 0 ? b64Start[i - 1]! : i;
      for (let i = 0; i + FRAGMENT <= text.length; i++) {
        if (this.raw.at(folded, i)) hits.push([i, i + FRAGMENT]);
        if (this.base64.at(text, i)) hits.push([i, i + 16]);
        // A key in another case, then Base64-encoded: decoded from each 4-character group of a run.
        if (b64Run[i]! >= 16 && (b64Start[i]! - i) % 4 === 0) {
          const decoded = readBase64(text, i, this.raw);
          if (decoded !== undefined && this.raw.has(decoded)) hits.push([i, i + 16]);
        }
        // Only a window holding an escape: plain text was looked up above.
        if (nextEscape[i]! < i + FRAGMENT) {
          for (const layers of this.escapeLayers) {
            const escaped = readEscaped(folded, i, layers, this.raw);
            if (escaped && this.raw.has(escaped.bytes)) {
              hits.push([i, escaped.end]);
              break;
            }
          }
        }
        for (const decoder of DECODERS) {
          const bytes = decoder.read(folded, i, hexRun);
          if (bytes !== undefined && this.raw.has(bytes)) hits.push([i, i + FRAGMENT * decoder.width]);
        }
      }
    }
    hits.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [from, to] of hits) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }
}

const CREDENTIAL_HEADER_LINES = new RegExp(`((?:^|[\\s"'{,\\[(])(?:${CREDENTIAL_HEADERS.join('|')})"?\\s*[:=]\\s*"?)([^\\r\\n"]+)`, 'gim');
const CREDENTIAL_QUERY_PARAMS = new RegExp(`([?&;](?:${CREDENTIAL_PARAMS.join('|')})=)([^&#\\s"']+)`, 'gi');

/** Masks credential header lines, query parameters and cookies in free text. */
export function redactCredentialFields(text: string): string {
  let out = text.replace(CREDENTIAL_HEADER_LINES, (_m, head: string, value: string) => (value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value.trim())}`));
  out = out.replace(CREDENTIAL_QUERY_PARAMS, (_m, head: string, value: string) => (value.startsWith('%5Bredacted') || value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value)}`));
  return out;
}

/** Whether text holds the given value, or a piece of it, in any encoding SAFE-01 names (AUTH-13's echo check). */
export function holdsSecret(text: string, secret: string): boolean {
  return new Redactor([secret]).findsSecretIn(text);
}

/** The redactor for this process, seeded with the configured secrets by the fixtures and the runner. */
export const redactor = new Redactor();
