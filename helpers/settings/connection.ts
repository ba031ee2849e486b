/** Where the target is: its base URL, the plain-HTTP origin TLS-02 probes, and the CA to trust. */
import { basePathSpellingProblem } from '../client/spend-guard';
import { parseUrl, printable, readable, withSlash, type Setting } from './parse';

/** Why a path must be spelt one way (SAFE-03); ends every refusal of a path's spelling. */
export const ONE_SPELLING =
  'Servers and front ends decode, strip and resolve other spellings differently (Apache turns "%3F" into "?"), so a request the suite checked as read-only could reach an endpoint that spends; a configured key goes only to paths spelt one way (SAFE-03).';

export const BASE_URL: Setting = {
  name: 'CARDPLUSPAY_BASE_URL',
  meaning: 'target base URL (`https:` only)',
  default: 'unset: the embedded mock',
  parse(raw, { refuse }) {
    if (raw === undefined || raw === '') {
      refuse(
        'is not set',
        'Run `npm run conformance` (it starts the embedded mock when the base URL is unset), or export CARDPLUSPAY_BASE_URL=https://api.cardpluspay.com/v1 with a key.',
      );
      return { baseUrl: '' };
    }
    const problem = baseUrlProblem(raw);
    if (problem) refuse(problem.why, problem.fix);
    return { baseUrl: problem ? '' : withSlash(new URL(raw)) };
  },
};

function baseUrlProblem(raw: string): { why: string; fix: string } | undefined {
  // `new URL` drops an empty `?` or `#`, so the parsed URL alone would pass.
  if (/[?#]/.test(raw)) {
    return {
      why: 'carries a query or fragment (it contains "?" or "#")',
      fix: 'Give only scheme, host, port and path, e.g. https://api.cardpluspay.com/v1: every path the suite joins to it must land below that path, not in a query or fragment.',
    };
  }
  const base = parseUrl(raw);
  if (!base) return { why: 'is not a URL', fix: 'Give an absolute URL such as https://api.cardpluspay.com/v1.' };
  if (base.protocol !== 'https:')
    return { why: `must use https: (got ${base.protocol})`, fix: 'The API key must never travel over plain HTTP: use the https:// URL of the target.' };
  if (base.username || base.password || base.search || base.hash) {
    return { why: 'carries credentials, a query or a fragment', fix: 'Give only scheme, host, port and path, e.g. https://api.cardpluspay.com/v1.' };
  }
  const spelling = baseUrlSpellingProblem(raw);
  if (spelling) return { why: spelling, fix: `Give it spelt as the API routes it, e.g. https://api.cardpluspay.com/v1. ${ONE_SPELLING}` };
  return undefined;
}

/**
 * SAFE-03: the base URL as given, before `new URL` normalises it (it drops tabs and newlines and
 * surrounding spaces, reads "\" as "/", resolves dot segments): https://host[:port] and a path of
 * unreserved characters and "/", which may end with one "/".
 */
function baseUrlSpellingProblem(raw: string): string | undefined {
  const m = /^https:\/\/[^\x00-\x20\x7f/\\?#]*([/\\].*)?$/is.exec(raw);
  if (!m) return `("${printable(raw)}") is not spelt https://host[:port]/path: it holds a space or a control character, or its scheme is not followed by "//"`;
  const path = m[1] ?? '';
  const problem = basePathSpellingProblem(path);
  return problem && `has the path "${printable(path)}", which ${problem}`;
}

export const HTTP_URL: Setting = {
  name: 'CARDPLUSPAY_HTTP_URL',
  meaning: 'the plain-HTTP origin probed by TLS-02 (same host as the base URL)',
  default: 'the base URL with `http:` and port 80',
  parse(raw, { draft, refuse }) {
    const base = draft.baseUrl ? new URL(draft.baseUrl) : undefined;
    if (raw === undefined || raw === '') {
      if (!base) return { httpUrl: '' };
      const url = new URL(base.href);
      url.protocol = 'http:';
      url.port = '';
      return { httpUrl: withSlash(url) };
    }
    const url = parseUrl(raw);
    if (!url) refuse('is not a URL', 'Give the plain-HTTP origin to probe, e.g. http://api.cardpluspay.com/v1.');
    else if (url.protocol !== 'http:')
      refuse(`must use http: (got ${url.protocol})`, 'It names the plain-HTTP origin that TLS-02 probes; leave it unset for the default.');
    // Node turns user:password in a URL into an Authorization header of its own, in clear text.
    else if (url.username || url.password || url.search || url.hash || /[?#]/.test(raw)) {
      refuse(
        'carries credentials, a query or a fragment',
        'Give only scheme, host, port and path, e.g. http://api.cardpluspay.com/v1: the probe carries nothing but its throwaway canary.',
      );
    } else if (base && url.hostname !== base.hostname) {
      refuse(
        `names host ${url.hostname}, not the base URL's host ${base.hostname}`,
        'The probe checks the target itself: give the same host (only the scheme and port may differ).',
      );
    } else return { httpUrl: withSlash(url) };
    return { httpUrl: '' };
  },
};

export const CA_FILE: Setting = {
  name: 'CARDPLUSPAY_CA_FILE',
  meaning: 'extra CA certificates (PEM) to trust for the target',
  default: 'system trust store only',
  parse(raw, { refuse }) {
    const caFile = raw || undefined;
    if (!caFile) return { caFile };
    const text = readable(caFile);
    if (text === undefined) refuse(`cannot be read (${caFile})`, 'Give the path of a PEM file with the CA certificates to trust.');
    else if (!text.includes('-----BEGIN CERTIFICATE-----')) refuse('holds no PEM certificate', 'Give a PEM file with "-----BEGIN CERTIFICATE-----" blocks.');
    return { caFile };
  },
};
