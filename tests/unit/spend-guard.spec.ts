/**
 * SAFE-03: a request carrying a configured key goes out only when it is on the allowlist: a
 * documented non-spending endpoint under the base path, byte for byte, with known query parameters
 * and header fields (issue 17, item 3: `orders%3F/orders/check` and friends walked past the old
 * denylist). The lenient router (spendingRoute) stays for the settings check of the challenge
 * endpoint. SAFE-04: certificate checks cannot be switched off from outside:
 * NODE_TLS_REJECT_UNAUTHORIZED=0, even set while the run is going, stops both clients before they
 * connect, and the raw TLS client verifies all the same.
 */
import https from 'node:https';
import { expect, test } from '@playwright/test';
import { createMockMaterial } from '../../mock/accounts';
import { GuardError } from '../../helpers/client/client';
import { Egress, type EgressOptions } from '../../helpers/client/egress';
import { keyedRequestRefusal, keyedRoutes, routeSegments, spendingRoute, type KeyedAllowlist } from '../../helpers/client/spend-guard';
import { ENDPOINTS, orderCall, stockCheckCall } from '../../helpers/contract/endpoints';
import { HEADER_NAME_CASES, MISPLACED_KEYS } from '../../helpers/cases/keys';
import { testClient } from '../support/client';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });
const BASE = 'https://api.example.test/v1/';
const at = (path: string): URL => new URL(path, BASE);

/** Spellings that Tomcat, Spring, Express or a double-decoding proxy route to `orders`. */
const SPENDING_SPELLINGS = [
  'orders',
  'orders/',
  'Orders',
  'ORDERS',
  'orders;x',
  'orders;jsessionid=1/',
  'orders.json',
  'orders.',
  '%6Frders',
  '%6frders',
  '%256Frders',
  'orders%2F',
  'orders%3Bx',
  './orders',
  'x/../orders',
  'x/%2e%2e/orders',
  'x%2F..%2Forders',
  'x/..;/orders',
  '../orders',
  '../v2/orders',
  'orders//',
  'orders%20',
  'x\\..\\orders',
  'orders/x/..',
];
const READ_ONLY = ['orders/check', 'orders/123', 'orders/check;x', 'orders/check.json', 'balance', 'ordersx', 'orders/..'];

test('SAFE-03 every lenient spelling of POST orders is recognised as spending', req('SAFE-03'), () => {
  for (const path of SPENDING_SPELLINGS) expect(spendingRoute('POST', at(path))?.what, path).toBe('POST orders buys gift cards');
  expect(spendingRoute('post', at('orders'))).toBeDefined();
});

test('SAFE-03 reading endpoints and other methods are not spending', req('SAFE-03'), () => {
  for (const path of READ_ONLY) expect(spendingRoute('POST', at(path)), path).toBeUndefined();
  for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(spendingRoute(method, at('orders')), method).toBeUndefined();
});

