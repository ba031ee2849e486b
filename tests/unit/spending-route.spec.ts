/**
 * SAFE-03: the lenient router (spendingRoute), which reads a request as Tomcat, Spring, Express or
 * a double-decoding proxy would, recognises every spelling of the spending POST orders; the
 * settings check of the challenge endpoint relies on it, and the client refuses each spelling with
 * a configured key before sending. The allowlist itself is spend-guard.spec.ts.
 */
import { expect, test } from '../support/unit-test';
import { GuardError } from '../../helpers/client/client';
import { routeSegments, spendingRoute } from '../../helpers/client/spend-guard';
import { testClient } from '../support/client';
import { KEY } from './keyed-requests';

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
