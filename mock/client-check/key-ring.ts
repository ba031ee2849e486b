/**
 * The mock's keys as the client checker needs them: to tell whose key a request carried and where,
 * and to keep every key out of what the checker writes. Evidence is built from fingerprints,
 * account names, header and field names and places, never from a value that holds a key (`shown`
 * replaces such a value whole); and `leaks` is the last pass over every byte written, in the
 * encodings a writer could turn a key into. It shares nothing with the suite's redactor
 * (helpers/safety/), which the mock may not import.
 */
import type { Account, AccountName } from '../accounts';
import { decodeSafe } from '../../helpers/contract/decode-safe';

/** Runs that could be Base64 (either alphabet) of something holding a key: a key is 41 characters. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;

export class KeyRing {
  private readonly keys: ReadonlyArray<readonly [AccountName, string]>;
  /** Every form of every key a writer could produce, lower-cased: found by `leaks`. */
  private readonly forms: ReadonlyArray<string>;

  constructor(accounts: readonly Account[]) {
    this.keys = accounts.map((a) => [a.name, a.key] as const);
    this.forms = accounts.flatMap((a) => encodings(a.key)).map((f) => f.toLowerCase());
  }

  /** The account whose key is exactly `value`, as Node hands the header over. */
  exact(value: string | undefined): AccountName | null {
    if (value === undefined) return null;
    for (const [name, key] of this.keys) if (value === key) return name;
    return null;
  }

  /** The account whose key `text` holds: as written, percent-decoded, or inside a Base64 run (Basic auth, a token). */
  accountIn(text: string): AccountName | null {
    if (text.length < 8) return null;
    const views = [text];
    if (text.includes('%') || text.includes('+')) views.push(decodeSafe(text.replace(/\+/g, ' ')));
    for (const run of text.match(BASE64_RUN) ?? []) views.push(Buffer.from(run, 'base64').toString('latin1'));
    for (const view of views) for (const [name, key] of this.keys) if (view.includes(key)) return name;
    return null;
  }

  /** `text` fit for evidence: escaped as in a JSON string, cut to `max` characters, and replaced whole when it holds a key. */
  shown(text: string, max = 60): string {
    const owner = this.accountIn(text) ?? (this.leaks(text) ? 'an account' : null);
    if (owner) return `[a value holding the key of ${owner}]`;
    const cut = text.length > max ? `${text.slice(0, max)}...` : text;
    return JSON.stringify(cut).slice(1, -1);
  }

  /** The last pass: whether `text` holds any key in any form (case ignored). */
  leaks(text: string): boolean {
    const lower = text.toLowerCase();
    return this.forms.some((f) => lower.includes(f));
  }
}

/**
 * The forms a key takes in text: as is, fully percent-encoded, hex, and the stable middle of its
 * Base64 and base64url at each of the three alignments it can start at inside a longer run.
 */
function encodings(key: string): string[] {
  const bytes = Buffer.from(key, 'latin1');
  const forms = [key, bytes.toString('hex'), [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')];
  for (let pad = 0; pad < 3; pad += 1) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    // The first characters mix in the padding bytes and the last the bytes after the key: drop both.
    const middle = b64.slice(Math.ceil((pad * 4) / 3) + 1, b64.length - 4);
    forms.push(middle, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}
