/**
 * Request variants as data (AUTH-14): named ways of spelling a request that an auth layer may not
 * recognise as the request it guards, while the router behind it still does (CVE-2019-9901 and its
 * kin). Each variant turns the endpoints it applies to into requests spelt byte for byte; the spec
 * sends each one without a key and with a never-issued key, and judges the answer with
 * judgeVariant. Titles and ids never hold a key.
 */
import { apiDataIn } from '../contract/api-data';

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
  /** The request-target, byte for byte: never resolved, decoded or normalised by the client. */
  target: string;
  headers: Array<[string, string]>;
  json?: unknown;
  /**
   * Set when the request goes to a public endpoint (`GET /` unless configured as protected): a 2xx
   * is then that endpoint's own answer, and only these fields (of the endpoint the variant tries
   * to reach) count as API data.
   */
  publicButNot?: readonly string[];
}

export interface VariantContext {
  /** The base URL's path, ending with `/` (`/v1/`). */
  basePath: string;
  /** The read-only GET endpoints, then the challenge endpoint. */
  endpoints: readonly VariantEndpoint[];
  /** Whether `GET /` (the base path itself) needs a key (CARDPLUSPAY_ROOT_PROTECTED). */
  rootProtected: boolean;
  /** A body `POST orders` cannot fulfil, for override variants that POST to `orders`. */
  unfulfillableOrder: unknown;
}

export interface RequestVariant {
  id: string;
  title: string;
  /** What a 2xx or API data means for this variant, in the report's words. */
  meaning: string;
  requests: (ctx: VariantContext) => VariantRequest[];
}

/** What a path spelling served past the auth check means. */
const SPELLING = 'the auth layer did not cover this spelling';

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

/** The same path in other spellings, with the endpoint's own method. */
function pathVariant(id: string, title: string, spellings: (e: VariantEndpoint, base: string) => string[]): RequestVariant {
  return {
    id,
    title,
    meaning: SPELLING,
    requests: perEndpoint(
      () => true,
      (e, ctx) => spellings(e, ctx.basePath).map((target) => ({ method: e.method, target })),
    ),
  };
}

/** Percent-encodes the first character of the path (an unreserved letter: RFC 3986 says it is the same URI). */
function encodeFirst(path: string): string {
  const first = path.charCodeAt(0);
  return `%${first.toString(16).toUpperCase().padStart(2, '0')}${path.slice(1)}`;
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

function rewrite(id: string, header: string): RequestVariant {
  return {
    id,
    title: `${header}: <GET balance> on an unknown path and on GET /`,
    meaning: 'the URL was rewritten after the auth check',
    requests: (ctx) => {
      const balance = ctx.basePath + balanceOf(ctx).path;
      return [
        { method: 'GET', target: `${ctx.basePath}conformance-no-such-path`, headers: [[header, balance]] },
        { method: 'GET', target: ctx.basePath, headers: [[header, balance]], ...(ctx.rootProtected ? {} : { publicButNot: BALANCE_FIELDS }) },
      ];
    },
  };
}

function trust(id: string, header: string, value: string): RequestVariant {
  return {
    id,
    title: `GET balance with ${header}: ${value}`,
    meaning: 'the auth layer trusted a header any client can send',
    requests: (ctx) => [{ method: 'GET', target: ctx.basePath + balanceOf(ctx).path, headers: [[header, value]] }],
  };
}

/** Fields only a `GET balance` answer holds: what a rewrite to it would show on a public page. */
const BALANCE_FIELDS = ['balance', 'currency'] as const;

function balanceOf(ctx: VariantContext): VariantEndpoint {
  const balance = ctx.endpoints.find((e) => e.id === 'balance');
  if (!balance) throw new Error('The endpoint list has no GET balance for the rewrite and trust variants.');
  return balance;
}

export const REQUEST_VARIANTS: readonly RequestVariant[] = [
  // Methods
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
  // Method override headers
  override('override-x-http-method-override', 'X-HTTP-Method-Override'),
  override('override-x-http-method', 'X-HTTP-Method'),
  override('override-x-method-override', 'X-Method-Override'),
  // Path spellings
  pathVariant('path-trailing-slash', 'a trailing slash', (e, b) => [`${b}${e.path}/`]),
  pathVariant('path-double-slash', 'a doubled slash', (e, b) => [`${b}/${e.path}`, `/${b}${e.path}`]),
  pathVariant('path-dot-segment', 'dot segments', (e, b) => [`${b}./${e.path}`, `${b}x/../${e.path}`]),
  pathVariant('path-percent-encoded', 'a percent-encoded unreserved character', (e, b) => [b + encodeFirst(e.path)]),
  pathVariant('path-upper-case', 'the path in upper case', (e, b) => [b + e.path.toUpperCase(), b.toUpperCase() + e.path]),
  pathVariant('path-matrix-param', 'a matrix parameter', (e, b) => [`${b}${e.path};x=1`]),
  pathVariant('path-extension', 'a .json extension', (e, b) => [`${b}${e.path}.json`]),
  // Rewrite and trust headers
  rewrite('x-original-url', 'X-Original-URL'),
  rewrite('x-rewrite-url', 'X-Rewrite-URL'),
  trust('xff-loopback', 'X-Forwarded-For', '127.0.0.1'),
  trust('x-real-ip-loopback', 'X-Real-IP', '127.0.0.1'),
  trust('forwarded-loopback', 'Forwarded', 'for=127.0.0.1'),
  trust('x-forwarded-host', 'X-Forwarded-Host', 'localhost'),
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
  return `${request.method} ${request.target}${extra ? ` with ${extra}` : ''}`;
}

function successEnvelope(json: unknown): boolean {
  return json !== null && typeof json === 'object' && (json as { success?: unknown }).success === true;
}

function describeBody(answer: VariantAnswer): string {
  if (answer.text.length === 0) return 'an empty body';
  return `a ${answer.text.length}-byte ${answer.contentType.split(';')[0] || 'untyped'} body`;
}
