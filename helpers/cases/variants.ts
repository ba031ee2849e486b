/**
 * AUTH-14's shared parts: a request spelt byte for byte (VariantRequest), the context the spellings
 * are made in, the judgement of an answer, and the methods table. The request-target spellings and
 * the client-identity headers are families of their own (request-targets.ts, client-identity.ts);
 * the methods stay a table (METHOD_VARIANTS): the class is small and closed (HEAD, an unknown
 * token, lower case, OPTIONS, three override headers and `_method`, each on every endpoint it
 * applies to, 35 requests), so the table is the whole class, and the requirement names HEAD on
 * each GET endpoint. Every request is sent without a key and with a never-issued key, and judged
 * with judgeVariant. Titles and ids never hold a key.
 */
import { apiDataIn } from '../contract/api-data';
import { ENDPOINTS, READ_ONLY_ENDPOINTS, orderCall } from '../contract/endpoints';
import type { Settings } from '../settings/types';
import type { Member } from './family';

/** An endpoint as the variants see it: its method and its path relative to the base. */
export interface VariantEndpoint {
  id: string;
  title: string;
  method: string;
  path: string;
}

/** One request of a variant, exactly as it goes on the wire (the key, if any, is added by the check). */
export interface VariantRequest {
  method: string;
  /** The request-target, byte for byte: never resolved, decoded or normalised by the client; origin-form or the absolute form of the target's origin. */
  target: string;
  headers: Array<[string, string]>;
  json?: unknown;
  /** `1.0` for a request sent as HTTP/1.0. */
  httpVersion?: '1.0';
  /**
   * Set when the request goes to a public endpoint (`GET /` unless configured as protected): a 2xx
   * is then that endpoint's own answer, and only these fields (of the endpoint the variant tries
   * to reach) count as API data.
   */
  publicButNot?: readonly string[];
}

export interface VariantContext {
  /** The base URL's origin (`https://host:port`), for the absolute form of a request-target. */
  origin: string;
  /** The base URL's path, ending with `/` (`/v1/`). */
  basePath: string;
  /** The read-only GET endpoints, GET orders/{id}, then the challenge endpoint. */
  endpoints: readonly VariantEndpoint[];
  /** Whether `GET /` (the base path itself) needs a key (CARDPLUSPAY_ROOT_PROTECTED). */
  rootProtected: boolean;
  /** A body `POST orders` cannot fulfil, for override variants that POST to `orders`. */
  unfulfillableOrder: unknown;
}

/** A member of an AUTH-14 family: the requests it sends, and what a 2xx or API data means for it, in the report's words. */
export interface VariantMember extends Member {
  meaning: string;
  requests: (ctx: VariantContext) => VariantRequest[];
}

/** A variant of the methods table. */
export interface RequestVariant {
  id: string;
  title: string;
  /** What a 2xx or API data means for this variant, in the report's words. */
  meaning: string;
  requests: (ctx: VariantContext) => VariantRequest[];
}

/**
 * The read-only GET endpoints, GET orders/{id} (an order the valid key can read when the target
 * lists one, so a spelling served past the auth check shows its data rather than an honest-looking
 * 404), then the challenge endpoint: what AUTH-14 spells differently.
 */
export function variantContext(settings: Pick<Settings, 'baseUrl' | 'challenge' | 'rootProtected'>, orderId: string): VariantContext {
  const challenge = ENDPOINTS.find((e) => e.id === 'challenge')!;
  const calls = [
    ...READ_ONLY_ENDPOINTS.map((e) => ({ id: e.id, title: e.title, call: e.call(settings) })),
    { id: 'order', title: 'GET orders/{id}', call: orderCall(orderId) },
    { id: challenge.id, title: challenge.title, call: challenge.call(settings) },
  ];
  const base = new URL(settings.baseUrl);
  return {
    origin: base.origin,
    basePath: base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`,
    endpoints: calls.map(({ id, title, call }) => ({ id, title, method: call.method ?? 'GET', path: call.path })),
    rootProtected: settings.rootProtected,
    unfulfillableOrder: ENDPOINTS.find((e) => e.id === 'create-order')!.call(settings).json,
  };
}

/** An endpoint of the context by id; the first when the context lacks it (a family's member names endpoints by id). */
export function endpointOf(ctx: VariantContext, id: string): VariantEndpoint {
  const found = ctx.endpoints.find((e) => e.id === id) ?? ctx.endpoints[0];
  if (!found) throw new Error('The AUTH-14 context lists no endpoint.');
  return found;
}

const isGet = (e: VariantEndpoint): boolean => e.method === 'GET';

/** Requests for every endpoint that `applies`, one or more spellings each, duplicates dropped. */
function perEndpoint(
  applies: (e: VariantEndpoint) => boolean,
  spell: (e: VariantEndpoint, ctx: VariantContext) => Array<Omit<VariantRequest, 'headers'> & { headers?: VariantRequest['headers'] }>,
) {
  return (ctx: VariantContext): VariantRequest[] => {
    const seen = new Set<string>();
    const out: VariantRequest[] = [];
    for (const e of ctx.endpoints.filter(applies)) {
      for (const r of spell(e, ctx)) {
        const id = `${r.method} ${r.target}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ headers: [], ...r });
      }
    }
    return out;
  };
}

