/**
 * The conformant mock's endpoints answer in the shapes of schemas/, the same files the suite
 * checks a real target with, so the mock cannot drift from the contract.
 */
import { ENDPOINTS, ROOT_ENDPOINT } from '../../helpers/contract/endpoints';
import { schemaErrors, type SchemaName } from '../../helpers/contract/schemas';
import { ORDERS } from '../../mock/data';
import { CONFORMANT_ENVELOPE } from '../../mock/envelope';
import { type ProbeCall, type ProbeReply } from '../../mock/probe-client';
import { resolve } from '../../mock/routes';
import { expect, test, useWorkerMock } from '../support/mock-fixture';

const worker = useWorkerMock();

const withKey = (c: ProbeCall): Promise<ProbeReply> =>
  worker.call({ ...c, headers: { 'X-API-Key': worker.material.accounts.active.key, ...(c.headers as Record<string, string> | undefined) } });

function expectShape(reply: ProbeReply, schema: SchemaName, status: number): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(schemaErrors(schema, reply.json)).toEqual([]);
}

/** Where the mock serves the challenge: the settings' default (CARDPLUSPAY_CHALLENGE_METHOD and _PATH). */
const MOCK_CHALLENGE = { method: 'POST', path: 'auth/challenge' };

// The mock's routes and the suite's endpoint table name an endpoint by the same id, so a fault that
// bends 'stock-check' bends what the suite calls 'stock-check'.
for (const e of [ROOT_ENDPOINT, ...ENDPOINTS]) {
  test(`the mock routes ${e.title} under the contract's id "${e.id}"`, () => {
    const { method, path } = e.route(MOCK_CHALLENGE);
    expect(resolve(method, `/v1/${path.replace('{id}', '1')}`)).toEqual({ kind: 'endpoint', endpoint: e.id, param: path.includes('{id}') ? '1' : undefined });
  });
}

test('GET /v1/ is public and gives the API info', async () => {
  const reply = await worker.call({ path: '' });
  expectShape(reply, 'success', 200);
  expect(reply.json).toMatchObject({ data: { version: 'v1', deprecations: [] } });
});

