/**
 * SAFE-03's keyed requests as the spend guard sees them on the wire (method, target, header fields),
 * and the table of those off the allowlist with why each is refused; most got past the old
 * denylist (issue 17, item 3). Used by the guard's own spec (spend-guard.spec.ts) and by the
 * clients' (spend-guard-clients.spec.ts).
 */
import fc from 'fast-check';
import type { KeyedAllowlist } from '../../helpers/client/spend-guard';
import { CREDENTIAL_PLACES, type CredentialPlace } from '../../helpers/cases/places';

export const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
export const CHALLENGE = { method: 'POST', path: 'auth/challenge' };
/** A closed port: through the client, a request the guard lets out ends in "connection refused". */
export const TARGET = 'https://127.0.0.1:1/v1/';
const HOST = '127.0.0.1:1';
export const ALLOW: KeyedAllowlist = { base: new URL(TARGET), challenge: CHALLENGE, keys: [KEY] };
/** What the client itself puts on a keyed GET: its defaults, node:http's, and the key. */
export const FIELDS: Array<[string, string]> = [
  ['Host', HOST],
  ['Accept', 'application/json'],
  ['User-Agent', 'cardpluspay-conformance'],
  ['Accept-Encoding', 'identity'],
  ['Connection', 'keep-alive'],
  ['X-API-Key', KEY],
];
export const BODY_FIELDS: Array<[string, string]> = [...FIELDS, ['Content-Type', 'application/json'], ['Content-Length', '2']];
export const wire = (method: string, target: string, headers: ReadonlyArray<readonly [string, string]> = FIELDS) => ({ method, target, headers });
/** A query as the client writes it (URLSearchParams: application/x-www-form-urlencoded). */
export const query = (q: Record<string, string>): string => `?${new URLSearchParams(q).toString()}`;

const WHY_ROUTE =
  /is not one of the documented non-spending endpoints under \/v1\/ \(GET balance, GET catalog, GET orders, GET orders\/\{id\}, POST orders\/check, POST auth\/challenge\), spelt byte for byte$/;
const WHY_FIELD = /carries a header field [\w-]+, which no keyed request of the suite sends$/;
const WHY_HOST = /Host/;
const WHY_COOKIE = /Cookie without X-Conformance-Check/;
const WHY_QUERY = /query/;

