/** Where the target is: its base URL, the plain-HTTP origin TLS-02 probes, and the CA to trust. */
import { basePathSpellingProblem } from '../client/spend-guard';
import { parseUrl, printable, type Refuse } from './parse';

/** Why a path must be spelt one way (SAFE-03); ends every refusal of a path's spelling. */
export const ONE_SPELLING =
  'Servers and front ends decode, strip and resolve other spellings differently (Apache turns "%3F" into "?"), so a request the suite checked as read-only could reach an endpoint that spends; a configured key goes only to paths spelt one way (SAFE-03).';

/**
 * SAFE-03: the base URL as given, before `new URL` normalises it (it drops tabs and newlines and
 * surrounding spaces, reads "\" as "/", resolves dot segments): https://host[:port] and a path of
 * unreserved characters and "/", which may end with one "/".
 */
export function baseUrlSpellingProblem(raw: string): string | undefined {
  const m = /^https:\/\/[^\x00-\x20\x7f/\\?#]*([/\\].*)?$/is.exec(raw);
  if (!m) return `("${printable(raw)}") is not spelt https://host[:port]/path: it holds a space or a control character, or its scheme is not followed by "//"`;
  const path = m[1] ?? '';
  const problem = basePathSpellingProblem(path);
  return problem && `has the path "${printable(path)}", which ${problem}`;
}

export function httpProbeUrl(raw: string | undefined, base: URL | undefined, refuse: Refuse): string {
  if (raw === undefined || raw === '') {
    if (!base) return '';
    const url = new URL(base.href);
    url.protocol = 'http:';
    url.port = '';
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  const url = parseUrl(raw);
  if (!url) {
    refuse('CARDPLUSPAY_HTTP_URL', 'is not a URL', 'Give the plain-HTTP origin to probe, e.g. http://api.cardpluspay.com/v1.');
    return '';
  }
  if (url.protocol !== 'http:') {
    refuse('CARDPLUSPAY_HTTP_URL', `must use http: (got ${url.protocol})`, 'It names the plain-HTTP origin that TLS-02 probes; leave it unset for the default.');
    return '';
  }
  if (base && url.hostname !== base.hostname) {
    refuse(
      'CARDPLUSPAY_HTTP_URL',
      `names host ${url.hostname}, not the base URL's host ${base.hostname}`,
      'The probe checks the target itself: give the same host (only the scheme and port may differ).',
    );
    return '';
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
