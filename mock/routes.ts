/**
 * The API: given the request, the accounts and the behaviour, decide the answer. Order of
 * decisions: outside /v1 is 404 with no auth; GET /v1/ is public; everything else under /v1 runs
 * the key check, then (for signing accounts) the signature check, and only then routing, so an
 * unknown path or a wrong method tells nothing to a caller without a valid key. What each endpoint
 * answers is in endpoints.ts.
 */
import type { EndpointId } from '../helpers/contract/endpoints';
import type { Account, MockMaterial } from './accounts';
import { authenticate, type KeyCheckStages } from './auth';
import type { EnvelopeWriter, Reply } from './envelope';
import type { ApiRequest } from './request';
import type { RequestSigning } from './signing';

/** `account` is null when the endpoint is answered without a valid key. */
export type EndpointHandler = (ctx: ApiContext, req: ApiRequest, account: Account | null, param: string) => Reply | Promise<Reply>;

/**
 * The layer in front of the routes, as common stacks arrange it: middleware that may rewrite the
 * request (method override, X-Original-URL, path normalisation) and an auth layer that decides
 * which requests it checks. Conformant: the router sees the request as it came, and the key check
 * runs on everything under /v1 but the API info.
 */
interface FrontStages {
  /** The request the router sees. */
  routed(req: ApiRequest): ApiRequest;
  /** Whether the auth layer lets the request (as it came) through without a key check. */
  unguarded(req: ApiRequest): boolean;
  /** The answer to a request whose key check passed, as the server sends it. */
  answered(reply: Reply, account: Account, req: ApiRequest): Reply;
}

export const CONFORMANT_FRONT: FrontStages = {
  routed: (req) => req,
  unguarded: () => false,
  answered: (reply) => reply,
};

/** The API's part of the mock's behaviour record. */
export interface ApiBehaviour {
  front: FrontStages;
  key: KeyCheckStages;
  envelope: EnvelopeWriter;
  /** Answered before the key check, to anyone. */
  beforeKey: ReadonlySet<EndpointId>;
  /** Answered to a caller whose key failed, instead of the refusal. */
  withoutKey: ReadonlySet<EndpointId>;
  endpoints: Readonly<Record<EndpointId, EndpointHandler>>;
  /**
   * What stands in front of the API, answering before anything else when it answers at all (a
   * rate limiter's 429, a dropped connection). The conformant mock has nothing there.
   */
  gate: (req: ApiRequest) => Reply | 'drop' | undefined;
}

export interface ApiContext {
  material: MockMaterial;
  signing: RequestSigning;
  challengeTtlSeconds: number;
  behaviour: ApiBehaviour;
}

interface Route {
  path: string | RegExp;
  methods: Partial<Record<'GET' | 'POST', EndpointId>>;
}

const CHALLENGE_PATH = '/v1/auth/challenge';

const ROUTES: readonly Route[] = [
  { path: /^\/v1\/?$/, methods: { GET: 'root' } },
  { path: CHALLENGE_PATH, methods: { POST: 'challenge' } },
  { path: '/v1/balance', methods: { GET: 'balance' } },
  { path: '/v1/catalog', methods: { GET: 'catalog' } },
  { path: '/v1/orders', methods: { GET: 'orders', POST: 'create-order' } },
  { path: '/v1/orders/check', methods: { POST: 'stock-check' } },
  { path: /^\/v1\/orders\/([^/]+)$/, methods: { GET: 'order' } },
];

export type Resolved = { kind: 'endpoint'; endpoint: EndpointId; param?: string } | { kind: 'wrong-method'; allow: string[] } | { kind: 'unknown' };

export function resolve(method: string, path: string): Resolved {
  for (const route of ROUTES) {
    const match = typeof route.path === 'string' ? (route.path === path ? [path] : null) : route.path.exec(path);
    if (!match) continue;
    // HEAD is GET without a body; Node drops the body itself.
    const verb = method === 'HEAD' ? 'GET' : method;
    const endpoint = verb === 'GET' || verb === 'POST' ? route.methods[verb] : undefined;
    if (endpoint) return { kind: 'endpoint', endpoint, param: match[1] };
    const allow = Object.keys(route.methods).flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
    return { kind: 'wrong-method', allow };
  }
  return { kind: 'unknown' };
}

export function handleApi(ctx: ApiContext, received: ApiRequest): Reply | Promise<Reply> {
  const { behaviour } = ctx;
  const gated = behaviour.gate(received);
  if (gated === 'drop') throw new DropConnection();
  if (gated) return gated;
  const req = behaviour.front.routed(received);
  if (req.path !== '/v1' && !req.path.startsWith('/v1/')) return behaviour.envelope.notFound();

  const route = resolve(req.method, req.path);
  const endpoint = route.kind === 'endpoint' ? route.endpoint : undefined;
  if ((endpoint && behaviour.beforeKey.has(endpoint)) || behaviour.front.unguarded(received)) return dispatch(ctx, route, req, null);

  const key = authenticate(req, ctx.material.accounts, behaviour.key);
  if (!key.ok) return endpoint && behaviour.withoutKey.has(endpoint) ? dispatch(ctx, route, req, null) : behaviour.key.refusal(key);

  const { account } = key;
  if (account.signing && req.path !== CHALLENGE_PATH) {
    const refused = ctx.signing.verify(account, req);
    if (refused instanceof Promise) return refused.then((reply) => reply ?? dispatchKeyed(ctx, route, req, account));
    if (refused) return refused;
  }
  return dispatchKeyed(ctx, route, req, account);
}

/**
 * The answer to a caller whose key (and signature) passed, through the front's last stage. A
 * function of its own rather than a closure in handleApi: tsx names every closure it makes
 * (esbuild's keepNames), and that Object.defineProperty cost a few µs on every request.
 */
function dispatchKeyed(ctx: ApiContext, route: Resolved, req: ApiRequest, account: Account): Reply | Promise<Reply> {
  const { front } = ctx.behaviour;
  const reply = dispatch(ctx, route, req, account);
  return reply instanceof Promise ? reply.then((settled) => front.answered(settled, account, req)) : front.answered(reply, account, req);
}

function dispatch(ctx: ApiContext, route: Resolved, req: ApiRequest, account: Account | null): Reply | Promise<Reply> {
  if (route.kind === 'unknown') return ctx.behaviour.envelope.notFound();
  if (route.kind === 'wrong-method') return ctx.behaviour.envelope.methodNotAllowed(route.allow);
  return ctx.behaviour.endpoints[route.endpoint](ctx, req, account, route.param ?? '');
}

/** Thrown by a gate that answers nothing: the server destroys the connection without a reply. */
export class DropConnection extends Error {
  override name = 'DropConnection';
}
