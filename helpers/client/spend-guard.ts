/**
 * SAFE-03: where a configured key may go. Two layers, both pure so that the settings check and the
 * client share them:
 *
 * - an allowlist (`keyedRequestRefusal`): a request carrying a configured key goes out only when
 *   its method and request-target, byte for byte, are a documented non-spending endpoint under the
 *   base path (the routes of helpers/endpoints.ts), with only known query parameters and header
 *   fields. Front ends decode, strip and resolve spellings differently (`%3F` becomes `?` behind
 *   Apache, CVE-2024-38474), so a list of bad spellings always misses one; a list of good ones
 *   cannot;
 * - paths that settings contribute (the base URL's, CARDPLUSPAY_CHALLENGE_PATH) are spelt with RFC
 *   3986 unreserved characters and "/" only (`pathSpellingProblem`), and the challenge endpoint must
 *   not route, on a lenient server, to one that spends (`spendingRoute`): servers fold case, ignore
 *   a trailing slash, drop `;params` (Tomcat, Spring), serve `orders.json` as `orders` (suffix
 *   matching), decode percent-escapes (some twice) and resolve dot segments after decoding.
 */
import { ENDPOINTS, ORDER_ID, type ChallengeRoute, type Route } from '../contract/endpoints';
import { isCredentialPlaceName } from '../cases/place-names';
import { COOKIE_CHECK_HEADER } from '../contract/cookie-check';
import { KeyTraces } from './key-traces';

export interface SpendingRoute {
  method: string;
  /** The route's last path segment, as normalised by `routeSegments`. */
  segment: string;
  what: string;
}

/**
 * Matched on the last segment wherever it sits, so `v2/orders` or a path that climbs out of the
 * base path counts too: a guard may refuse more than it must, never less.
 */
const SPENDING_ROUTES: readonly SpendingRoute[] = [{ method: 'POST', segment: 'orders', what: 'POST orders buys gift cards' }];

/** Methods that only read: on the spending route, any other is treated as the purchase. */
const READING_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/** Headers and a query parameter that frameworks read as the real method (Express, Rails, Spring). */
const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];
const METHOD_OVERRIDE_PARAM = '_method';

/** Decoding is repeated a few times: a server that decodes twice routes `%256Frders` as `orders`. */
const DECODE_ROUNDS = 3;

function decodeRepeatedly(text: string): string {
  let current = text;
  for (let i = 0; i < DECODE_ROUNDS; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // A stray `%` stops a strict decoder; decode the escapes that are well formed.
      next = current.replace(/%[0-9a-f]{2}/gi, (m) => String.fromCharCode(parseInt(m.slice(1), 16)));
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The path segments a lenient server routes on, lower-case, without params, extension or dot segments. */
export function routeSegments(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of decodeRepeatedly(pathname).replace(/\\/g, '/').split('/')) {
    const segment = raw
      .split(';')[0]!
      // Some servers trim what surrounds a segment (`orders%20`, a trailing NUL).
      .replace(/^[\s\x00-\x1f]+|[\s\x00-\x1f]+$/g, '')
      .toLowerCase();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      out.pop();
      continue;
    }
    out.push(segment);
  }
  const last = out.length - 1;
  if (last >= 0) out[last] = out[last]!.replace(/\.[^.]*$/, '') || out[last]!;
  return out;
}

/** Every method a server might act on for this request: its own and any override it carries. */
function effectiveMethods(method: string, url: URL, headers: ReadonlyArray<readonly [string, string]>): string[] {
  const methods = [method];
  for (const [name, value] of headers) if (METHOD_OVERRIDE_HEADERS.includes(name.toLowerCase())) methods.push(value);
  methods.push(...url.searchParams.getAll(METHOD_OVERRIDE_PARAM));
  return methods.map((m) => m.trim().toUpperCase());
}

/** What the request would spend if a server routed it leniently, or undefined when it spends nothing. */
export function spendingRoute(method: string, url: URL, headers: ReadonlyArray<readonly [string, string]> = []): SpendingRoute | undefined {
  const segments = routeSegments(url.pathname);
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  const methods = effectiveMethods(method, url, headers);
  // A router that ignores the method (or reads it from elsewhere) would take any method but a
  // reading one to the spending handler: only GET, HEAD and OPTIONS are never a purchase.
  return SPENDING_ROUTES.find((r) => r.segment === last && methods.some((m) => m === r.method || !READING_METHODS.includes(m)));
}

