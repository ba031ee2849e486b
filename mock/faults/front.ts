/**
 * Faults of the layer in front of the routes (AUTH-14): the request the auth layer checks is not
 * the request the router serves. Each is one way real stacks have got it wrong: an auth rule that
 * matches exact paths while the router forgives spellings (CVE-2019-9901), HEAD answered by the GET
 * route without the middleware, a method override or an X-Original-URL rewrite applied after auth,
 * and a client-supplied loopback address taken for an internal caller.
 */
import type { ApiRequest } from '../request';
import { resolve } from '../routes';
import { bendPart, type Fault } from './fault';
import { rawStatus } from './probe-kit';

const OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;
const REWRITE_HEADERS = ['x-original-url', 'x-rewrite-url'] as const;
const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The path as the request-target spells it, query cut off. */
function spelt(req: ApiRequest): string {
  const cut = req.target.indexOf('?');
  return cut === -1 ? req.target : req.target.slice(0, cut);
}

/** What a forgiving router makes of a path: dot segments resolved, slashes merged, unreserved escapes decoded, case, matrix parameters, a trailing slash and a .json extension dropped. */
function forgiving(path: string): string {
  const resolved = new URL(`http://mock/${path.replace(/^\/+/, '')}`).pathname;
  const decoded = resolved.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : escape;
  });
  return decoded
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/;[^/]*/g, '')
    .replace(/\.json$/, '')
    .replace(/(.)\/$/, '$1');
}

/** The first hop a proxy header names as the client. */
function clientAddress(req: ApiRequest): string | undefined {
  const forwarded = /for="?\[?([^\]";,]+)/i.exec(header(req, 'forwarded') ?? '')?.[1];
  return [header(req, 'x-forwarded-for')?.split(',')[0], header(req, 'x-real-ip'), forwarded].map((v) => v?.trim()).find((v) => v && LOOPBACK.test(v));
}

/** RFC 1918 private addresses: an "internal network" rule trusts them. */
const PRIVATE = /^(?:10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+)$/;

/** A path with its dot segments resolved, as a URL parser resolves them. */
function resolvedPath(path: string): string {
  return new URL(`http://mock${path.startsWith('/') ? path : `/${path}`}`).pathname;
}

/** Whether an auth layer that guards what is under /v1/, but the API info, lets this path pass. */
const outsideGuard = (path: string): boolean => path === '/v1' || path === '/v1/' || !path.startsWith('/v1/');

