/**
 * SAFE-03: the spend guard routes a request the way lenient servers do, so no spelling of
 * `POST orders` gets a configured key through. SAFE-04: certificate checks cannot be switched off
 * from outside: NODE_TLS_REJECT_UNAUTHORIZED=0, even set while the run is going, stops both
 * clients before they connect, and the raw TLS client verifies all the same.
 */
import https from 'node:https';
import { expect, test } from '@playwright/test';
import { createMockMaterial } from '../../mock/accounts';
import { GuardError } from '../../helpers/client/client';
import { routeSegments, spendingRoute } from '../../helpers/client/spend-guard';
import { Egress } from '../../helpers/client/egress';
import { testClient } from '../support/client';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });
const BASE = 'https://api.example.test/v1/';
const at = (path: string): URL => new URL(path, BASE);

/** Spellings that Tomcat, Spring, Express or a double-decoding proxy route to `orders`. */
const SPENDING_SPELLINGS = [
  'orders', 'orders/', 'Orders', 'ORDERS', 'orders;x', 'orders;jsessionid=1/', 'orders.json', 'orders.', '%6Frders', '%6frders', '%256Frders',
  'orders%2F', 'orders%3Bx', './orders', 'x/../orders', 'x/%2e%2e/orders', 'x%2F..%2Forders', 'x/..;/orders', '../orders', '../v2/orders', 'orders//', 'orders%20', 'x\\..\\orders', 'orders/x/..',
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
  for (const name of ['X-HTTP-Method-Override', 'x-http-method', 'X-Method-Override']) expect(spendingRoute('GET', at('orders'), [[name, 'post']]), name).toBeDefined();
  expect(spendingRoute('GET', at('orders?_method=POST'))).toBeDefined();
});

test('SAFE-03 route segments: case, params, extension, escapes and dot segments as servers resolve them', req('SAFE-03'), () => {
  expect(routeSegments('/v1/X/%2E%2E/Orders;a=b.JSON')).toEqual(['v1', 'orders']);
  expect(routeSegments('/v1//orders/check/')).toEqual(['v1', 'orders', 'check']);
});

test('SAFE-03 the client refuses every spelling with a configured key, before sending', req('SAFE-03'), async () => {
  const api = testClient('https://127.0.0.1:1/v1/', [KEY]);
  for (const path of SPENDING_SPELLINGS) {
    await expect(api.send({ method: 'POST', path, headers: { 'X-API-Key': KEY }, json: {} }), path).rejects.toThrow(/SAFE-03/);
    await expect(api.sendRaw({ method: 'POST', path, headerLines: [['X-API-Key', KEY]], json: {} }), path).rejects.toThrow(GuardError);
  }
  await expect(api.send({ method: 'GET', path: 'orders', headers: { 'X-API-Key': KEY, 'X-HTTP-Method-Override': 'POST' } })).rejects.toThrow(GuardError);
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