/** RFC 3986 section 2.3: the characters no server or front end decodes, strips or reads as syntax. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;
const UNRESERVED_CHARACTERS = 'letters, digits, "-", ".", "_" and "~" (RFC 3986 unreserved characters)';
const PATH_CHARACTERS = `"/" and ${UNRESERVED_CHARACTERS}`;

/** A character as a message shows it: quoted when visible, by name or code point otherwise. */
function describeCharacter(c: string): string {
  if (c === ' ') return 'a space';
  const code = c.codePointAt(0)!;
  if (code < 0x21 || code === 0x7f) return `the control character \\x${code.toString(16).padStart(2, '0')}`;
  if (code > 0x7e) return `the non-ASCII character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${c}"`;
}

/**
 * Why a path is not spelt the one way every server reads alike, or undefined: it may hold only
 * unreserved characters and "/", and every segment is non-empty and neither "." nor "..". Given
 * without the leading "/" (and without the one trailing "/" a base URL may have).
 */
export function pathSpellingProblem(path: string): string | undefined {
  const bad = [...path].find((c) => c !== '/' && !UNRESERVED.test(c));
  if (bad !== undefined) return `holds ${describeCharacter(bad)}, and a path may hold only ${PATH_CHARACTERS}`;
  if (path === '') return 'is empty';
  const segments = path.split('/');
  if (segments.includes('')) return 'has an empty segment (a doubled, leading or trailing "/")';
  if (segments.some((s) => s === '.' || s === '..')) return 'has a "." or ".." segment';
  return undefined;
}

/** Why a base URL's path (`/v1/`, `/`, or empty) is refused, or undefined. It may end with one "/". */
export function basePathSpellingProblem(path: string): string | undefined {
  if (path === '' || path === '/') return undefined;
  const inner = path.startsWith('/') ? path.slice(1) : path;
  return pathSpellingProblem(inner.endsWith('/') ? inner.slice(0, -1) : inner);
}

/** Any GET may page through its answer. */
const PAGING_PARAMETERS = ['page'];

/**
 * The header fields a keyed request may carry, compared case-insensitively: what the client itself
 * sends (its defaults and node:http's), the key and signing fields; besides these, only the names
 * AUTH-09's grammar makes (`isCredentialPlaceName`, byte for byte). Anything else (a method
 * override, X-Original-URL, Transfer-Encoding, a field no one has thought of) is refused without
 * being named here.
 */
const KEYED_FIELDS: ReadonlySet<string> = new Set(
  [
    'Host',
    'Accept',
    'Accept-Encoding',
    'User-Agent',
    'Content-Type',
    'Content-Length',
    'Connection',
    'X-API-Key',
    'X-API-Challenge',
    'X-API-Signature',
    'Authorization',
    'Cookie',
    COOKIE_CHECK_HEADER,
  ].map((n) => n.toLowerCase()),
);

/** What a keyed request is checked against; the client builds it from its base URL and settings. */
export interface KeyedAllowlist {
  /** The base URL: its path is the prefix of every allowed target, its host the only Host allowed. */
  base: URL;
  /** The configured challenge endpoint (settings.challenge); without it, none is allowed. */
  challenge?: ChallengeRoute;
  /** The configured keys: a query value may be exactly one of them (AUTH-09's query places). */
  keys: readonly string[];
}

/** A request as it goes on the wire. */
export interface WireRequest {
  method: string;
  /** The request-target exactly as sent: path and optional `?query`. */
  target: string;
  headers: ReadonlyArray<readonly [string, string]>;
  /** The request line's version; a keyed request goes only as HTTP/1.1 (the default). */
  httpVersion?: string;
}

interface AllowedRoute extends Route {
  /** The whole target path this route matches, anchored. */
  pattern: RegExp;
}

/** What the non-challenge routes are given: they do not read it. */
const NO_CHALLENGE: ChallengeRoute = { method: '', path: '' };

