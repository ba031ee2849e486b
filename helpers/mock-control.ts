/**
 * Reads the embedded mock's request journal, so a spec can check what actually arrived on the
 * server side of the wire (never key values: the mock records fingerprints and key classes).
 */
import crypto from 'node:crypto';

export interface JournalEntry {
  seq: number;
  transport: 'https' | 'http';
  method: string;
  path: string;
  queryNames: string[];
  keyFingerprint: string | null;
  configuredKeySeen: string | null;
}

/** The fingerprint the mock records for a presented X-API-Key value. */
export function fingerprint(key: string): string {
  return crypto.createHash('sha256').update(key, 'latin1').digest('hex').slice(0, 16);
}

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
