/**
 * What arrived, for tests that check the server side of the wire: which key was presented (as a
 * fingerprint) and whether any configured key travelled anywhere in the request. Key values are
 * never stored, nor query strings: a leak test must not become a leak.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccountName, MockMaterial } from './accounts';
import { decodeSafe } from '../helpers/contract/decode-safe';
import { COOKIE_CHECK_HEADER } from '../helpers/contract/cookie-check';

const CHECK_HEADER = COOKIE_CHECK_HEADER.toLowerCase();

function firstOf(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export interface JournalEntry {
  seq: number;
  transport: 'https' | 'http';
  method: string;
  /** Pathname only, never the query string. */
  path: string;
  queryNames: string[];
  /** sha256 hex of the X-API-Key value as received (latin1 bytes), first 16 characters. */
  keyFingerprint: string | null;
  /** The account whose key appears anywhere in the raw request: a header, the URL or the body. */
  configuredKeySeen: AccountName | null;
  /**
   * Whether a Cookie header arrived (SAFE-06), and which check said it chose it (its
   * X-Conformance-Check value); `chosenBy: null` is an ambient cookie, which the self-test fails on.
   * Cookie values are never stored.
   */
  cookie: { chosenBy: string | null } | null;
}

export function keyFingerprint(value: string): string {
  return crypto.hash('sha256', Buffer.from(value, 'latin1'), 'hex').slice(0, 16);
}

/**
 * A benchmark run must not grow the heap without bound. Tests read back the few hundred requests
 * of their own run; keeping more only made garbage collection dearer under load.
 */
const KEEP_ENTRIES = 10_000;

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private readonly keys: ReadonlyArray<[AccountName, string]>;
  private lastSeq = 0;
  /**
   * The signatures that arrived, kept in this process only (never in an entry, which the control
   * endpoint serves): the self-test's leak scan looks for them in what the run wrote.
   */
  private readonly signatures = new Set<string>();

  /**
   * The fingerprints of the accounts' own keys, which most requests present: hashed once here
   * rather than on every request (a sha256 each was about a fifth of the mock's own work per request).
   */
  private readonly knownFingerprints: ReadonlyMap<string, string>;

  constructor(material: MockMaterial) {
    this.keys = Object.values(material.accounts).map((a) => [a.name, a.key]);
    this.knownFingerprints = new Map(this.keys.map(([, key]) => [key, keyFingerprint(key)]));
  }

  /**
   * Records a request as soon as its head arrives; `sawBody` later adds what the body reveals.
   * The entry is live so that a reader never misses a request that is still uploading.
   */
  open(transport: JournalEntry['transport'], req: IncomingMessage, path: string, query: URLSearchParams): JournalEntry {
    const key = req.headers['x-api-key'];
    const entry: JournalEntry = {
      seq: (this.lastSeq += 1),
      transport,
      method: req.method ?? '',
      path,
      queryNames: query.size === 0 ? [] : [...new Set(query.keys())],
      keyFingerprint: key === undefined ? null : this.fingerprint(Array.isArray(key) ? key.join(', ') : key),
      configuredKeySeen: this.keyIn(req.rawHeaders) ?? this.keyIn(urlForms(req.url ?? '')),
      cookie: req.headers.cookie === undefined ? null : { chosenBy: firstOf(req.headers[CHECK_HEADER]) },
    };
    this.entries.push(entry);
    // A signature the suite made is Base64 of a few hundred bytes; the damaged ones SIGN-07 sends
    // on purpose ("****", an empty one) are made-up text, not secrets to look for.
    const signature = firstOf(req.headers['x-api-signature']);
    if (signature && /^[A-Za-z0-9+/]{40,}={0,2}$/.test(signature) && this.signatures.size < KEEP_ENTRIES) this.signatures.add(signature);
    // Trimmed in batches so that the cost of splicing is spread thin.
    if (this.entries.length > KEEP_ENTRIES + 1_000) this.entries.splice(0, this.entries.length - KEEP_ENTRIES);
    return entry;
  }

  /** Adds what the body of an `open`ed request reveals. */
  sawBody(entry: JournalEntry, body: Buffer): void {
    if (entry.configuredKeySeen === null && body.length > 0) entry.configuredKeySeen = this.keyIn([body.toString('latin1')]);
  }

  /** Every X-API-Signature value that arrived (at most KEEP_ENTRIES), for the leak scan. */
  signaturesSeen(): string[] {
    return [...this.signatures];
  }

  /** Copies of the entries after `seq`, oldest first. */
  since(seq: number): JournalEntry[] {
    // Entries are in seq order: the oldest one kept has seq lastSeq - length + 1.
    const start = Math.max(0, Math.min(this.entries.length, Math.floor(seq) - (this.lastSeq - this.entries.length)));
    return this.entries.slice(start).map((e) => ({ ...e, queryNames: [...e.queryNames] }));
  }

  private fingerprint(value: string): string {
    return this.knownFingerprints.get(value) ?? keyFingerprint(value);
  }

  private keyIn(texts: readonly string[]): AccountName | null {
    for (const text of texts) {
      for (const [name, key] of this.keys) if (text.includes(key)) return name;
    }
    return null;
  }
}

/** The target as sent and, when it has escapes, decoded. */
function urlForms(url: string): string[] {
  return url.includes('%') ? [url, decodeSafe(url)] : [url];
}