test('SAFE-03 a method override turns a GET into the spending POST', req('SAFE-03'), () => {
  for (const name of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override'])
    expect(spendingRoute('GET', at('orders'), [[name, 'post']]), name).toBeDefined();
  expect(spendingRoute('GET', at('orders?_method=POST'))).toBeDefined();
});

test('SAFE-03 route segments: case, params, extension, escapes and dot segments as servers resolve them', req('SAFE-03'), () => {
  expect(routeSegments('/v1/X/%2E%2E/Orders;a=b.JSON')).toEqual(['v1', 'orders']);
  expect(routeSegments('/v1//orders/check/')).toEqual(['v1', 'orders', 'check']);
});

test('SAFE-03 the client refuses every spelling of POST orders with a configured key, before sending', req('SAFE-03'), async () => {
  const api = testClient('https://127.0.0.1:1/v1/', [KEY]);
  for (const path of SPENDING_SPELLINGS) {
    await expect(api.send({ method: 'POST', path, headers: { 'X-API-Key': KEY }, json: {} }), path).rejects.toThrow(/SAFE-03/);
    await expect(api.sendRaw({ method: 'POST', path, headerLines: [['X-API-Key', KEY]], json: {} }), path).rejects.toThrow(GuardError);
  }
  await expect(api.send({ method: 'GET', path: 'orders', headers: { 'X-API-Key': KEY, 'X-HTTP-Method-Override': 'POST' } })).rejects.toThrow(GuardError);
});

// --- The allowlist (issue 17, item 3) ---------------------------------------------------------

const CHALLENGE = { method: 'POST', path: 'auth/challenge' };
/** A closed port: through the client, a request the guard lets out ends in "connection refused". */
const TARGET = 'https://127.0.0.1:1/v1/';
const HOST = '127.0.0.1:1';
const ALLOW: KeyedAllowlist = { base: new URL(TARGET), challenge: CHALLENGE, keys: [KEY] };
/** What the client itself puts on a keyed GET: its defaults, node:http's, and the key. */
const FIELDS: Array<[string, string]> = [
  ['Host', HOST],
  ['Accept', 'application/json'],
  ['User-Agent', 'cardpluspay-conformance'],
  ['Accept-Encoding', 'identity'],
  ['Connection', 'keep-alive'],
  ['X-API-Key', KEY],
];
const BODY_FIELDS: Array<[string, string]> = [...FIELDS, ['Content-Type', 'application/json'], ['Content-Length', '2']];
const wire = (method: string, target: string, headers: ReadonlyArray<readonly [string, string]> = FIELDS) => ({ method, target, headers });
/** A query as the client writes it (URLSearchParams: application/x-www-form-urlencoded). */
const query = (q: Record<string, string>): string => `?${new URLSearchParams(q).toString()}`;

test('SAFE-03 the allowlist is the endpoint catalogue: every route that does not spend, and nothing else', req('SAFE-03'), () => {
  const listed = (c?: { method: string; path: string }) => keyedRoutes(c).map((r) => `${r.method} ${r.path}`);
  expect(listed(CHALLENGE)).toEqual(['GET balance', 'GET catalog', 'GET orders', 'GET orders/{id}', 'POST orders/check', 'POST auth/challenge']);
  expect(listed(), 'no challenge endpoint unless the settings name one').toEqual([
    'GET balance',
    'GET catalog',
    'GET orders',
    'GET orders/{id}',
    'POST orders/check',
  ]);
  // One table: every catalogue entry's own probe is allowed exactly when it does not spend.
  const settings = { challenge: CHALLENGE } as Parameters<(typeof ENDPOINTS)[number]['call']>[0];
  for (const e of ENDPOINTS) {
    const call = e.call(settings);
    const refusal = keyedRequestRefusal(wire(call.method ?? 'GET', `/v1/${call.path}`, call.json === undefined ? FIELDS : BODY_FIELDS), ALLOW);
    if (e.spends) expect(refusal, e.title).toMatch(/is not one of the documented non-spending endpoints/);
    else expect(refusal, e.title).toBeUndefined();
  }
});

test('SAFE-03 every keyed request the specs make is allowed', req('SAFE-03'), () => {
  const allowed: Array<[string, ReturnType<typeof wire>]> = [
    ['GET balance', wire('GET', '/v1/balance')],
    ['GET catalog', wire('GET', '/v1/catalog')],
    ['GET orders', wire('GET', '/v1/orders')],
    ['GET orders?per_page=100 (AUTH-15)', wire('GET', `/v1/orders${query({ per_page: '100' })}`)],
    [
      'GET catalog with every documented filter and page',
      wire(
        'GET',
        `/v1/catalog${query({ item_id: 'A-1', brand: 'Amazon', q: 'gift', per_page: '10', sort_by: 'value', order: 'asc', region: 'US', currency: 'USD', delivery_type: 'DIGITAL', value_min: '0', value_max: '100.5', country_code: 'US', page: '2' })}`,
      ),
    ],
    ['GET orders/{id}', wire('GET', `/v1/${orderCall('123').path}`)],
    ['GET orders/{id} with a 64-character id', wire('GET', `/v1/${orderCall('A_b-9'.repeat(12) + 'abcd').path}`)],
    ['POST orders/check', wire('POST', `/v1/${stockCheckCall('ITEM-1').path}`, BODY_FIELDS)],
    ['POST auth/challenge (the configured challenge endpoint)', wire('POST', '/v1/auth/challenge')],
    ['signed GET balance (SIGN-03)', wire('GET', '/v1/balance', [...FIELDS, ['X-API-Challenge', 'c-1'], ['X-API-Signature', 'c2lnbmF0dXJl+/==']])],
    ['two X-API-Key fields (AUTH-11)', wire('GET', '/v1/balance', [...FIELDS, ['X-API-Key', 'other-key-0000000000']])],
    ...HEADER_NAME_CASES.map((name): [string, ReturnType<typeof wire>] => [
      `X-API-Key written ${name} (AUTH-10)`,
      wire('GET', '/v1/balance', [...FIELDS.slice(0, -1), [name, KEY]]),
    ]),
    ...MISPLACED_KEYS.map((p): [string, ReturnType<typeof wire>] => [
      `the key ${p.title} (AUTH-09)`,
      wire('GET', `/v1/balance${p.query ? query(p.query(KEY)) : ''}`, [...FIELDS.slice(0, -1), ...Object.entries(p.headers?.(KEY) ?? {})]),
    ]),
  ];
  for (const [what, request] of allowed) expect(keyedRequestRefusal(request, ALLOW), what).toBeUndefined();
  // A key outside the unreserved characters goes in the query form-encoded; that exact value is allowed.
  const plusKey = 'cpp+test/Q2xJ8sZr4LkP0vNw7YhT3mBd=';
  expect(keyedRequestRefusal(wire('GET', `/v1/balance${query({ api_key: plusKey })}`), { ...ALLOW, keys: [plusKey] })).toBeUndefined();
});

const WHY_ROUTE =
  /is not one of the documented non-spending endpoints under \/v1\/ \(GET balance, GET catalog, GET orders, GET orders\/\{id\}, POST orders\/check, POST auth\/challenge\), spelt byte for byte$/;
const WHY_FIELD = /carries a header field [\w-]+, which no keyed request of the suite sends$/;
const WHY_HOST = /Host/;
const WHY_COOKIE = /Cookie without X-Conformance-Check/;
const WHY_QUERY = /query/;

/** Keyed requests off the allowlist, and why each is refused; most got past the old denylist (issue 17, item 3). */
const OFF_THE_LIST: ReadonlyArray<[string, ReturnType<typeof wire>, RegExp]> = [
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

test('SAFE-03 a keyed request off the allowlist is refused, whatever the reason', req('SAFE-03'), () => {
  for (const [what, request, why] of OFF_THE_LIST) expect(keyedRequestRefusal(request, ALLOW), what).toMatch(why);
});

test('SAFE-03 the challenge endpoint is allowed only as configured, spelt safely, and never where it would spend', req('SAFE-03'), () => {
  const post = (path: string, challenge?: { method: string; path: string }) =>
    keyedRequestRefusal(wire('POST', `/v1/${path}`, BODY_FIELDS), { ...ALLOW, challenge });
  expect(post('auth/challenge', undefined), 'no challenge configured').toBeDefined();
  expect(post('auth/challenge', { method: 'GET', path: 'auth/challenge' }), 'another method').toBeDefined();
  // Given to the client directly, past the settings check: still refused.
  expect(post('orders%3F', { method: 'POST', path: 'orders%3F' })).toBeDefined();
  expect(post('Orders', { method: 'POST', path: 'Orders' })).toBeDefined();
  expect(post('orders.json', { method: 'POST', path: 'orders.json' })).toBeDefined();
});

test('SAFE-03 a base URL whose path is not spelt safely gets no key at all', req('SAFE-03'), () => {
  for (const base of ['https://127.0.0.1:1/v1/orders%3F/', 'https://127.0.0.1:1/v1;x/', 'https://127.0.0.1:1/v1//']) {
    expect(keyedRequestRefusal(wire('GET', `${new URL(base).pathname}balance`), { ...ALLOW, base: new URL(base) }), base).toMatch(/^the base URL's path/);
  }
});

test('SAFE-03 a refusal never shows a configured key', req('SAFE-03'), () => {
  for (const request of [
    wire('GET', `/v1/${KEY}/x`),
    wire('GET', `/v1/balance?${KEY}=1`),
    wire('GET', `/v1/balance?_method=POST&api_key=${KEY}`),
    wire(KEY, '/v1/balance'),
    wire('GET', '/v1/balance', [...FIELDS, [KEY, 'x']]),
  ]) {
    const refusal = keyedRequestRefusal(request, ALLOW);
    expect(refusal).toBeDefined();
    expect(refusal).not.toContain(KEY);
    expect(refusal).not.toContain(KEY.slice(10, 30));
  }
});

/** A client on a closed port: a request the guard lets through ends as "sent" (connection refused), a refused one in a GuardError. */
function clientOnClosedPort(options: Partial<EgressOptions> = {}): ReturnType<typeof testClient> {
  return testClient(options.baseUrl ?? TARGET, [KEY], {
    keyedAllowlist: { challenge: CHALLENGE },
    onNotJudged: (reason: string): never => {
      throw new Error(`sent: ${reason}`);
    },
    ...options,
  });
}

test('SAFE-03 the client refuses a keyed request off the allowlist before sending, through both clients', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const key = { 'X-API-Key': KEY };
  const refused: Array<[string, () => Promise<unknown>]> = [
    [
      'verbatim orders%3F/orders/check',
      () =>
        api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%3F/orders/check', headerLines: [['X-API-Key', KEY]], json: { item_id: 'A', quantity: 1 } }),
    ],
    [
      'verbatim orders%23/orders/check',
      () => api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%23/orders/check', headerLines: [['X-API-Key', KEY]], json: {} }),
    ],
    ['verbatim orders%20.', () => api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%20.', headerLines: [['X-API-Key', KEY]], json: {} })],
    ['path orders%3F/orders/check', () => api.send({ method: 'POST', path: 'orders%3F/orders/check', headers: key, json: { item_id: 'A', quantity: 1 } })],
    ['an unknown method override on GET orders', () => api.send({ path: 'orders', headers: { ...key, 'X-Forwarded-Method': 'POST' } })],
    [
      'X-HTTP-Method-Override on GET orders',
      () =>
        api.sendRaw({
          path: 'orders',
          headerLines: [
            ['X-API-Key', KEY],
            ['X-HTTP-Method-Override', 'POST'],
          ],
        }),
    ],
    [
      'X-Original-URL on POST orders/check',
      () => api.send({ method: 'POST', path: 'orders/check', headers: { ...key, 'X-Original-URL': '/v1/orders' }, json: {} }),
    ],
    ['_method=POST in the query', () => api.send({ path: 'orders', query: { _method: 'POST' }, headers: key })],
    ['_Method=POST in the query', () => api.send({ path: 'orders', query: { _Method: 'POST' }, headers: key })],
    ['POST orders', () => api.send({ method: 'POST', path: 'orders', headers: key, json: { item_code: 'A', quantity: 1 } })],
    ['DELETE orders/1', () => api.send({ method: 'DELETE', path: 'orders/1', headers: key })],
    ['HEAD balance', () => api.sendRaw({ method: 'HEAD', path: 'balance', headerLines: [['X-API-Key', KEY]] })],
    [
      'another Host',
      () =>
        api.sendRaw({
          path: 'balance',
          headerLines: [
            ['Host', 'admin.example.test'],
            ['X-API-Key', KEY],
          ],
        }),
    ],
    ['the key in the query of a POST', () => api.send({ method: 'POST', path: 'orders/check', query: { api_key: KEY }, json: {} })],
  ];
  const sent: string[] = [];
  for (const [what, attempt] of refused) if (!((await attempt().catch((e: unknown) => e)) instanceof GuardError)) sent.push(what);
  expect(sent, 'keyed requests that got past the guard').toEqual([]);
  const base = clientOnClosedPort({ baseUrl: 'https://127.0.0.1:1/v1/orders%3F/' });
  await expect(base.send({ path: 'balance', headers: key }), 'a base URL holding %3F').rejects.toThrow(/the base URL's path/);
  const noChallenge = clientOnClosedPort({ keyedAllowlist: undefined });
  await expect(noChallenge.send({ method: 'POST', path: 'auth/challenge', headers: key }), 'no challenge endpoint configured').rejects.toThrow(GuardError);
});

test('SAFE-03 the raw client refuses every keyed request off the allowlist, sent verbatim', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const sent: string[] = [];
  for (const [what, request] of OFF_THE_LIST) {
    const error = await api
      .sendRaw({ method: request.method, path: '', target: request.target, headerLines: request.headers.map(([n, v]) => [n, v]) })
      .catch((e: unknown) => e);
    if (!(error instanceof GuardError)) sent.push(`${what} (${error instanceof Error ? error.message : 'answered'})`);
  }
  expect(sent, 'keyed requests that got past the guard').toEqual([]);
});

test('SAFE-03 the client sends every legitimate keyed request, through both clients', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const key = { 'X-API-Key': KEY };
  const sent: Array<[string, () => Promise<unknown>]> = [
    ['GET balance', () => api.send({ path: 'balance', headers: key })],
    ['GET orders?per_page=100', () => api.send({ path: 'orders', query: { per_page: '100' }, headers: key })],
    ['GET orders/{id}', () => api.send({ ...orderCall('42'), headers: key })],
    ['POST orders/check', () => api.send({ ...stockCheckCall('ITEM-1'), headers: key })],
    ['POST auth/challenge', () => api.send({ method: 'POST', path: 'auth/challenge', headers: key })],
    [
      'raw GET balance with two keys',
      () =>
        api.sendRaw({
          path: 'balance',
          headerLines: [
            ['X-API-Key', KEY],
            ['X-API-Key', 'other-key-0000000000'],
          ],
        }),
    ],
    ['raw verbatim /v1/catalog', () => api.sendRaw({ path: '', target: '/v1/catalog', headerLines: [['X-API-Key', KEY]] })],
    ['raw POST orders/check', () => api.sendRaw({ ...stockCheckCall('ITEM-1'), headerLines: [['X-API-Key', KEY]] })],
    ...MISPLACED_KEYS.map((p): [string, () => Promise<unknown>] => [
      `the key ${p.title}`,
      () => api.send({ path: 'balance', headers: p.headers?.(KEY), query: p.query?.(KEY) }),
    ]),
  ];
  for (const [what, attempt] of sent) await expect(attempt(), what).rejects.toThrow(/^sent: connection refused/);
});

test.describe('certificate checks', () => {
  let untrusted: https.Server;
  let connections = 0;
  let port = 0;
  test.beforeAll(async () => {
    // Fresh material: its certificate is in no trust store of this process.
    const { tls } = await createMockMaterial();
    untrusted = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_q, s) => s.end('{}'));
    untrusted.on('connection', () => connections++);
    await new Promise<void>((r) => untrusted.listen(0, '127.0.0.1', r));
    port = (untrusted.address() as import('node:net').AddressInfo).port;
  });
  test.afterAll(() => untrusted.close());
  test.afterEach(() => {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  });

  test('SAFE-04 NODE_TLS_REJECT_UNAUTHORIZED=0 set during a run stops both clients before they connect', req('SAFE-04'), async () => {
    const api = testClient(`https://127.0.0.1:${port}/v1/`, [KEY]);
    connections = 0;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    await expect(api.send({ path: 'balance', headers: { 'X-API-Key': KEY } })).rejects.toThrow(/NODE_TLS_REJECT_UNAUTHORIZED=0/);
    await expect(api.sendRaw({ path: 'balance', headerLines: [['X-API-Key', KEY]] })).rejects.toThrow(/NODE_TLS_REJECT_UNAUTHORIZED=0/);
    expect(connections).toBe(0);
    // Without it, both clients verify the certificate and refuse the untrusted one.
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    await expect(api.send({ path: 'balance' })).rejects.toThrow(/self[- ]signed|certificate|verify/i);
    await expect(api.sendRaw({ path: 'balance', headerLines: [] })).rejects.toThrow(/self[- ]signed|certificate|verify/i);
  });

  test('SAFE-04 the raw TLS client verifies the certificate even with NODE_TLS_REJECT_UNAUTHORIZED=0', req('SAFE-04'), async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    const result = await new Egress({ baseUrl: `https://127.0.0.1:${port}/`, configuredKeys: [] }).handshake();
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.code).toMatch(/SELF_SIGNED|UNABLE_TO|CERT/);
  });
});
