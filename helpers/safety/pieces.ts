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
function hashAt(text: string, at: number, length: number, base = BASE): number {
  let h = 0;
  for (let k = 0; k < length; k++) h = (Math.imul(h, base) + text.charCodeAt(at + k)) | 0;
  return h;
}

/** For each position of `text` with `length` characters from it, their hash (`hashAt`), into `out`. */
export function windowHashes(text: string, length: number, out: Int32Array, base = BASE): void {
  if (text.length < length) return;
  let top = 1;
  for (let k = 1; k < length; k++) top = Math.imul(top, base);
  let h = hashAt(text, 0, length, base);
  out[0] = h;
  for (let i = 1; i + length <= text.length; i++) {
    h = (Math.imul(h - Math.imul(text.charCodeAt(i - 1), top), base) + text.charCodeAt(i + length - 1)) | 0;
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

/** A second multiplier: a piece is known by the pair of its two hashes, 64 bits in all. */
const BASE2 = 0x5bd1e995 | 0;

/**
 * A set of same-length pieces, each kept as the pair of its hashes in an open-addressing table
 * (no string per piece: a run's signatures make a million pieces in every process that learns
 * them), and the codes they start with. A window costs its two rolling hashes and a probe or two.
 * Two texts whose pair of hashes agree count as one: at worst a window is masked that held no
 * secret, never the other way round.
 */
export class Pieces {
  /** Slot k holds a piece's hashes at 2k and 2k + 1; a second hash of 0 marks an empty slot (a piece's is never 0). */
  private bits = 8;
  private table = new Int32Array(2 << this.bits);
  private count = 0;
  private readonly first = new Uint8Array(65536);
  private readonly second = new Uint8Array(65536);

  constructor(readonly length: number) {}

  /** Adds the window of `text` at each multiple of `step` (every window, by default). */
  add(text: string, step = text.length): void {
    if (text.length < this.length) return;
    const rolled = new Int32Array(text.length);
    const rolled2 = new Int32Array(text.length);
    windowHashes(text, this.length, rolled);
    windowHashes(text, this.length, rolled2, BASE2);
    for (let at = 0; at + this.length <= text.length; at += step) {
      this.first[text.charCodeAt(at)] = 1;
      this.second[text.charCodeAt(at + 1)] = 1;
      this.insert(rolled[at]!, rolled2[at]! | 1);
    }
  }

  private insert(h1: number, h2: number): void {
    // At most half full, so that a window that is no piece mostly meets an empty slot at once.
    if (2 * (this.count + 1) > 1 << this.bits) this.grow();
    const mask = (1 << this.bits) - 1;
    for (let k = Math.imul(h1, SPREAD) >>> (32 - this.bits); ; k = (k + 1) & mask) {
      if (this.table[2 * k + 1] === 0) {
        this.table[2 * k] = h1;
        this.table[2 * k + 1] = h2;
        this.count++;
        return;
      }
      if (this.table[2 * k] === h1 && this.table[2 * k + 1] === h2) return;
    }
  }

  private grow(): void {
    const old = this.table;
    this.bits++;
    this.table = new Int32Array(2 << this.bits);
    this.count = 0;
    for (let k = 0; k < old.length; k += 2) if (old[k + 1] !== 0) this.insert(old[k]!, old[k + 1]!);
  }

  private holds(h1: number, h2: number): boolean {
    const mask = (1 << this.bits) - 1;
    for (let k = Math.imul(h1, SPREAD) >>> (32 - this.bits); ; k = (k + 1) & mask) {
      const at = this.table[2 * k + 1];
      if (at === 0) return false;
      if (at === h2 && this.table[2 * k] === h1) return true;
    }
  }

  mayStartWith(code: number): boolean {
    return this.first[code] === 1;
  }

  mayContinueWith(code: number): boolean {
    return this.second[code] === 1;
  }

  get size(): number {
    return this.count;
  }

  /** Whether the window of `text` at `i` is a piece, given its two hashes (`windowHashes`, then with `second`). */
  at(text: string, i: number, hash: number, hash2: number): boolean {
    return i + this.length <= text.length && this.holds(hash, hash2 | 1);
  }

  has(piece: string): boolean {
    return piece.length === this.length && this.holds(hashAt(piece, 0, this.length), hashAt(piece, 0, this.length, BASE2) | 1);
  }

  /** The multiplier of a window's second hash, for `windowHashes`. */
  static readonly second = BASE2;
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
