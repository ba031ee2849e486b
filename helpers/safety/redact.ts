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
  /** Encoded characters per `per` bytes of the secret (at most: a decimal reference is 4 to 6). */
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
    { name: '\\x byte escapes', text: each((b) => `\\x${hex2(b)}`), unit: 4, per: 1, caseless: true },
    { name: 'colon-separated hex', text: each((b) => `${hex2(b)}:`).slice(0, -1), unit: 3, per: 1, caseless: true },
    { name: 'space-separated hex', text: each((b) => `${hex2(b)} `).slice(0, -1), unit: 3, per: 1, caseless: true },
    { name: 'C array', text: each((b) => `0x${hex2(b)}, `).slice(0, -2), unit: 6, per: 1, caseless: true },
    { name: 'HTML decimal references', text: each((b) => `&#${b};`), unit: 6, per: 1, caseless: true },
    { name: 'HTML hex references', text: each((b) => `&#x${hex2(b)};`), unit: 6, per: 1, caseless: true },
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
const isBase64Code = (c: number): boolean =>
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
type ByteReader = (t: string, i: number, first: boolean) => number;

/**
 * FRAGMENT bytes from `at`, each read by `read`, folded, with where they end; undefined as soon as
 * they can start no piece. A zero byte after the first byte means UTF-16 (a Windows or Java tool's
 * text written out byte by byte: `\u0063\u0000`, `c\x00`, `63 00`): then a zero byte follows each
 * byte but the last and is skipped. Big-endian text is little-endian read one byte on.
 */
function readPiece(t: string, at: number, read: ByteReader, pieces: Pieces): { bytes: string; end: number } | undefined {
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
const plainBytes: ByteReader = (t, i) => {
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
function hexBytes(hexRun: Uint32Array): ByteReader {
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
const ESCAPE_LAYERS = 3;

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
const ESCAPED: readonly ByteReader[] = Array.from({ length: ESCAPE_LAYERS + 1 }, (_, layers) => (t: string, i: number) => charAt(t, i, layers));

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
    return (
      this.first[text.charCodeAt(i)] === 1 &&
      this.second[text.charCodeAt(i + 1)] === 1 &&
      i + this.length <= text.length &&
      this.set.has(text.slice(i, i + this.length))
    );
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
   * Escapes are read through every layer; a secret that itself holds a `%`, a backslash or an `&`
   * is also read through fewer, or its own `%41` would be taken for an escape of one layer more.
   */
  private escapeLayers: readonly number[] = [ESCAPE_LAYERS];
  /**
   * Short texts (titles, annotations, step names) come back again and again: their redacted form
   * is kept until the next secret is added.
   */
  private readonly seen = new Map<string, string>();

  /**
   * Hooks that let the processes of one run share what each learns (shared-secrets.ts): `onAdd`
   * hears every new secret, `beforeUse` runs before each redaction and may add secrets of others.
   */
  onAdd?: (secret: string) => void;
  beforeUse?: () => void;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret (a key, a private key, a signature made at run time). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 8 || this.secrets.includes(secret)) return;
    this.onAdd?.(secret);
    this.secrets.push(secret);
    this.seen.clear();
    if (/[%\\&]/.test(secret)) this.escapeLayers = Array.from({ length: ESCAPE_LAYERS }, (_, k) => ESCAPE_LAYERS - k);
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
    this.beforeUse?.();
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
    this.beforeUse?.();
    const text = data.toString('latin1');
    const out = this.redact(text);
    if (out === text) return data;
    // Only the masks hold characters past Latin-1 (the ellipsis): they go out as UTF-8.
    return Buffer.concat(out.split(/([\u0100-\uffff]+)/).map((part, i) => Buffer.from(part, i % 2 === 1 ? 'utf8' : 'latin1')));
  }

  /** Whether text still holds a registered secret, or a piece of one, in any encoding. */
  findsSecretIn(text: string): boolean {
    this.beforeUse?.();
    return this.rangesIn(text).length > 0;
  }

  /** Whether the bytes `read` spells from `at` are a piece of a secret; if so, their range joins `hits`. */
  private readsPiece(folded: string, at: number, read: ByteReader, hits: Array<[number, number]>): boolean {
    const piece = readPiece(folded, at, read, this.raw);
    if (piece === undefined || !this.raw.has(piece.bytes)) return false;
    hits.push([at, piece.end]);
    return true;
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
      for (let i = text.length - 1; i >= 0; i--)
        nextEscape[i] = text.charCodeAt(i) === 37 || text.charCodeAt(i) === 92 || text.charCodeAt(i) === 38 ? i : nextEscape[i + 1]!;
      const hex = hexBytes(hexRun);
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
            if (this.readsPiece(folded, i, ESCAPED[layers]!, hits)) break;
          }
        }
        // Hex only where a byte of it could start; UTF-16 only where a zero byte follows.
        if (hexRun[i]! >= 2 || folded.charCodeAt(i + 1) === 120) this.readsPiece(folded, i, hex, hits);
        if (folded.charCodeAt(i + 1) === 0) this.readsPiece(folded, i, plainBytes, hits);
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
  let out = text.replace(CREDENTIAL_HEADER_LINES, (_m, head: string, value: string) =>
    // Already masked, or no value at all (a reproduction's `'X-API-Key: '"$CARDPLUSPAY_API_KEY"` quotes only).
    value.startsWith('[redacted') || !/[A-Za-z0-9]/.test(value) ? `${head}${value}` : `${head}${mask(value.trim())}`,
  );
  out = out.replace(CREDENTIAL_QUERY_PARAMS, (_m, head: string, value: string) =>
    value.startsWith('%5Bredacted') || value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value)}`,
  );
  return out;
}

/** Whether text holds the given value, or a piece of it, in any encoding SAFE-01 names (AUTH-13's echo check). */
export function holdsSecret(text: string, secret: string): boolean {
  return new Redactor([secret]).findsSecretIn(text);
}

/** The redactor for this process, seeded with the configured secrets by the fixtures and the runner. */
export const redactor = new Redactor();
