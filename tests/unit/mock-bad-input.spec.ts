/**
 * Bad input never crashes the mock and always gets an envelope; the mock keeps serving after it.
 * Tests in this file run in order, so the last one sees the mock after everything before it.
 */
import tls from 'node:tls';
import { schemaErrors } from '../../helpers/contract/schemas';
import { type ProbeCall, type ProbeReply } from '../../mock/probe-client';
import { BODY_LIMIT_BYTES } from '../../mock/request';
import { parseResponse } from './raw-http';
import { expect, test, useWorkerMock } from '../support/mock-fixture';

test.describe.configure({ mode: 'serial' });

const worker = useWorkerMock();

const withKey = (c: ProbeCall): Promise<ProbeReply> => {
  const extra = Array.isArray(c.headers) ? c.headers : Object.entries(c.headers ?? {});
  return worker.call({ ...c, headers: [['X-API-Key', worker.material.accounts.active.key], ...extra] });
};

function expectError(reply: ProbeReply, status: number, message?: string): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(schemaErrors('error', reply.json)).toEqual([]);
  if (message) expect((reply.json as { message: string }).message).toBe(message);
}

/**
 * Writes raw bytes over TLS and returns what comes back once one whole answer has arrived or the
 * server closes; `budgetMs` only ends a server that does neither.
 */
function rawTls(bytes: string, budgetMs = 20_000): Promise<string> {
  const url = new URL(worker.mock.baseUrl);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: worker.material.tls.certPem, servername: 'localhost' }, () =>
      socket.write(bytes),
    );
    const timer = setTimeout(() => socket.destroy(), budgetMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (parseResponse(received, false, false).kind !== 'incomplete') socket.destroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received.toString('latin1'));
    });
    socket.on('error', reject);
  });
}

test('a path outside /v1 gets the 404 envelope without any key', async () => {
  for (const path of ['/', '/v2/balance', '/v1balance', '/favicon.ico']) expectError(await worker.call({ path }), 404, 'Not Found');
});

test('an unknown path under /v1 gets 404 with a valid key', async () => {
  for (const path of ['nope', 'balance/', 'orders/1001/codes', 'auth']) expectError(await withKey({ path }), 404);
});

test('a wrong method on a known path gets 405 with Allow', async () => {
  const cases: Array<[string, string, string]> = [
    ['DELETE', 'balance', 'GET, HEAD'],
    ['POST', 'catalog', 'GET, HEAD'],
    ['PUT', 'orders', 'GET, HEAD, POST'],
    ['GET', 'orders/check', 'POST'],
    ['GET', 'auth/challenge', 'POST'],
    ['PATCH', 'orders/1001', 'GET, HEAD'],
  ];
  for (const [method, path, allow] of cases) {
    const reply = await withKey({ method, path });
    expectError(reply, 405, 'Method Not Allowed');
    expect(reply.headers.allow).toBe(allow);
  }
});

test('HEAD is GET without a body', async () => {
  const reply = await withKey({ method: 'HEAD', path: 'balance' });
  expect(reply.status).toBe(200);
  expect(reply.text).toBe('');
});

test('malformed JSON, a non-JSON type and a missing body get 400', async () => {
  expectError(await withKey({ path: 'orders/check', body: '{"item_id": ', headers: { 'Content-Type': 'application/json' } }), 400, 'Malformed JSON body');
  expectError(
    await withKey({ path: 'orders/check', body: 'item_id=AMZ-US-25', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    400,
    'Content-Type must be application/json',
  );
  expectError(await withKey({ path: 'orders', body: '{"item_code":"AMZ-US-25"}' }), 400, 'Content-Type must be application/json');
  expectError(await withKey({ method: 'POST', path: 'orders/check', headers: { 'Content-Type': 'application/json' } }), 400, 'Malformed JSON body');
});

test('JSON that is not an object, or has wrong fields, gets 422', async () => {
  for (const body of ['[]', '"x"', '42', 'null', '{"__proto__":{"item_id":"AMZ-US-25"}}']) {
    expectError(await withKey({ path: 'orders/check', body, headers: { 'Content-Type': 'application/json; charset=utf-8' } }), 422);
  }
});

test('a body over 64 KiB gets 413, declared or streamed', async () => {
  const big = `{"item_id":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`;
  expectError(await withKey({ path: 'orders/check', body: big, headers: { 'Content-Type': 'application/json' } }), 413, 'Payload Too Large');
  const streamed = await rawTls(
    `POST /v1/orders/check HTTP/1.1\r\nHost: localhost\r\nX-API-Key: ${worker.material.accounts.active.key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
      `${(BODY_LIMIT_BYTES + 10).toString(16)}\r\n${'x'.repeat(BODY_LIMIT_BYTES + 10)}\r\n0\r\n\r\n`,
  );
  expect(streamed).toMatch(/^HTTP\/1\.1 413 /);
  expect(streamed).toContain('{"success":false,"message":"Payload Too Large","data":{}}');
});

test('a body just under the limit is read', async () => {
  const body = `{"item_id":"AMZ-US-25","pad":"${'x'.repeat(BODY_LIMIT_BYTES - 100)}"}`;
  expect((await withKey({ path: 'orders/check', body, headers: { 'Content-Type': 'application/json' } })).status).toBe(200);
});

test('an aborted upload leaves the mock serving', async () => {
  const url = new URL(worker.mock.baseUrl);
  await new Promise<void>((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca: worker.material.tls.certPem, servername: 'localhost' }, () => {
      socket.write(
        `POST /v1/orders/check HTTP/1.1\r\nHost: localhost\r\nX-API-Key: ${worker.material.accounts.active.key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"item_id"`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
    socket.on('error', reject);
  });
  expect((await withKey({ path: 'balance' })).status).toBe(200);
});

test('requests Node cannot parse get an envelope too', async () => {
  const garbage = await rawTls('THIS IS NOT HTTP\r\n\r\n');
  expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
  expect(garbage).toContain('{"success":false,"message":"Bad Request","data":{}}');
  const huge = await rawTls(`GET /v1/balance HTTP/1.1\r\nHost: localhost\r\nX-Junk: ${'a'.repeat(20_000)}\r\n\r\n`);
  expect(huge).toMatch(/^HTTP\/1\.1 431 /);
  const hostless = await rawTls('GET /v1/balance HTTP/1.1\r\nConnection: close\r\n\r\n');
  expect(hostless).toMatch(/^HTTP\/1\.1 400 /);
  expect(hostless).toContain('"message":"Missing Host header"');
});

test('after all of the above the mock still answers', async () => {
  const reply = await withKey({ path: 'balance' });
  expect(reply.status).toBe(200);
  expect(schemaErrors('balance', reply.json)).toEqual([]);
});
