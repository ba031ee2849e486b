/**
 * The sets the redactor (redact.ts) looks up at each position of a text it scans: a secret's
 * pieces (the readers of byte-readers.ts look up the pieces they spell in it too), and the
 * encodings looked for whole. Both are found through a hash of the characters at each position,
 * rolled along the text (`Roller`), so a lookup costs the same however many secrets a
 * run has made: the fault self-test's runner learns a thousand signatures and more, and looking
 * for each one's whole encodings in turn, or letting every window whose first characters some
 * piece starts with on to a set lookup, was most of its CPU (issue 20).
 */

/** The rolling hash's multiplier (FNV's prime), and an odd constant that spreads a hash over a filter's bits. */
const BASE = 0x01000193;
const SPREAD = 0x9e3779b1 | 0;

/** A second multiplier: a piece is known by the pair of its two hashes, 64 bits in all. */
const BASE2 = 0x5bd1e995 | 0;

/** The hash of `length` characters of `text` from `at`: what a `Roller` holds at `at`. */
function hashAt(text: string, at: number, length: number, base = BASE): number {
  let h = 0;
  for (let k = 0; k < length; k++) h = (Math.imul(h, base) + text.charCodeAt(at + k)) | 0;
  return h;
}

const powerOf = (base: number, exponent: number): number => {
  let p = 1;
  for (let k = 0; k < exponent; k++) p = Math.imul(p, base);
  return p;
};

/**
 * The two hashes (`hashAt`, with BASE and BASE2) of the `length` characters at a position of a
 * text, moved one position at a time: no array per text, whatever its size. Past the last whole
 * window they hold nothing meaningful, and nothing reads them there.
 */
export class Roller {
  h1 = 0;
  h2 = 0;
  private readonly top1: number;
  private readonly top2: number;

  constructor(readonly length: number) {
    this.top1 = powerOf(BASE, length - 1);
    this.top2 = powerOf(BASE2, length - 1);
  }

  /** The window at position 0 of `text`. */
  start(text: string): void {
    this.h1 = hashAt(text, 0, this.length);
    this.h2 = hashAt(text, 0, this.length, BASE2);
  }

  /** From the window at `i` to the one at `i + 1`. */
  roll(text: string, i: number): void {
    const out = text.charCodeAt(i);
    const next = text.charCodeAt(i + this.length);
    this.h1 = (Math.imul(this.h1 - Math.imul(out, this.top1), BASE) + next) | 0;
    this.h2 = (Math.imul(this.h2 - Math.imul(out, this.top2), BASE2) + next) | 0;
  }
}

/** A filter's bits per entry, and its largest size (2^26 bits, 8 MB: past two million entries it fills up). */
const BITS_PER_ENTRY = 32;
const MAX_FILTER_BITS = 26;

/**
 * One bit for each slot a hash lands in, set for every whole spelling's hash: a window whose bit is
 * clear starts none. Sized to the entries (a thirty-second of the bits set), and refilled as it grows.
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
    const window = new Roller(this.length);
    window.start(text);
    for (let at = 0; at + this.length <= text.length; at++) {
      if (at % step === 0) {
        this.first[text.charCodeAt(at)] = 1;
        this.second[text.charCodeAt(at + 1)] = 1;
        this.insert(window.h1, window.h2 | 1);
      }
      window.roll(text, at);
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

  /** Whether the window of `text` at `i` is a piece, given a `Roller` of this length at `i`. */
  at(text: string, i: number, window: Roller): boolean {
    return i + this.length <= text.length && this.holds(window.h1, window.h2 | 1);
  }

  has(piece: string): boolean {
    return piece.length === this.length && this.holds(hashAt(piece, 0, this.length), hashAt(piece, 0, this.length, BASE2) | 1);
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
  private readonly window = new Roller(NEEDLE_KEY);

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

  /** Pushes the range of each occurrence in `text` of each needle. */
  find(text: string, hits: Array<[number, number]>): void {
    const window = this.window;
    if (text.length >= NEEDLE_KEY) window.start(text);
    for (let i = 0; i + NEEDLE_KEY <= text.length; window.roll(text, i++)) {
      if (!this.filter.mayHold(window.h1)) continue;
      for (const needle of this.byStart.get(window.h1) ?? []) if (text.startsWith(needle, i)) hits.push([i, i + needle.length]);
    }
    for (const needle of this.short) for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) hits.push([i, i + needle.length]);
  }
}
