/**
 * The one redactor. Everything that leaves the run as text (attachments, errors, console output,
 * reports, files Playwright writes on its own) passes through it. It knows two things: the
 * configured secrets, in every encoding SAFE-01 names, and the places credentials sit in HTTP text
 * (header lines, query parameters, cookies; credential-fields.ts), so values it was never told
 * about (signatures made at run time, keys echoed by a broken server) are masked too.
 *
 * A secret is looked for in pieces: any run of FRAGMENT characters of it, in each encoding, is
 * masked. A server that echoes a truncated, extended or case-flipped key, or a report that wraps a
 * PEM or cuts a Base64 string anywhere, still leaks the key; a piece that short is not a key.
 * The encodings are in encodings.ts, the readers that spell bytes back out of text in
 * byte-readers.ts, the set of pieces in pieces.ts.
 */
import crypto from 'node:crypto';
import { ESCAPE_LAYERS, ESCAPED, hexBytes, isBase64Code, isHexCode, plainBytes, readBase64, readPiece, type ByteReader } from './byte-readers';
import { mask, redactCredentialFields } from './credential-fields';
import { Needles, Pieces, Roller } from './pieces';
import { FRAGMENT, base64Forms, formsOf, pemBodies, wholeNeedles } from './encodings';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** Lower-cases ASCII letters only, so positions in the folded text are positions in the original. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Texts up to this length are remembered with their redacted form; at most this many. */
const MEMO_MAX_LENGTH = 512;
const MEMO_MAX_ENTRIES = 10_000;

/** Per position of a text: hex digits and Base64 characters from it on, where its Base64 run starts, the next escape. */
interface Tables {
  hexRun: Uint32Array;
  nextEscape: Uint32Array;
  b64Run: Uint32Array;
  b64Start: Int32Array;
}

/** Positions past a text's end that a reader may look at (separators and a `0x` before a byte). */
const TABLE_SLACK = 8;
/** Tables for texts up to this length are kept for the next (16 MB at most). */
const MAX_KEPT_TABLE = 1 << 20;