test('GET balance matches the balance schema and carries HSTS', async () => {
  const reply = await withKey({ path: 'balance' });
  expectShape(reply, 'balance', 200);
  expect(reply.json).toEqual({ success: true, message: 'Balance retrieved successfully', data: { balance: '100.50', currency: 'USD', state: 'success' } });
  expect(reply.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
});

test("the conformant envelope reuses frozen data's body only, and a Reply of its own each time", () => {
  const frozen = Object.freeze({ n: 1 });
  const first = CONFORMANT_ENVELOPE.ok('m', frozen);
  const again = CONFORMANT_ENVELOPE.ok('m', frozen);
  expect(again).not.toBe(first);
  expect(again.headers).not.toBe(first.headers);
  expect(again.body).toBe('{"success":true,"message":"m","data":{"n":1}}');
  expect(CONFORMANT_ENVELOPE.ok('other', frozen).body).toBe('{"success":true,"message":"other","data":{"n":1}}');
  const open: { n: number } = { n: 1 };
  expect(CONFORMANT_ENVELOPE.ok('m', open).body).toBe(first.body);
  open.n = 2;
  expect(CONFORMANT_ENVELOPE.ok('m', open).body).toBe('{"success":true,"message":"m","data":{"n":2}}');
});

test('GET catalog matches the mock-catalog schema', async () => {
  const reply = await withKey({ path: 'catalog' });
  expectShape(reply, 'mock-catalog', 200);
  const data = (reply.json as { data: { products: unknown[]; pagination: unknown } }).data;
  expect(data.products).toHaveLength(6);
  expect(data.pagination).toEqual({ total: 6, per_page: 10, current_page: 1, last_page: 1 });
});

const CATALOG_FILTERS: ReadonlyArray<[query: string, codes: string[]]> = [
  ['brand=amazon', ['AMZ-US-25', 'AMZ-US-100']],
  ['item_id=STEAM-EU-20', ['STEAM-EU-20']],
  ['q=netflix', ['NETFLIX-GB-15']],
  ['region=Europe&sort_by=value&order=desc', ['STEAM-EU-20', 'NETFLIX-GB-15']],
  ['currency=usd&delivery_type=BOTH', ['APPLE-US-50']],
  ['country_code=de', ['STEAM-EU-20']],
  ['value_min=50&value_max=100&sort_by=value', ['APPLE-US-50', 'AMZ-US-100', 'VISA-CA-100']],
  ['per_page=2&page=2', ['STEAM-EU-20', 'APPLE-US-50']],
  ['page=9', []],
];

for (const [query, codes] of CATALOG_FILTERS) {
  test(`GET catalog?${query} filters as documented`, async () => {
    const reply = await withKey({ path: `catalog?${query}` });
    expectShape(reply, 'mock-catalog', 200);
    expect((reply.json as { data: { products: Array<{ item_code: string }> } }).data.products.map((p) => p.item_code)).toEqual(codes);
  });
}

const BAD_CATALOG_FILTERS = [
  'per_page=0',
  'per_page=101',
  'per_page=ten',
  'page=0',
  'page=-1',
  'sort_by=price',
  'order=up',
  'delivery_type=EMAIL',
  'value_min=-1',
  'value_max=abc',
  'value_min=10&value_max=5',
  'currency=US',
  'country_code=USA',
  `q=${'x'.repeat(256)}`,
  'brand=',
];

for (const query of BAD_CATALOG_FILTERS) {
  test(`GET catalog?${query.slice(0, 30)} gets 422`, async () => {
    const reply = await withKey({ path: `catalog?${query}` });
    expectShape(reply, 'error', 422);
    expect(Object.keys((reply.json as { data: { errors: object } }).data.errors).length).toBeGreaterThan(0);
  });
}

type OrdersData = { orders: Array<{ order_id: number; status: string; amount: number }>; pagination: { total: number; last_page: number }; state: string };

test("GET orders lists the account's orders with masked codes, page by page at the default per_page", async () => {
  const first = await withKey({ path: 'orders' });
  expectShape(first, 'orders-list', 200);
  const data = (first.json as { data: OrdersData }).data;
  expect(data.state).toBe('success');
  // AUTH-15 walks every page: the active account holds more than one at the default per_page of 10.
  expect(data.pagination).toMatchObject({ total: ORDERS.active.length, per_page: 10, current_page: 1, last_page: 2 });
  const second = await withKey({ path: 'orders?page=2' });
  expectShape(second, 'orders-list', 200);
  const listed = [...data.orders, ...(second.json as { data: OrdersData }).data.orders].map((o) => o.order_id);
  expect(listed.sort()).toEqual(ORDERS.active.map((o) => o.order_id).sort());
  for (const order of ORDERS.active) for (const code of order.codes) expect(`${first.text}${second.text}`).not.toContain(code);
});

test('GET orders filters and sorts, and refuses bad filters with 422', async () => {
  const completed = await withKey({ path: 'orders?status=completed&per_page=100' });
  expect((completed.json as { data: OrdersData }).data.orders.map((o) => o.status)).toEqual(
    ORDERS.active.filter((o) => o.status === 'completed').map((o) => o.status),
  );
  const byAmount = await withKey({ path: 'orders?sort_by=amount&order=asc&per_page=1' });
  expectShape(byAmount, 'orders-list', 200);
  expect((byAmount.json as { data: OrdersData }).data).toMatchObject({
    orders: [{ amount: Math.min(...ORDERS.active.map((o) => o.amount)) }],
    pagination: { last_page: ORDERS.active.length },
  });
  for (const query of ['per_page=0', 'per_page=101', 'page=x', 'status=lost', 'sort_by=price', 'order=sideways']) {
    expectShape(await withKey({ path: `orders?${query}` }), 'error', 422);
  }
});

test("GET orders/{id} gives the account's own order with codes", async () => {
  const own = ORDERS.active[0]!;
  const reply = await withKey({ path: `orders/${own.order_id}` });
  expectShape(reply, 'order', 200);
  expect(reply.json).toMatchObject({ data: { order_id: own.order_id, order_no: own.order_no, codes: own.codes, amount: own.amount, state: 'success' } });
});

test("GET orders/{id} of another account's order, an unknown or a non-numeric id gets 404", async () => {
  for (const id of [String(ORDERS.signing[0]!.order_id), '999999999', 'abc', '1001.0']) {
    expectShape(await withKey({ path: `orders/${id}` }), 'error', 404);
  }
});

test('POST orders/check answers the stock check', async () => {
  const one = await withKey({ path: 'orders/check', json: { item_id: 'AMZ-US-25' } });
  expectShape(one, 'stock-check', 200);
  expect(one.json).toEqual({
    success: true,
    message: 'Gift card in Stock',
    data: { price: 25.5, state: 'in_stock', status: true, message: 'Available', requested: 1 },
  });
  const five = await withKey({ path: 'orders/check', json: { item_id: 'AMZ-US-25', quantity: 5 } });
  expect(five.json).toMatchObject({ data: { requested: 5 } });
});

test('POST orders/check: unknown item 404, bad fields 422', async () => {
  expectShape(await withKey({ path: 'orders/check', json: { item_id: 'NOPE' } }), 'error', 404);
  for (const body of [
    {},
    { item_id: 42 },
    { item_id: '' },
    { item_id: 'AMZ-US-25', quantity: 0 },
    { item_id: 'AMZ-US-25', quantity: 101 },
    { item_id: 'AMZ-US-25', quantity: 1.5 },
    { item_id: 'AMZ-US-25', quantity: '2' },
  ]) {
    expectShape(await withKey({ path: 'orders/check', json: body }), 'error', 422);
  }
});

test('POST orders validates, then never sells', async () => {
  for (const body of [{ item_code: 'AMZ-US-25' }, { item_id: 'AMZ-US-25', quantity: 2 }, { item_code: 'NOPE', quantity: 1, email: 'a@example.com' }]) {
    const reply = await withKey({ path: 'orders', json: body });
    expectShape(reply, 'error', 400);
    expect(reply.json).toMatchObject({ message: 'Insufficient balance' });
  }
  for (const body of [{}, { quantity: 1 }, { item_code: 7 }, { item_code: 'AMZ-US-25', quantity: 0 }, { item_code: 'AMZ-US-25', email: 5 }]) {
    expectShape(await withKey({ path: 'orders', json: body }), 'error', 422);
  }
});

test('POST auth/challenge for an account without signing gets 400', async () => {
  const reply = await withKey({ method: 'POST', path: 'auth/challenge' });
  expectShape(reply, 'error', 400);
  expect(reply.json).toMatchObject({ message: 'Request signing is not enabled for this account' });
});

const PROTECTED: ReadonlyArray<Pick<ProbeCall, 'method' | 'path' | 'json'>> = [
  { path: 'balance' },
  { path: 'catalog' },
  { path: 'orders' },
  { path: 'orders/1001' },
  { path: 'orders/check', json: { item_id: 'AMZ-US-25' } },
  { path: 'orders', json: { item_code: 'AMZ-US-25' } },
  { method: 'POST', path: 'auth/challenge' },
  { method: 'POST', path: '' },
  { path: 'no-such-endpoint' },
  { method: 'DELETE', path: 'balance' },
];

for (const c of PROTECTED) {
  test(`${c.method ?? (c.json ? 'POST' : 'GET')} /v1/${c.path} without a key gets the 401 Unauthorized envelope`, async () => {
    const reply = await worker.call(c);
    expectShape(reply, 'unauthorized', 401);
    expect(reply.json).toEqual({ success: false, message: 'Unauthorized', data: {} });
  });
}