export const FRONT_FAULTS = {
  'auth-exact-path': {
    breaks: ['AUTH-14'],
    summary: 'The auth layer matches exact paths while routing forgives case, escapes, dot segments, doubled or trailing slashes, ;params and .json',
    probe: async (k) => (await k.call({ path: 'balance/' })).status === 200,
    bend: bendPart('front', (front) => ({
      routed: (req) => front.routed({ ...req, path: forgiving(spelt(req)) }),
      unguarded: (req) => spelt(req) !== forgiving(spelt(req)) || front.unguarded(req),
    })),
  },
  'head-skips-auth': {
    breaks: ['AUTH-14'],
    summary: 'HEAD is answered by the GET route without the key check',
    probe: async (k) => (await k.call({ method: 'HEAD', path: 'balance' })).status === 200,
    bend: bendPart('front', (front) => ({ unguarded: (req) => req.method === 'HEAD' || front.unguarded(req) })),
  },
  'method-override-after-auth': {
    breaks: ['AUTH-14'],
    summary: 'X-HTTP-Method-Override, X-HTTP-Method or X-Method-Override turns a POST into a GET after the auth layer let the POST pass',
    probe: async (k) => (await k.call({ method: 'POST', path: 'balance', headers: { 'X-HTTP-Method-Override': 'GET' } })).status === 200,
    bend: bendPart('front', (front) => {
      const override = (req: ApiRequest): string | undefined =>
        req.method === 'POST' ? OVERRIDE_HEADERS.map((n) => header(req, n)).find((v) => v !== undefined) : undefined;
      return {
        routed: (req) => front.routed({ ...req, method: override(req)?.toUpperCase() ?? req.method }),
        unguarded: (req) => override(req) !== undefined || front.unguarded(req),
      };
    }),
  },
  'original-url-after-auth': {
    breaks: ['AUTH-14'],
    summary: 'X-Original-URL or X-Rewrite-URL replaces the path after the auth layer checked the one requested (an unknown path or GET /, which it lets pass)',
    probe: async (k) => (await k.call({ path: 'no-such-path', headers: { 'X-Original-URL': '/v1/balance' } })).status === 200,
    bend: bendPart('front', (front) => {
      const rewrite = (req: ApiRequest): string | undefined => REWRITE_HEADERS.map((n) => header(req, n)).find((v) => v !== undefined);
      return {
        routed: (req) => {
          const to = rewrite(req);
          return front.routed(to === undefined ? req : { ...req, path: to.split('?')[0]!, target: to });
        },
        unguarded: (req) => {
          const route = resolve(req.method, req.path);
          return (rewrite(req) !== undefined && (route.kind !== 'endpoint' || route.endpoint === 'root')) || front.unguarded(req);
        },
      };
    }),
  },
  'loopback-trusted': {
    breaks: ['AUTH-14'],
    summary: 'A loopback address in X-Forwarded-For, X-Real-IP or Forwarded marks the caller as internal, and internal callers skip the key check',
    probe: async (k) => (await k.call({ path: 'balance', headers: { 'X-Forwarded-For': '127.0.0.1' } })).status === 200,
    bend: bendPart('front', (front) => ({ unguarded: (req) => clientAddress(req) !== undefined || front.unguarded(req) })),
  },
  'semicolon-bypass': {
    breaks: ['AUTH-14'],
    summary:
      'The auth layer cuts the path at the first ";" (Apache Shiro, CVE-2020-1957) and lets /v1 and paths outside /v1/ pass, while the router drops ;params from each segment (Spring)',
    probe: async (k) => (await k.call({ path: '/v1;x=1/balance' })).status === 200,
    bend: bendPart('front', (front) => {
      const cut = (req: ApiRequest): string | undefined => {
        const at = spelt(req).indexOf(';');
        return at === -1 ? undefined : resolvedPath(spelt(req).slice(0, at));
      };
      return {
        routed: (req) => {
          if (cut(req) === undefined) return front.routed(req);
          return front.routed({ ...req, path: resolvedPath(spelt(req).replace(/;[^/]*/g, '')).replace(/\/{2,}/g, '/') });
        },
        unguarded: (req) => {
          const path = cut(req);
          return (path !== undefined && outsideGuard(path)) || front.unguarded(req);
        },
      };
    }),
  },
  'encoded-slash-bypass': {
    breaks: ['AUTH-14'],
    summary: 'The router decodes %2F (either case) to "/", the auth layer does not and lets a path it knows no route for pass (Envoy CVE-2021-29492)',
    probe: async (k) => (await k.call({ path: '/v1%2Fbalance' })).status === 200,
    bend: bendPart('front', (front) => {
      const encoded = (req: ApiRequest): boolean => /%2f/i.test(req.path);
      return {
        routed: (req) => front.routed(encoded(req) ? { ...req, path: resolvedPath(req.path.replace(/%2f/gi, '/')) } : req),
        unguarded: (req) => (encoded(req) && resolve(req.method, req.path).kind !== 'endpoint') || front.unguarded(req),
      };
    }),
  },
  'trailing-dot-bypass': {
    breaks: ['AUTH-14'],
    summary: 'The router drops trailing dots from the path (as Windows does from a name), the auth layer does not and lets /v1/balance. pass unguarded',
    probe: async (k) => (await k.call({ path: 'balance.' })).status === 200,
    bend: bendPart('front', (front) => {
      const dotted = (req: ApiRequest): boolean => /[^./]\.+$/.test(req.path);
      return {
        routed: (req) => front.routed(dotted(req) ? { ...req, path: req.path.replace(/\.+$/, '') } : req),
        unguarded: (req) => (dotted(req) && resolve(req.method, req.path).kind !== 'endpoint') || front.unguarded(req),
      };
    }),
  },
  'absolute-form-bypass': {
    breaks: ['AUTH-14'],
    summary:
      'The auth layer reads the request-target as the path and guards what starts with /v1/, so an absolute-form target (https://host/v1/balance) passes; the router serves its path',
    probe: async (k) => (await rawStatus(k, `GET ${new URL(k.mock.baseUrl).origin}/v1/balance HTTP/1.1`)) === 200,
    bend: bendPart('front', (front) => ({ unguarded: (req) => outsideGuard(req.target) || front.unguarded(req) })),
  },
  'http10-bypass': {
    breaks: ['AUTH-14'],
    summary: 'HTTP/1.0 requests skip the key check (a legacy health-check rule)',
    probe: async (k) => (await rawStatus(k, 'GET /v1/balance HTTP/1.0')) === 200,
    bend: bendPart('front', (front) => ({ unguarded: (req) => req.httpVersion === '1.0' || front.unguarded(req) })),
  },
  'x-client-ip-trusted': {
    breaks: ['AUTH-14'],
    summary: 'A loopback address in X-Client-IP (a header not in the old list) marks the caller as internal, and internal callers skip the key check',
    probe: async (k) => (await k.call({ path: 'balance', headers: { 'X-Client-IP': '127.0.0.1' } })).status === 200,
    bend: bendPart('front', (front) => ({ unguarded: (req) => LOOPBACK.test(header(req, 'x-client-ip')?.trim() ?? '') || front.unguarded(req) })),
  },
  'forwarded-private-trusted': {
    breaks: ['AUTH-14'],
    summary: 'A private (RFC 1918) first hop in X-Forwarded-For marks the caller as on the internal network, which skips the key check',
    probe: async (k) => (await k.call({ path: 'balance', headers: { 'X-Forwarded-For': '10.0.0.1' } })).status === 200,
    bend: bendPart('front', (front) => ({
      unguarded: (req) => PRIVATE.test(header(req, 'x-forwarded-for')?.split(',')[0]?.trim() ?? '') || front.unguarded(req),
    })),
  },
} satisfies Record<string, Fault>;
