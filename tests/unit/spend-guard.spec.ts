/**
 * SAFE-03: a request carrying a configured key goes out only when it is on the allowlist: a
 * documented non-spending endpoint under the base path, byte for byte, with known query parameters
 * and header fields (issue 17, item 3: `orders%3F/orders/check` and friends walked past the old
 * denylist). Here the allowlist as a function of the request on the wire (keyedRequestRefusal);
 * through both clients it is spend-guard-clients.spec.ts, the lenient router spending-route.spec.ts.
 */
import { expect, test } from '../support/unit-test';
import { keyedRequestRefusal, keyedRoutes } from '../../helpers/client/spend-guard';
import { ENDPOINTS, orderCall, stockCheckCall } from '../../helpers/contract/endpoints';
import { HEADER_NAME_CASES } from '../../helpers/cases/keys';
import { isCredentialPlaceName } from '../../helpers/cases/place-names';
import { ALLOW, BODY_FIELDS, CHALLENGE, FIELDS, KEY, OFF_THE_LIST, PLACES, placedOnTheWire, query, wire } from './keyed-requests';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

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
    ...PLACES.map((p): [string, ReturnType<typeof wire>] => [`the key ${p.title} (AUTH-09, ${p.id})`, placedOnTheWire(p)]),
  ];
  for (const [what, request] of allowed) expect(keyedRequestRefusal(request, ALLOW), what).toBeUndefined();
  // A key outside the unreserved characters goes in the query form-encoded; that exact value is allowed.
  const plusKey = 'cpp+test/Q2xJ8sZr4LkP0vNw7YhT3mBd=';
  expect(keyedRequestRefusal(wire('GET', `/v1/balance${query({ api_key: plusKey })}`), { ...ALLOW, keys: [plusKey] })).toBeUndefined();
});

test("SAFE-03 AUTH-09's places are allowed by the names its grammar makes, and only those", req('SAFE-03'), () => {
  const named = (names: readonly string[]) => names.filter((n) => isCredentialPlaceName(n));
  // The names AUTH-09 names itself, and the gateways' defaults: all made by the grammar.
  const listed = ['api_key', 'apiKey', 'X-API-Key', 'key', 'token', 'X-API-Keys', 'X_API_Key', 'X-APIKey', 'API-Key', 'apikey', 'access_token', 'X-Auth-Token'];
  expect(named(listed)).toEqual(listed);
  // Method overrides, rewrites, trust headers, framing and near spellings of a name: none is made.
  const never = [
    'X-HTTP-Method-Override',
    'X-HTTP-Method',
    'X-Method-Override',
    'x-http-method-override',
    'X-Forwarded-Method',
    '_method',
    '_Method',
    'X-Original-URL',
    'X-Rewrite-URL',
    'X-Forwarded-For',
    'X-Forwarded-Host',
    'X-Real-IP',
    'Forwarded',
    'Transfer-Encoding',
    'Host',
    'Content-Type',
    'X-API-Key ',
    'X-API-Keyz',
    'X--API-Key',
    'api key',
    '',
  ];
  expect(named(never)).toEqual([]);
  // A header field the grammar makes, in a spelling it does not, is refused on a keyed request.
  expect(keyedRequestRefusal(wire('GET', '/v1/balance', [...FIELDS, ['x-Api-kEYS', KEY]]), ALLOW)).toMatch(/carries a header field/);
  expect(keyedRequestRefusal(wire('GET', `/v1/balance${query({ Api_kEY: KEY })}`), ALLOW)).toMatch(/query parameter/);
});

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
