/**
 * The conformant mock's transport: HTTPS with a certificate the CA file verifies, TLS 1.2 at least,
 * HSTS, and a plain-HTTP origin that never reaches the API in any of its modes.
 */
import https from 'node:https';
import { randomKey, type MockMaterial } from '../../mock/accounts';
import { send } from '../../mock/probe-client';
import { HTTP_MODES } from '../../mock/plain-http';
import { startMock, type MockHandle } from '../../mock/server';
import { expect, test, workerMock } from '../support/mock-fixture';

let material: MockMaterial;
const mocks = new Map<string, MockHandle>();

test.beforeAll(async () => {
  ({ material } = await workerMock());
  for (const mode of HTTP_MODES) mocks.set(mode, await startMock({ material, httpMode: mode }));
});
test.afterAll(async () => {
  await Promise.all([...mocks.values()].map((m) => m.close()));
});

const mockIn = (mode: string): MockHandle => mocks.get(mode)!;
const canary = (): Array<[string, string]> => [['X-API-Key', randomKey()]];

test('the certificate verifies against the CA file for 127.0.0.1 and localhost, and not without it', async () => {
  const base = new URL(mockIn('redirect').baseUrl);
  expect((await send(material, new URL('balance', base), {})).status).toBe(401);
  const byName = new URL(base.href.replace('127.0.0.1', 'localhost'));
  expect((await send(material, new URL('balance', byName), {})).status).toBe(401);
  const untrusted = new Promise((resolve, reject) => {
    https.get(new URL('balance', base), { agent: false }, resolve).on('error', reject);
  });
  await expect(untrusted).rejects.toThrow(/self-signed|self signed/);
});

test('TLS 1.1 is refused and TLS 1.2 accepted', async () => {
  const url = new URL('balance', mockIn('redirect').baseUrl);
  const old = send(material, url, { tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } });
  await expect(old).rejects.toThrow();
  expect((await send(material, url, { tls: { maxVersion: 'TLSv1.2' } })).status).toBe(401);
});

test("idle keep-alive connections stay open 75 s (nginx's default, not Node's 5 s), on HTTPS and plain HTTP", async () => {
  const mock = mockIn('redirect');
  for (const url of [new URL('balance', mock.baseUrl), new URL('balance', mock.httpUrl)]) {
    const reply = await send(material, url, { headers: { Connection: 'keep-alive' } });
    expect(reply.headers['keep-alive'], url.protocol).toBe('timeout=75');
  }
});

test('HTTPS answers carry HSTS for a year, on success and refusal alike', async () => {
  const base = mockIn('redirect').baseUrl;
  const variants: Array<Record<string, string>> = [{ 'X-API-Key': material.accounts.active.key }, {}];
  for (const headers of variants) {
    const reply = await send(material, new URL('balance', base), { headers });
    expect(reply.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  }
});

test('redirect mode: 301 to the same path and query on HTTPS, with an empty body', async () => {
  const mock = mockIn('redirect');
  const reply = await send(material, new URL('balance?page=2', mock.httpUrl), { headers: canary() });
  expect(reply.status).toBe(301);
  expect(reply.headers.location).toBe(new URL('balance?page=2', mock.baseUrl).href);
  expect(reply.text).toBe('');
  expect(reply.headers['content-type']).toBeUndefined();
  expect(reply.headers['strict-transport-security']).toBeUndefined();
});

test('403 mode: the "HTTPS required" envelope, whatever the key', async () => {
  const mock = mockIn('403');
  for (const headers of [canary(), [['X-API-Key', material.accounts.active.key]] as Array<[string, string]>]) {
    const reply = await send(material, new URL('balance', mock.httpUrl), { headers });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ success: false, message: 'HTTPS required', data: {} });
  }
});

test('426 mode: Upgrade Required naming TLS', async () => {
  const reply = await send(material, new URL('balance', mockIn('426').httpUrl), { headers: canary() });
  expect(reply.status).toBe(426);
  expect(reply.headers.upgrade).toBe('TLS/1.2, HTTP/1.1');
  expect(reply.json).toEqual({ success: false, message: 'HTTPS required', data: {} });
});

test('refuse mode: the connection is dropped before any answer', async () => {
  await expect(send(material, new URL('balance', mockIn('refuse').httpUrl), { headers: canary() })).rejects.toThrow(/ECONNRESET|socket hang up|EPIPE/);
});

test('the plain-HTTP origin never runs the key check: a valid and an invalid key get the same answer', async () => {
  for (const mode of ['redirect', '403', '426']) {
    const mock = mockIn(mode);
    const valid = await send(material, new URL('balance', mock.httpUrl), { headers: { 'X-API-Key': material.accounts.active.key } });
    const invalid = await send(material, new URL('balance', mock.httpUrl), { headers: canary() });
    expect({ status: valid.status, text: valid.text }).toEqual({ status: invalid.status, text: invalid.text });
    expect(valid.status).not.toBe(401);
  }
});
