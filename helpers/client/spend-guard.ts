/**
 * SAFE-03: which requests spend balance. A request is judged by where a server would route it,
 * not by how its URL reads: servers fold case, ignore a trailing slash, drop `;params` (Tomcat,
 * Spring), serve `orders.json` as `orders` (suffix matching), decode percent-escapes (some twice)
 * and resolve dot segments after decoding. Pure, so the settings check and the client share it.
 */

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
  return SPENDING_ROUTES.find((r) => r.segment === last && methods.includes(r.method));
}

/** Where a configured key may go: the base path and the configured challenge endpoint. */
export interface KeyedAllowlist {
  basePath: string;
  challenge: { method: string; path: string };
}

/** Why a request carrying a configured key is refused, or undefined when it may go. */
export function keyedRequestRefusal(request: { method: string; target: string; headers: ReadonlyArray<readonly [string, string]> }, _allow: KeyedAllowlist): string | undefined {
  return spendingRoute(request.method, new URL(request.target, 'https://target.invalid'), request.headers)?.what;
}
