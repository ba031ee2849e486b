/**
 * SAFE-01's independent witness: finds secrets in raw bytes without any code of the redactor
 * (helpers/safety/redact.ts, its encodings.ts and byte-readers.ts), so a blind spot there is not
 * one here. Where the redactor encodes each
 * secret and looks for the encodings, this decodes what it reads (percent-escapes, JSON \u
 * escapes, \x byte escapes and HTML character references up to three layers deep, hex runs and hex
 * dumps, Base64 and base64url runs at every offset, UTF-16 at both byte orders and both
 * alignments, and UTF-16 that a decoding left byte by byte) and looks for plain pieces of the
 * secret in each decoded view, case folded.
 * A piece is PIECE characters of one line of a secret (a PEM's armour and first line are not secret).
 */
import fs from 'node:fs';
import path from 'node:path';

const PIECE = 12;

export interface Leak {
  /** The file (relative to the working directory) or the name given for a text. */
  where: string;
  /** The views that held a piece of a secret: `raw`, `hex`, `Base64`, ... */
  encodings: string[];
}

/** ASCII-only lower case, one character for one character. */
const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));

function piecesOf(secrets: readonly string[]): Set<string> {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    let lines = secret.split('\n').map((l) => l.replace(/\r$/, ''));
    // A PEM's first body line is ASN.1 framing that every key of its type shares (MIIEvQIBADAN...).
    if (lines.some((l) => /^-----BEGIN /.test(l))) lines = lines.filter((l) => !/^-----(BEGIN|END) /.test(l) && l !== '').slice(1);
    for (const line of lines.length > 0 ? lines : [secret]) {
      const text = lower(line);
      if (text.length < PIECE) {
        if (text.length >= 8) pieces.add(text);
        continue;
      }
      // A key's type prefix (`cpp_test_`, `sk_live_`) is shared by every key of its kind, never-issued
      // ones included: a piece must start past it, or twelve characters would be three of chance.
      const prefix = /^[a-z]{2,10}[_-](?:[a-z]{2,10}[_-])?/.exec(text)?.[0].length ?? 0;
      for (let i = prefix <= text.length / 2 ? prefix : 0; i + PIECE <= text.length; i++) pieces.add(text.slice(i, i + PIECE));
    }
  }
  return pieces;
}

/** Layers of escapes peeled: a serialiser's, a proxy's that re-encodes the `%` (`%2563`), a logger's. */
const ESCAPE_LAYERS = 3;

/**
 * One layer of the escapes serialisers, proxies, loggers and markup write: `%xx`, JSON `\uxxxx`,
 * `\\`, `\/`, `\"`, C/JS/Python `\xhh`, HTML/XML `&#99;`, `&#x63;` and `&amp;`. Any letter case:
 * a tool that writes its escapes upper case (`\X63`, `&#X63;`, `&AMP;`) still means the same bytes.
 */
