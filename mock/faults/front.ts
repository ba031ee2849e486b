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
} satisfies Record<string, Fault>;