function newTables(size: number): Tables {
  return { hexRun: new Uint32Array(size), nextEscape: new Uint32Array(size), b64Run: new Uint32Array(size), b64Start: new Int32Array(size) };
}

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Every FRAGMENT-byte piece of every secret, as Latin-1 text, ASCII-folded. */
  private readonly raw = new Pieces(FRAGMENT);
  /** Every Base64 and base64url piece (16 characters, 12 bytes) at each alignment; case matters. */
  private readonly base64 = new Pieces(16);
  /** The two hashes of the window at each position, for the pieces of each kind. */
  private readonly rawWindow = new Roller(FRAGMENT);
  private readonly base64Window = new Roller(16);
  /** Encodings looked for whole: variable-width ones, and every encoding of a secret shorter than a piece; ASCII-folded or as they are. */
  private readonly caseless = new Needles();
  private readonly cased = new Needles();
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
   * Digests of longer texts found clean, until the next secret: the backstop reads back the
   * attachments the reporters scanned already (bytes are redacted as their Latin-1 text), and an
   * error comes back in its step and its test's result; a second scan would find what the first did.
   */
  private readonly cleanTexts = new Set<string>();
  /** rangesIn's tables, kept for the next text: allocating four for each text cost more than the scan (issue 20). */
  private tables = newTables(0);

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
    if (!secret || secret.length < 8 || this.secrets.has(secret)) return;
    this.onAdd?.(secret);
    this.secrets.add(secret);
    this.seen.clear();
    this.cleanTexts.clear();
    if (/[%\\&]/.test(secret)) this.escapeLayers = Array.from({ length: ESCAPE_LAYERS }, (_, k) => ESCAPE_LAYERS - k);
    const pem = pemBodies(secret);
    if (pem === undefined) {
      this.addPieces(secret);
      return;
    }
    // A PEM: its armour and line breaks are public, the same in every key of its kind, so pieces come
    // from each block's body alone, its lines joined: any run of FRAGMENT characters of a body line,
    // or across a line break a report re-wrapped, in every encoding. The whole PEM is looked for
    // whole too, so one mask covers it, armour included.
    this.addNeedles([secret, ...wholeNeedles(secret)].map((text) => ({ text, caseless: true })));
    for (const lines of pem) this.addPieces(lines.join(''));
  }

  /** Every piece of `text` in every encoding; whole, its encodings that vary in width, and all of them if it is shorter than a piece. */
  private addPieces(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const whole: Array<{ text: string; caseless: boolean }> = wholeNeedles(text).map((t) => ({ text: t, caseless: true }));
    if (bytes.length < FRAGMENT) {
      whole.push(...formsOf(text).map((f) => ({ text: f.text, caseless: f.caseless })));
    } else {
      this.raw.add(foldAscii(bytes.toString('latin1')), 1);
      for (const form of base64Forms(bytes)) this.base64.add(form.text, 4);
    }
    // A secret shorter than a piece has no pieces to find it: its own text is a needle too.
    this.addNeedles(whole, bytes.length < FRAGMENT ? undefined : text);
  }

  /** Needles not yet known; `piecesOf`, whose pieces find it, is left out. */
  private addNeedles(needles: ReadonlyArray<{ text: string; caseless: boolean }>, piecesOf?: string): void {
    const found = piecesOf === undefined ? undefined : foldAscii(piecesOf);
    for (const n of needles) {
      const text = n.caseless ? foldAscii(n.text) : n.text;
      if (text !== found) (n.caseless ? this.caseless : this.cased).add(text);
    }
  }

  redact(input: string): string {
    this.beforeUse?.();
    if (input.length > MEMO_MAX_LENGTH) {
      // As UTF-16 code units: UTF-8 would spell two texts that differ in a lone surrogate alike.
      const digest = crypto.createHash('sha256').update(input, 'utf16le').digest('hex');
      if (this.cleanTexts.has(digest)) return input;
      const out = this.redactNow(input);
      if (out === input && this.cleanTexts.size < MEMO_MAX_ENTRIES) this.cleanTexts.add(digest);
      return out;
    }
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
      out += `${text.slice(at, from)}${this.secrets.has(found) ? mask(found) : '[redacted]'}`;
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

  /**
   * rangesIn's tables for a text of `length` characters, each holding its value past the text's
   * end (no run, no escape). Reused while they fit; rangesIn runs to its end before it returns, so
   * no two uses overlap. A text too long to keep tables for gets its own.
   */
  private tablesFor(length: number): Tables {
    const tables = length + TABLE_SLACK <= this.tables.hexRun.length ? this.tables : newTables(Math.max(length + TABLE_SLACK, 2 * this.tables.hexRun.length));
    if (length <= MAX_KEPT_TABLE) this.tables = tables;
    tables.hexRun.fill(0, length, length + TABLE_SLACK);
    tables.b64Run.fill(0, length, length + TABLE_SLACK);
    tables.nextEscape.fill(length, length, length + TABLE_SLACK);
    return tables;
  }

  /** Merged [from, to) ranges of text covered by pieces of secrets, in any encoding. */
  private rangesIn(text: string): Array<[number, number]> {
    if (this.secrets.size === 0) return [];
    const folded = foldAscii(text);
    const hits: Array<[number, number]> = [];
    this.caseless.find(folded, hits);
    this.cased.find(text, hits);
    if (this.raw.size > 0) {
      const { hexRun, nextEscape, b64Run, b64Start } = this.tablesFor(text.length);
      const [raw, base64] = [this.rawWindow, this.base64Window];
      raw.start(folded);
      base64.start(text);
      for (let i = text.length - 1; i >= 0; i--) hexRun[i] = isHexCode(folded.charCodeAt(i)) ? hexRun[i + 1]! + 1 : 0;
      for (let i = text.length - 1; i >= 0; i--)
        nextEscape[i] = text.charCodeAt(i) === 37 || text.charCodeAt(i) === 92 || text.charCodeAt(i) === 38 ? i : nextEscape[i + 1]!;
      const hex = hexBytes(hexRun);
      // Base64 runs (either alphabet): how long from i on, and where the run holding i starts.
      for (let i = text.length - 1; i >= 0; i--) b64Run[i] = isBase64Code(text.charCodeAt(i)) ? b64Run[i + 1]! + 1 : 0;
      for (let i = 0; i < text.length; i++) b64Start[i] = b64Run[i] === 0 ? i + 1 : i > 0 && b64Run[i - 1]! > 0 ? b64Start[i - 1]! : i;
      for (let i = 0; i + FRAGMENT <= text.length; raw.roll(folded, i), base64.roll(text, i++)) {
        if (this.raw.at(folded, i, raw)) hits.push([i, i + FRAGMENT]);
        if (this.base64.at(text, i, base64)) hits.push([i, i + 16]);
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

/** Whether text holds the given value, or a piece of it, in any encoding SAFE-01 names (AUTH-13's echo check). */
export function holdsSecret(text: string, secret: string): boolean {
  return new Redactor([secret]).findsSecretIn(text);
}

/** The redactor for this process, seeded with the configured secrets by the fixtures and the runner. */
export const redactor = new Redactor();
