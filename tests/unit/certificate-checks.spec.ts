/**
 * SAFE-04: certificate checks cannot be switched off from outside. NODE_TLS_REJECT_UNAUTHORIZED=0,
 * even set while the run is going, stops both clients before they connect, and the raw TLS client
 * verifies all the same.
 */
import https from 'node:https';
import type net from 'node:net';
import { expect, test } from '../support/unit-test';
import { tlsMaterial } from '../../mock/accounts';
import { Egress } from '../../helpers/client/egress';
import { testClient } from '../support/client';
import { KEY } from './keyed-requests';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

test.describe('certificate checks', () => {
  let untrusted: https.Server;
  let connections = 0;
  let port = 0;
  test.beforeAll(async () => {
    // Fresh material: its certificate is in no trust store of this process.
    const tls = await tlsMaterial();
    untrusted = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (_q, s) => s.end('{}'));
    untrusted.on('connection', () => connections++);
    await new Promise<void>((r) => untrusted.listen(0, '127.0.0.1', r));
    port = (untrusted.address() as net.AddressInfo).port;
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
