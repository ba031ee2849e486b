/**
 * The set a secret's pieces are kept in, looked up at each position of a text the redactor
 * (redact.ts) scans; the readers of byte-readers.ts look up the pieces they spell in it too.
 */
/**
 * Three codes, seven bits each, as one index: the first three characters of a piece. Codes past 127
 * share an index with one below it, which only lets more windows on to the set lookup.
 */
const trigramAt = (text: string, i: number): number =>
  ((text.charCodeAt(i) & 127) << 14) | ((text.charCodeAt(i + 1) & 127) << 7) | (text.charCodeAt(i + 2) & 127);

/**
 * A set of same-length pieces with the codes they start with, so most positions cost a few array
 * reads. The first three characters are looked up together: a signature or a PEM body gives
 * pieces that start with every pair of Base64 characters, so a pair lets nearly every window of a
 * transcript on to a slice and a set lookup (issue 20: that was most of the runner's redaction).
 */
export class Pieces {
  private readonly set = new Set<string>();
  private readonly first = new Uint8Array(65536);
  private readonly second = new Uint8Array(65536);
  private readonly starts = new Uint32Array(1 << 16);

  constructor(readonly length: number) {}

  add(piece: string): void {
    this.set.add(piece);
    this.first[piece.charCodeAt(0)] = 1;
    this.second[piece.charCodeAt(1)] = 1;
    const start = trigramAt(piece, 0);
    this.starts[start >>> 5]! |= 1 << (start & 31);
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
    if (i + this.length > text.length) return false;
    const start = trigramAt(text, i);
    return (this.starts[start >>> 5]! & (1 << (start & 31))) !== 0 && this.set.has(text.slice(i, i + this.length));
  }

  has(piece: string): boolean {
    return this.set.has(piece);
  }
}