/** The routes a configured key may go to: every endpoint of the catalogue that does not spend, the challenge endpoint only when given. */
export function keyedRoutes(challenge: ChallengeRoute | undefined): Route[] {
  return ENDPOINTS.filter((e) => !e.spends).flatMap((e) => (e.id !== 'challenge' ? [e.route(NO_CHALLENGE)] : challenge ? [e.route(challenge)] : []));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * keyedRoutes under the base path, as anchored patterns. The challenge endpoint counts only when
 * spelt safely and not routing to a spending endpoint on a lenient server: the settings refuse
 * both, and a client given its options directly gets the same answer.
 */
function allowedRoutes(basePath: string, challenge: ChallengeRoute | undefined): AllowedRoute[] {
  const safe =
    challenge && !pathSpellingProblem(challenge.path) && !spendingRoute(challenge.method, new URL(`${basePath}${challenge.path}`, 'https://target.invalid'));
  return keyedRoutes(safe ? challenge : undefined).map((r) => {
    const path = r.path.split('{id}').map(escapeRegExp).join(ORDER_ID);
    return { ...r, pattern: new RegExp(`^${escapeRegExp(basePath)}${path}$`) };
  });
}

/** The application/x-www-form-urlencoded spelling of a value, as URLSearchParams writes a query. */
function formEncoded(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** The keys' traces, built once per list of keys (an egress passes the same list with every request). */
const TRACES = new WeakMap<readonly string[], KeyTraces>();

/** Target text for a message: at most 80 visible characters, and never a configured key nor a near-miss of one. */
function shown(text: string, keys: readonly string[]): string {
  let traces = TRACES.get(keys);
  if (!traces) TRACES.set(keys, (traces = new KeyTraces(keys)));
  if (traces.carried([text])) return '[text made from a configured key]';
  const visible = text.replace(/[^\x21-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > 80 ? `${visible.slice(0, 80)}…` : visible;
}

/**
 * Why a request that carries a configured key must not go out, or undefined when it is on the
 * allowlist: it goes as HTTP/1.1, its method and origin-form path, byte for byte, are one of the
 * non-spending routes under the base path (so never an absolute-form target); a query only on a GET, each parameter named by that endpoint's documented filters, `page`
 * or a name of AUTH-09's grammar, with a value of unreserved characters or exactly a configured key; each
 * header field one the client itself sends or a name of AUTH-09's grammar, a Cookie only beside
 * X-Conformance-Check, and a Host only the base URL's.
 */
export function keyedRequestRefusal(request: WireRequest, allow: KeyedAllowlist): string | undefined {
  const { keys } = allow;
  const basePath = allow.base.pathname.endsWith('/') ? allow.base.pathname : `${allow.base.pathname}/`;
  const baseProblem = basePathSpellingProblem(basePath);
  if (baseProblem) return `the base URL's path ${shown(basePath, keys)} ${baseProblem}`;

  const queryAt = request.target.indexOf('?');
  const path = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
  const query = queryAt < 0 ? undefined : request.target.slice(queryAt + 1);
  const routes = allowedRoutes(basePath, allow.challenge);
  const what = `${shown(request.method, keys)} ${shown(path, keys)}`;
  const route = routes.find((r) => r.method === request.method && r.pattern.test(path));
  if (request.httpVersion !== undefined && request.httpVersion !== '1.1')
    return `${what} would go as HTTP/${shown(request.httpVersion, keys)}, and a keyed request goes only as HTTP/1.1`;
  if (!route) {
    const list = routes.map((r) => `${r.method} ${r.path}`).join(', ');
    return `${what} is not one of the documented non-spending endpoints under ${shown(basePath, keys)} (${list}), spelt byte for byte`;
  }

  if (query !== undefined) {
    if (route.method !== 'GET') return `${what} carries a query, and only a GET may`;
    const names = new Set([...route.query, ...PAGING_PARAMETERS]);
    for (const [i, parameter] of query.split('&').entries()) {
      const eq = parameter.indexOf('=');
      const name = eq < 0 ? parameter : parameter.slice(0, eq);
      const value = eq < 0 ? undefined : parameter.slice(eq + 1);
      if (!names.has(name) && !isCredentialPlaceName(name))
        return `${what}: query parameter ${i + 1} (${shown(name, keys) || 'empty'}) is not one ${route.method} ${route.path} takes (${[...names].join(', ')}) nor a name of AUTH-09's places`;
      if (value === undefined) return `${what}: query parameter ${name} has no "=" and value`;
      if (!UNRESERVED.test(value) && !keys.some((k) => k && (value === k || value === formEncoded(k)))) {
        return `${what}: the value of query parameter ${name} holds characters other than ${UNRESERVED_CHARACTERS}, and is not a configured key`;
      }
    }
  }

  const names = request.headers.map(([n]) => n.toLowerCase());
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (!KEYED_FIELDS.has(lower) && !isCredentialPlaceName(name))
      return `${what} carries a header field ${shown(name, keys)}, which no keyed request of the suite sends`;
    if (lower === 'cookie' && !names.includes(COOKIE_CHECK_HEADER.toLowerCase())) return `${what} carries a Cookie without ${COOKIE_CHECK_HEADER}`;
    if (lower === 'host' && value !== allow.base.host) return `${what} names another Host than the base URL's (${allow.base.host})`;
  }
  if (names.filter((n) => n === 'host').length > 1) return `${what} carries more than one Host field`;
  return undefined;
}