const ONE_ESCAPE = /%([0-9a-f]{2})|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})|\\([\\/"])|&#x([0-9a-f]{1,6});|&#([0-9]{1,7});|&amp;/gi;

function unescapeOnce(text: string): string {
  return text.replace(ONE_ESCAPE, (m, pct?: string, u?: string, x?: string, ch?: string, refHex?: string, refDec?: string) => {
    if (ch !== undefined) return ch;
    if (m.toLowerCase() === '&amp;') return '&';
    const code = refDec !== undefined ? parseInt(refDec, 10) : parseInt((pct ?? u ?? x ?? refHex)!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/**
 * Hex runs decoded at both alignments, and Base64 or base64url runs at all four, each run once.
 * A hex dump that writes bytes apart (`63:70`, `63 70`, `0x63,0x70`, `0x63, 0x70`) is a run of
 * hex digits, separators and `x` on one line: its digits, once the `0x` and separators go, are hex.
 */
function decodedRuns(texts: readonly string[]): Array<[string, string]> {
  const hex = new Set<string>();
  const b64 = new Set<string>();
  for (const text of texts) {
    for (const run of text.match(/[0-9a-fA-F]{24,}/g) ?? []) hex.add(run);
    for (const run of text.match(/[0-9a-fx \t:,-]{24,}/gi) ?? []) {
      const digits = run.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '');
      if (digits.length >= 24) hex.add(digits);
    }
    for (const run of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) b64.add(run);
  }
  const out: Array<[string, string]> = [];
  if (hex.size > 0)
    out.push([
      'hex',
      [...hex].flatMap((run) => [0, 1].map((s) => Buffer.from(run.slice(s, s + Math.floor((run.length - s) / 2) * 2), 'hex').toString('latin1'))).join('\n'),
    ]);
  if (b64.size > 0) {
    const decoded: string[] = [];
    for (const run of b64) {
      const std = run.replace(/-/g, '+').replace(/_/g, '/');
      for (let s = 0; s < 4; s++) decoded.push(Buffer.from(std.slice(s, s + Math.floor((std.length - s) / 4) * 4), 'base64').toString('latin1'));
    }
    out.push(['Base64 or base64url', decoded.join('\n')]);
  }
  return out;
}

/**
 * The ways the bytes could spell a secret, each decoded to Latin-1 text. Escapes are peeled a layer
 * at a time (every kind in the same pass, so a layer of one inside a layer of another comes apart
 * too: `%5Cx63`, `&amp;#99;`), and hex and Base64 runs are decoded in every layer, so a Base64 value
 * a URL carries as `%2B`/`%2F` is read as well.
 */
function views(data: Buffer): Array<[string, string]> {
  const latin1 = data.toString('latin1');
  const out: Array<[string, string]> = [['raw', latin1]];
  // Terminal colours inside a value split it; a reader that strips them joins it again.
  let text = latin1;
  if (latin1.includes('\u001b[')) {
    text = latin1.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), '');
    out.push(['raw, colours stripped', text]);
  }
  const layers = text === latin1 ? [text] : [latin1, text];
  for (let layer = 1; layer <= ESCAPE_LAYERS; layer++) {
    const peeled = unescapeOnce(text);
    if (peeled === text) break;
    out.push([layer === 1 ? 'escapes' : `escapes, ${layer} layers`, peeled]);
    layers.push(peeled);
    text = peeled;
  }
  // An ASCII secret in UTF-16 has a zero byte beside each character: without zeros there is none.
  if (data.includes(0)) {
    for (const shift of [0, 1]) {
      const part = data.subarray(shift, shift + Math.floor((data.length - shift) / 2) * 2);
      out.push([`UTF-16LE (offset ${shift})`, part.toString('utf16le')]);
      out.push([`UTF-16BE (offset ${shift})`, Buffer.from(part).swap16().toString('utf16le')]);
    }
  }
  const decoded = [...out, ...decodedRuns(layers)];
  // UTF-16 written byte by byte (`\u0063\u0000`, `63 00`, `c\x00`) decodes to an ASCII character and a
  // zero byte each: with the zeros gone, either byte order and alignment reads as the text. Raw
  // bytes are read as UTF-16 above.
  const zerosDropped = decoded
    .filter(([name, text]) => name !== 'raw' && text.includes('\0'))
    .map(([name, text]): [string, string] => [`${name}, UTF-16 zero bytes dropped`, text.replace(/\0/g, '')]);
  return [...decoded, ...zerosDropped];
}

/**
 * What a view is searched for, in one pass over it whatever the number of pieces (thousands: every
 * signature a run's mocks received is a secret): each window of PIECE characters is hashed as the
 * pass goes (a rolling hash, case folded like `lower`), a bitmap of the pieces' hashes says which
 * windows may be a piece, and only those are compared with the pieces themselves. Pieces shorter
 * than PIECE (from short secrets) are looked for one by one.
 */
interface Needles {
  pieces: Set<string>;
  filter: Uint32Array;
  short: string[];
}

/** The rolling hash's base (odd) and its power for the character that leaves the window. */
const BASE = 0x01000193;
const OUTGOING = Array.from({ length: PIECE - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);
/** 2^FILTER_BITS bits (4 MiB): with a few hundred thousand pieces, about one window in a hundred is compared. */
const FILTER_BITS = 25;

/** The same case folding as `lower`, on one character code. */
const folded = (code: number): number => (code >= 65 && code <= 90 ? code | 0x20 : code);

/** The filter's bit for a window's hash, mixed first: a polynomial hash's low bits follow its characters' low bits. */
const slotOf = (hash: number): number => Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> (32 - FILTER_BITS);

function needlesOf(pieces: Set<string>): Needles {
  const filter = new Uint32Array(2 ** (FILTER_BITS - 5));
  const short: string[] = [];
  for (const piece of pieces) {
    if (piece.length < PIECE) {
      short.push(piece);
      continue;
    }
    let hash = 0;
    for (let i = 0; i < PIECE; i++) hash = (Math.imul(hash, BASE) + folded(piece.charCodeAt(i))) | 0;
    const slot = slotOf(hash);
    filter[slot >>> 5]! |= 1 << (slot & 31);
  }
  return { pieces, filter, short };
}

function holdsPiece(text: string, { pieces, filter, short }: Needles): boolean {
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    if (i >= PIECE) hash = (hash - Math.imul(folded(text.charCodeAt(i - PIECE)), OUTGOING)) | 0;
    hash = (Math.imul(hash, BASE) + folded(text.charCodeAt(i))) | 0;
    if (i < PIECE - 1) continue;
    const slot = slotOf(hash);
    if ((filter[slot >>> 5]! & (1 << (slot & 31))) !== 0 && pieces.has(lower(text.slice(i + 1 - PIECE, i + 1)))) return true;
  }
  if (short.length === 0) return false;
  const t = lower(text);
  return short.some((p) => t.includes(p));
}

function encodingsHolding(data: Buffer | string, needles: Needles): string[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return views(bytes)
    .filter(([, text]) => holdsPiece(text, needles))
    .map(([name]) => name);
}

/** The encodings in which the bytes hold a piece of a secret (none: clean). */
export function leakedEncodings(data: Buffer | string, secrets: readonly string[]): string[] {
  return encodingsHolding(data, needlesOf(piecesOf(secrets)));
}

/** Every file under the given paths (but those under `except`), and every named text, that holds a piece of a secret. */
export function detectLeaks(paths: readonly string[], secrets: readonly string[], texts: Record<string, string> = {}, except: readonly string[] = []): Leak[] {
  const leaks: Leak[] = [];
  const needles = needlesOf(piecesOf(secrets));
  // Its own walk, not the backstop's: nothing here may come from the redaction side.
  const files = paths.flatMap((p) => {
    if (!fs.existsSync(p)) return [];
    if (!fs.statSync(p).isDirectory()) return [p];
    return fs
      .readdirSync(p, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => path.join(d.parentPath, d.name))
      .filter((f) => !except.some((e) => f.startsWith(e + path.sep)));
  });
  for (const file of files) {
    const encodings = encodingsHolding(fs.readFileSync(file), needles);
    if (encodings.length > 0) leaks.push({ where: path.relative(process.cwd(), file), encodings });
  }
  for (const [where, text] of Object.entries(texts)) {
    const encodings = encodingsHolding(text, needles);
    if (encodings.length > 0) leaks.push({ where, encodings });
  }
  return leaks;
}
