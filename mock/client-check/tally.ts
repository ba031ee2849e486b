/**
 * What the checker keeps, and why it stays small whatever a client sends: per requirement, counters
 * and the first few pieces of evidence; per rule, state in maps that forget their oldest entries
 * past a fixed size. A client that sends a million requests leaves the same few kilobytes here.
 */

/** Pieces of evidence kept per requirement: enough to show the pattern, the count says the rest. */
export const EVIDENCE_KEPT = 10;

/** Entries a rule's map keeps (challenges, 429 windows, 401 streaks) before forgetting the oldest. */
export const STATE_KEPT = 10_000;

export class Tally {
  /** Exchanges (or connections) that bore on the requirement. */
  observed = 0;
  /** Those that broke it. */
  violations = 0;
  /** The first EVIDENCE_KEPT violations, each one line naming the request (`#12 GET /v1/balance: ...`). */
  readonly evidence: string[] = [];
  /** Named counts of what was seen, for the held words (`redirects to another origin`: 3). */
  readonly counts = new Map<string, number>();

  held(): void {
    this.observed += 1;
  }

  broke(evidence: string): void {
    this.observed += 1;
    this.violations += 1;
    if (this.evidence.length < EVIDENCE_KEPT) this.evidence.push(evidence);
  }

  count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }
}

/**
 * A map that forgets its oldest entries: two generations of at most limit/2 entries each; when the
 * newer fills up it becomes the older, and the older is dropped whole. Every operation is O(1).
 * (Deleting a Map's first key one at a time is not: V8 leaves deleted slots for iteration to skip,
 * and a million evictions took 20 s.)
 */
export class BoundedMap<K, V> {
  private older = new Map<K, V>();
  private newer = new Map<K, V>();
  private readonly half: number;

  constructor(limit = STATE_KEPT) {
    this.half = Math.max(1, Math.floor(limit / 2));
  }

  get size(): number {
    return this.older.size + this.newer.size;
  }

  get(key: K): V | undefined {
    return this.newer.has(key) ? this.newer.get(key) : this.older.get(key);
  }

  set(key: K, value: V): this {
    if (this.older.has(key)) {
      this.older.set(key, value);
      return this;
    }
    if (!this.newer.has(key) && this.newer.size >= this.half) {
      this.older = this.newer;
      this.newer = new Map();
    }
    this.newer.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.newer.delete(key) || this.older.delete(key);
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    yield* this.older;
    yield* this.newer;
  }
}