function override(id: string, header: string): RequestVariant {
  return {
    id,
    title: `POST with ${header}: GET`,
    meaning: 'the method override was honoured past the auth check',
    requests: perEndpoint(isGet, (e, ctx) => [
      // POST orders creates an order: the body is one no server can fulfil, whatever it makes of the header.
      { method: 'POST', target: ctx.basePath + e.path, headers: [[header, 'GET']], json: ctx.unfulfillableOrder },
    ]),
  };
}

/** Fields only a `GET balance` answer holds: what a rewrite to it would show on a public page. */
export const BALANCE_FIELDS = ['balance', 'currency'] as const;

export const METHOD_VARIANTS: readonly RequestVariant[] = [
  {
    id: 'head',
    title: 'HEAD on each GET endpoint',
    meaning: 'HEAD was served past the auth check',
    requests: perEndpoint(isGet, (e, ctx) => [{ method: 'HEAD', target: ctx.basePath + e.path }]),
  },
  {
    id: 'unknown-method',
    title: 'an unknown method FOOBAR',
    meaning: 'an unknown method was served past the auth check',
    requests: perEndpoint(
      () => true,
      (e, ctx) => [{ method: 'FOOBAR', target: ctx.basePath + e.path }],
    ),
  },
  {
    id: 'lowercase-method',
    title: 'the method in lower case',
    meaning: 'the method in lower case was served past the auth check',
    requests: perEndpoint(
      () => true,
      (e, ctx) => [{ method: e.method.toLowerCase(), target: ctx.basePath + e.path }],
    ),
  },
  {
    id: 'options',
    title: 'OPTIONS (2xx only with an empty body)',
    meaning: 'OPTIONS answered with API data past the auth check',
    requests: perEndpoint(
      () => true,
      (e, ctx) => [{ method: 'OPTIONS', target: ctx.basePath + e.path }],
    ),
  },
  override('override-x-http-method-override', 'X-HTTP-Method-Override'),
  override('override-x-http-method', 'X-HTTP-Method'),
  override('override-x-method-override', 'X-Method-Override'),
  {
    // Rails (Rack::MethodOverride), Laravel and Spring's HiddenHttpMethodFilter read the method from `_method`.
    id: 'override-method-parameter',
    title: 'POST with the parameter _method=GET',
    meaning: 'the _method parameter was honoured past the auth check',
    requests: perEndpoint(isGet, (e, ctx) => [{ method: 'POST', target: `${ctx.basePath}${e.path}?_method=GET`, json: ctx.unfulfillableOrder }]),
  },
];

/** What came back, as far as the judgement needs it. */
export interface VariantAnswer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

/**
 * Why the answer breaks AUTH-14, or undefined when it is fine. Only a 2xx (an empty-bodied 2xx to
 * OPTIONS excepted, as CORS preflights get) or API data in the body fails: a front proxy's own
 * HTML 400/404/405, a redirect without data and every refusal status are what real stacks send.
 */
export function judgeVariant(request: VariantRequest, answer: VariantAnswer): string | undefined {
  const is2xx = answer.status >= 200 && answer.status < 300;
  if (request.publicButNot) {
    const field = request.publicButNot.find((f) => new RegExp(`"${f}"\\s*:`).test(answer.text));
    return field ? `answered ${answer.status} with the field "${field}" of the endpoint it was rewritten to` : undefined;
  }
  const data = successEnvelope(answer.json) ? 'a success envelope' : apiDataIn(answer.text, { envelopeCounts: false });
  if (is2xx && request.method === 'OPTIONS' && answer.text.trim() === '') return undefined;
  if (is2xx) return `answered ${answer.status} with ${data ?? describeBody(answer)}`;
  return data ? `answered ${answer.status} with ${data}` : undefined;
}

/** `GET /v1/balance with X-Forwarded-For: 127.0.0.1`: the request line as sent, plus the variant's own fields. */
export function requestLine(request: VariantRequest): string {
  const extra = request.headers.map(([n, v]) => `${n}: ${v}`).join(', ');
  return `${request.method} ${request.target}${request.httpVersion ? ` HTTP/${request.httpVersion}` : ''}${extra ? ` with ${extra}` : ''}`;
}

function successEnvelope(json: unknown): boolean {
  return json !== null && typeof json === 'object' && (json as { success?: unknown }).success === true;
}

function describeBody(answer: VariantAnswer): string {
  if (answer.text.length === 0) return 'an empty body';
  return `a ${answer.text.length}-byte ${answer.contentType.split(';')[0] || 'untyped'} body`;
}
