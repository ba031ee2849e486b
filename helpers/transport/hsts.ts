/** TLS-03: parsing and judging Strict-Transport-Security. Pure. */

/** 180 days, the minimum TLS-03 asks for (and what HSTS preload lists took as their floor). */
export const HSTS_MIN_MAX_AGE = 15_552_000;

export interface Hsts {
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
  /** Why the header is invalid (RFC 6797 6.1); a browser ignores an invalid header entirely. */
  problems: string[];
}

/**
 * Parses Strict-Transport-Security per RFC 6797 6.1: directives split by ";", names
 * case-insensitive, values token or quoted-string, each directive at most once, max-age required.
 * When the field came more than once (joined with ", "), only the first counts (8.1).
 */
export function parseHsts(value: string): Hsts {
  const first = splitOutsideQuotes(value, ',')[0] ?? '';
  const out: Hsts = { includeSubDomains: false, preload: false, problems: [] };
  const seen = new Set<string>();
  for (const raw of splitOutsideQuotes(first, ';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    let arg = eq === -1 ? undefined : part.slice(eq + 1).trim();
    if (arg?.startsWith('"') && arg.endsWith('"') && arg.length >= 2) arg = arg.slice(1, -1);
    if (seen.has(name)) out.problems.push(`the directive ${name} appears twice`);
    seen.add(name);
    if (name === 'max-age') {
      if (arg === undefined || !/^\d+$/.test(arg)) out.problems.push(`max-age is not a whole number of seconds ("${arg ?? ''}")`);
      else out.maxAge = Number(arg);
    } else if (name === 'includesubdomains') out.includeSubDomains = true;
    else if (name === 'preload') out.preload = true;
  }
  if (!seen.has('max-age')) out.problems.push('max-age is missing');
  return out;
}

/** TLS-03's judgement of one Strict-Transport-Security value (undefined: the header was absent). */
export function hstsVerdict(value: string | undefined): { ok: boolean; what: string } {
  const minimum = describeSeconds(HSTS_MIN_MAX_AGE);
  if (value === undefined) return { ok: false, what: `no Strict-Transport-Security header (TLS-03 asks for a max-age of at least ${minimum})` };
  const hsts = parseHsts(value);
  if (hsts.problems.length > 0)
    return { ok: false, what: `Strict-Transport-Security "${value}" is invalid (${hsts.problems.join('; ')}), so a browser ignores it` };
  const maxAge = hsts.maxAge ?? 0;
  const ok = maxAge >= HSTS_MIN_MAX_AGE;
  return { ok, what: `Strict-Transport-Security "${value}": max-age ${describeSeconds(maxAge)} ${ok ? 'meets' : 'is below'} the ${minimum} minimum` };
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `31536000 s (365 days)`. */
function describeSeconds(seconds: number): string {
  const days = seconds / 86_400;
  return `${seconds} s (${days >= 1 ? `${Number.isInteger(days) ? days : days.toFixed(1)} days` : `${(seconds / 3600).toFixed(1)} hours`})`;
}