/** Keyed requests off the allowlist, and why each is refused; most got past the old denylist (issue 17, item 3). */
export const OFF_THE_LIST: ReadonlyArray<[string, ReturnType<typeof wire>, RegExp]> = [
  ['an encoded "?" that a decoding front end turns into POST orders', wire('POST', '/v1/orders%3F/orders/check', BODY_FIELDS), WHY_ROUTE],
  ['POST orders%3F', wire('POST', '/v1/orders%3F', BODY_FIELDS), WHY_ROUTE],
  ['an encoded "#"', wire('POST', '/v1/orders%23/orders/check', BODY_FIELDS), WHY_ROUTE],
  ['"%20."', wire('POST', '/v1/orders%20.', BODY_FIELDS), WHY_ROUTE],
  ['a literal "#"', wire('POST', '/v1/orders#/check', BODY_FIELDS), WHY_ROUTE],
  ['a matrix parameter', wire('GET', '/v1/balance;x=1'), WHY_ROUTE],
  ['a backslash', wire('POST', '/v1/orders\\check', BODY_FIELDS), WHY_ROUTE],
  ['a trailing slash', wire('GET', '/v1/balance/'), WHY_ROUTE],
  ['a doubled slash', wire('POST', '/v1/orders//check', BODY_FIELDS), WHY_ROUTE],
  ['a dot segment', wire('GET', '/v1/./balance'), WHY_ROUTE],
  ['a percent-encoded unreserved character', wire('GET', '/v1/%62alance'), WHY_ROUTE],
  ['another case', wire('GET', '/v1/Balance'), WHY_ROUTE],
  ['an extension', wire('GET', '/v1/balance.json'), WHY_ROUTE],
  ['outside the base path', wire('GET', '/v2/balance'), WHY_ROUTE],
  ['POST orders', wire('POST', '/v1/orders', BODY_FIELDS), WHY_ROUTE],
  ['DELETE orders/{id}', wire('DELETE', '/v1/orders/1'), WHY_ROUTE],
  ['PUT orders/check', wire('PUT', '/v1/orders/check', BODY_FIELDS), WHY_ROUTE],
  ['HEAD balance', wire('HEAD', '/v1/balance'), WHY_ROUTE],
  ['a method in lower case', wire('get', '/v1/balance'), WHY_ROUTE],
  ['an order id with a dot', wire('GET', '/v1/orders/1.json'), WHY_ROUTE],
  ['an order id of 65 characters', wire('GET', `/v1/orders/${'1'.repeat(65)}`), WHY_ROUTE],
  ['X-HTTP-Method-Override on GET orders', wire('GET', '/v1/orders', [...FIELDS, ['X-HTTP-Method-Override', 'POST']]), WHY_FIELD],
  ['a method override no one listed', wire('GET', '/v1/orders', [...FIELDS, ['X-Forwarded-Method', 'POST']]), WHY_FIELD],
  ['X-Original-URL naming POST orders', wire('POST', '/v1/orders/check', [...BODY_FIELDS, ['X-Original-URL', '/v1/orders']]), WHY_FIELD],
  ['Transfer-Encoding', wire('POST', '/v1/orders/check', [...BODY_FIELDS, ['Transfer-Encoding', 'chunked']]), WHY_FIELD],
  ['another Host', wire('GET', '/v1/balance', [['Host', 'admin.example.test'], ...FIELDS.slice(1)]), WHY_HOST],
  ['the right host on another port', wire('GET', '/v1/balance', [['Host', '127.0.0.1:2'], ...FIELDS.slice(1)]), WHY_HOST],
  ['two Host fields', wire('GET', '/v1/balance', [...FIELDS, ['host', HOST]]), WHY_HOST],
  ['a Cookie without X-Conformance-Check', wire('GET', '/v1/balance', [...FIELDS, ['Cookie', 'a=1']]), WHY_COOKIE],
  ['_method=POST in the query', wire('GET', '/v1/orders?_method=POST'), WHY_QUERY],
  ['_Method=POST in the query', wire('GET', '/v1/orders?_Method=POST'), WHY_QUERY],
  ['a filter GET balance does not take', wire('GET', '/v1/balance?per_page=1'), WHY_QUERY],
  ['an unknown parameter', wire('GET', '/v1/catalog?callback=x'), WHY_QUERY],
  ['a parameter without a value', wire('GET', '/v1/orders?page'), WHY_QUERY],
  ['an empty query', wire('GET', '/v1/orders?'), WHY_QUERY],
  ['a value with an escape', wire('GET', '/v1/catalog?q=a%20b'), WHY_QUERY],
  ['a query on a POST', wire('POST', '/v1/orders/check?page=1', BODY_FIELDS), WHY_QUERY],
];

/**
 * AUTH-09's places as the specs send them: the core, and a few hundred members drawn from the
 * whole grammar (a fixed seed, so a failure names the same member every run).
 */
export const PLACES: readonly CredentialPlace[] = [...CREDENTIAL_PLACES.core, ...fc.sample(CREDENTIAL_PLACES.arbitrary!, { seed: 18, numRuns: 400 })];

/** A place's request as the spend guard sees it: the client's own fields but X-API-Key, then the place's. */
export function placedOnTheWire(p: CredentialPlace, key: string = KEY): ReturnType<typeof wire> {
  const call = p.present(key);
  const payload = call.json !== undefined ? JSON.stringify(call.json) : call.body;
  const headers: Array<[string, string]> = [
    ...FIELDS.slice(0, -1),
    ...Object.entries(call.headers),
    ...(call.json !== undefined ? ([['Content-Type', 'application/json']] as Array<[string, string]>) : []),
    ...(payload !== undefined ? ([['Content-Length', String(Buffer.byteLength(payload))]] as Array<[string, string]>) : []),
  ];
  return wire(call.method, `/v1/${call.path}${call.query ? query(call.query) : ''}`, headers);
}
