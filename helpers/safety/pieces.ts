/**
 * The sets the redactor (redact.ts) looks up at each position of a text it scans: a secret's
 * pieces (the readers of byte-readers.ts look up the pieces they spell in it too), and the
 * encodings looked for whole. Both are found through a hash of the characters at each position,
 * rolled along the text once (`windowHashes`), so a lookup costs the same however many secrets a
 * run has made: the fault self-test's runner learns a thousand signatures and more, and looking
 * for each one's whole encodings in turn, or letting every window whose first characters some
 * piece starts with on to a set lookup, was most of its CPU (issue 20).
 */

/** The rolling hash's multiplier (FNV's prime), and an odd constant that spreads a hash over a filter's bits. */
const BASE = 0x01000193;
const SPREAD = 0x9e3779b1 | 0;

/** The hash of `length` characters of `text` from `at`: what `windowHashes` gives at `at`. */
function hashAt(text: string, at: number, length: number): number {
  let h = 0;
  for (let k = 0; k < length; k++) h = (Math.imul(h, BASE) + text.charCodeAt(at + k)) | 0;
  return h;
}

/** For each position of `text` with `length` characters from it, their hash (`hashAt`), into `out`. */
export function windowHashes(text: string, length: number, out: Int32Array): void {
  if (text.length < length) return;
  let top = 1;
  for (let k = 1; k < length; k++) top = Math.imul(top, BASE);
  let h = hashAt(text, 0, length);
  out[0] = h;
  for (let i = 1; i + length <= text.length; i++) {
    h = (Math.imul(h - Math.imul(text.charCodeAt(i - 1), top), BASE) + text.charCodeAt(i + length - 1)) | 0;
    out[i] = h;
  }
}

/** A filter's bits per entry, and its largest size (2^26 bits, 8 MB: past a million pieces it fills up). */
const BITS_PER_ENTRY = 32;
const MAX_FILTER_BITS = 26;

/**
 * One bit for each slot a hash lands in, set for every entry's hash: a window whose bit is clear
 * holds no entry. Sized to the entries (a thirty-second of the bits set), and refilled as it grows.
 */
class HashFilter {
  private bits = 12;
  private words = new Uint32Array(1 << (this.bits - 5));

  private slot(hash: number): number {
    return Math.imul(hash, SPREAD) >>> (32 - this.bits);
  }

  mark(hash: number): void {
    const s = this.slot(hash);
    this.words[s >>> 5]! |= 1 << (s & 31);
  }

  mayHold(hash: number): boolean {
    const s = this.slot(hash);
    return (this.words[s >>> 5]! & (1 << (s & 31))) !== 0;
  }

  /** Grows, emptied, if it is small for `entries`: then true, and every entry is to be marked again. */
  grows(entries: number): boolean {
    if (entries * BITS_PER_ENTRY <= 1 << this.bits || this.bits >= MAX_FILTER_BITS) return false;
    while (entries * BITS_PER_ENTRY > 1 << this.bits && this.bits < MAX_FILTER_BITS) this.bits++;
    this.words = new Uint32Array(1 << (this.bits - 5));
    return true;
  }
}

/**
 * A set of same-length pieces, the codes they start with, and a filter of their hashes, so that a
 * window costs a bit test and only a window that may be a piece a slice and a set lookup.
 */
export class Pieces {
  private readonly set = new Set<string>();
  private readonly first = new Uint8Array(65536);
  private readonly second = new Uint8Array(65536);
  private readonly filter = new HashFilter();

  constructor(readonly length: number) {}

  add(piece: string): void {
    this.set.add(piece);
    this.first[piece.charCodeAt(0)] = 1;
    this.second[piece.charCodeAt(1)] = 1;
    if (this.filter.grows(this.set.size)) for (const p of this.set) this.filter.mark(hashAt(p, 0, this.length));
    else this.filter.mark(hashAt(piece, 0, this.length));
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

  /** Whether the window of `text` at `i`, whose hash of `length` characters is `hash` (`windowHashes`), is a piece. */
  at(text: string, i: number, hash: number): boolean {
    return i + this.length <= text.length && this.filter.mayHold(hash) && this.set.has(text.slice(i, i + this.length));
  }

  has(piece: string): boolean {
    return this.set.has(piece);
  }
}

/** How many first characters of a whole encoding are hashed to find it: the shortest is a secret's 8. */
export const NEEDLE_KEY = 8;

/**
 * Texts looked for whole, each found wherever it occurs (overlapping too), in one pass over a text
 * whatever their number: by the hash of their first NEEDLE_KEY characters, then compared whole.
 */
export class Needles {
  private readonly byStart = new Map<number, string[]>();
  private readonly filter = new HashFilter();
  /** Needles too short to hash (none the redactor makes today), looked for one by one. */
  private readonly short: string[] = [];

  /** Adds `needle`; false if it was known. */
  add(needle: string): boolean {
    if (needle.length < NEEDLE_KEY) {
      if (this.short.includes(needle)) return false;
      this.short.push(needle);
      return true;
    }
    const h = hashAt(needle, 0, NEEDLE_KEY);
    const same = this.byStart.get(h);
    if (same?.includes(needle)) return false;
    if (same) same.push(needle);
    else this.byStart.set(h, [needle]);
    if (this.filter.grows(this.byStart.size)) for (const known of this.byStart.keys()) this.filter.mark(known);
    else this.filter.mark(h);
    return true;
  }

  get size(): number {
    return this.byStart.size + this.short.length;
  }

  /** Pushes the range of each occurrence in `text` of each needle, given the text's window hashes of NEEDLE_KEY characters. */
  find(text: string, hashes: Int32Array, hits: Array<[number, number]>): void {
    for (let i = 0; i + NEEDLE_KEY <= text.length; i++) {
      if (!this.filter.mayHold(hashes[i]!)) continue;
      for (const needle of this.byStart.get(hashes[i]!) ?? []) if (text.startsWith(needle, i)) hits.push([i, i + needle.length]);
    }
    for (const needle of this.short) for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) hits.push([i, i + needle.length]);
  }
}
