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

/** A Map that forgets its oldest entry (by first insertion) when it would pass `limit`. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit = STATE_KEPT) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
