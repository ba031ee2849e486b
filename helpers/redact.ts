/**
 * The one redactor. Everything that leaves the run as text (attachments, errors, console output,
 * reports) passes through it. It knows two things: the configured secrets, in every encoding they
 * could take on the way out, and the places credentials sit in HTTP text (header lines, query
 * parameters, cookies), so values it was never told about (signatures made at run time, keys
 * echoed by a broken server) are masked too.
 */

const CREDENTIAL_HEADERS = ['x-api-key', 'x-api-signature', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization'];
const CREDENTIAL_PARAMS = ['api_key', 'apikey', 'x-api-key', 'key', 'signature'];

/** `…abcd`: enough to tell two keys apart in a report, not enough to use one. */
function mask(value: string): string {
  if (value.length <= 8) return '[redacted]';
  return `[redacted …${value.slice(-4)}]`;
}

/** The encodings a secret can take on its way into a file or a log line. */
export function encodingsOf(secret: string): string[] {
  const out = new Set<string>([secret]);
  out.add(encodeURIComponent(secret));
  out.add(JSON.stringify(secret).slice(1, -1));
  out.add(Buffer.from(secret, 'utf8').toString('base64'));
  out.add(Buffer.from(secret, 'utf8').toString('base64url'));
  out.add(Buffer.from(secret, 'utf8').toString('hex'));
  // A PEM's body lines are secret one by one: a report may wrap or cut it anywhere.
  for (const line of secret.split(/\r?\n/)) {
    if (line.length >= 24 && !line.startsWith('-----')) out.add(line);
  }
  return [...out].filter((s) => s.length >= 8);
}

/** Length of the fragments looked for: a run of 12 characters of a key is as good as a leak. */
const WINDOW = 12;

export class Redactor {
  private needles: string[] = [];
  private windows = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret (a key, a private key, a signature made at run time). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < 8) return;
    for (const enc of encodingsOf(secret)) if (!this.needles.includes(enc)) this.needles.push(enc);
    // Longest first, so a secret is masked whole before any of its parts.
    this.needles.sort((a, b) => b.length - a.length);
    // Single-line secrets are also looked for in pieces, in any case: a server that echoes a
    // truncated, extended, case-flipped or one-char-changed key still leaks the key.
    if (!secret.includes('\n') && secret.length >= WINDOW) {
      const lower = secret.toLowerCase();
      for (let i = 0; i + WINDOW <= lower.length; i++) this.windows.add(lower.slice(i, i + WINDOW));
    }
  }

  redact(text: string): string {
    let out = text;
    for (const needle of this.needles) {
      if (out.includes(needle)) out = out.split(needle).join(mask(needle));
    }
    out = this.maskFragments(out);
    return redactCredentialFields(out);
  }

  /** Whether text still holds a registered secret or a 12-character piece of one. */
  findsSecretIn(text: string): boolean {
    if (this.needles.some((n) => text.includes(n))) return true;
    return this.fragmentRanges(text).length > 0;
  }

  private maskFragments(text: string): string {
    const ranges = this.fragmentRanges(text);
    if (ranges.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      out += `${text.slice(at, from)}[redacted]`;
      at = to;
    }
    return out + text.slice(at);
  }

  /** Merged [from, to) ranges of text covered by secret fragments, compared case-insensitively. */
  private fragmentRanges(text: string): Array<[number, number]> {
    if (this.windows.size === 0 || text.length < WINDOW) return [];
    const lower = text.toLowerCase();
    const hits: Array<[number, number]> = [];
    for (let i = 0; i + WINDOW <= lower.length; i++) {
      if (this.windows.has(lower.slice(i, i + WINDOW))) hits.push([i, i + WINDOW]);
    }
    const merged: Array<[number, number]> = [];
    for (const [from, to] of hits) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }
}

/** Masks credential header lines, query parameters and cookies in free text. */
export function redactCredentialFields(text: string): string {
  const headers = new RegExp(`((?:^|[\\s"'{,\\[(])(?:${CREDENTIAL_HEADERS.join('|')})"?\\s*[:=]\\s*"?)([^\\r\\n"]+)`, 'gim');
  let out = text.replace(headers, (_m, head: string, value: string) => (value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value.trim())}`));
  const params = new RegExp(`([?&;](?:${CREDENTIAL_PARAMS.join('|')})=)([^&#\\s"']+)`, 'gi');
  out = out.replace(params, (_m, head: string, value: string) => (value.startsWith('%5Bredacted') || value.startsWith('[redacted') ? `${head}${value}` : `${head}${mask(value)}`));
  return out;
}

/** The redactor for this process, seeded with the configured secrets by the fixtures and the runner. */
export const redactor = new Redactor();
