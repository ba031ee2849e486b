/**
 * Reads the embedded mock's request journal, so a spec can check what actually arrived on the
 * server side of the wire (never key values: the mock records fingerprints and key classes).
 */
import type { JournalEntry } from '../mock/journal';

export type { JournalEntry };
/** The fingerprint the mock records for a presented X-API-Key value. */
export { keyFingerprint as fingerprint } from '../mock/journal';

export class MockControl {
  constructor(private readonly controlUrl: string) {}

  /** The sequence number of the latest entry, to read only what a test causes afterwards. */
  async mark(): Promise<number> {
    const all = await this.since(0);
    return all.reduce((max, e) => Math.max(max, e.seq), 0);
  }

  async since(seq: number): Promise<JournalEntry[]> {
    const res = await fetch(new URL(`journal?since=${seq}`, this.controlUrl));
    if (!res.ok) throw new Error(`The mock's journal answered ${res.status}.`);
    return (await res.json()) as JournalEntry[];
  }
}
