/**
 * SAFE-07: the preflight tells an unreachable target (could not judge, in seconds) from one whose
 * certificate does not verify (TLS-01 fails) and from one that answers, with local servers only.
 */
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../support/unit-test';
import { Egress } from '../../helpers/client/egress';
import { preflight as preflightThrough, cannotReachLine } from '../../helpers/runner/preflight';
import { unitTls } from '../configs/unit-tls';

const SAFE07 = { annotation: [{ type: 'requirement', description: 'SAFE-07' }] };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The preflight through an egress to that base URL, trusting `ca` besides Node's roots. */
function preflight(baseUrl: string, options: { ca?: string; timeoutMs?: number } = {}): ReturnType<typeof preflightThrough> {
  const egress = new Egress({ baseUrl, configuredKeys: [], caPem: options.ca });
  return preflightThrough(egress, baseUrl, options.timeoutMs).finally(() => egress.dispose());
}

async function listening<T extends net.Server>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('SAFE-07 nothing listening: unreachable, connection refused, at once', SAFE07, async () => {
  const port = await closedPort();
  const started = Date.now();
  const result = await preflight(`https://127.0.0.1:${port}/v1/`);
  expect(result).toEqual({ outcome: 'unreachable', reason: 'connection refused' });
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(cannotReachLine(`https://127.0.0.1:${port}/v1/`, 'connection refused')).toBe(`Cannot reach https://127.0.0.1:${port}/v1: connection refused`);
});

test('SAFE-07 a port that accepts but never answers: unreachable at the deadline', SAFE07, async () => {
  const sockets: net.Socket[] = [];
  const { server, port } = await listening(net.createServer((s) => sockets.push(s)));
  try {
    const result = await preflight(`https://127.0.0.1:${port}/v1/`, { timeoutMs: 500 });
    expect(result).toEqual({ outcome: 'unreachable', reason: 'no complete answer within 0.5 s' });
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test('TLS-01 a certificate that does not verify is a verdict, not "unreachable"', SAFE07, async () => {
  const { certPem, keyPem } = unitTls();
  // The unit certificate names 127.0.0.1 and localhost: served on 127.0.0.2, its name does not match.
  const server = https.createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  const { port } = server.address() as AddressInfo;
  try {
    const wrongName = await preflight(`https://127.0.0.2:${port}/v1/`, { ca: certPem });
    expect(wrongName.outcome).toBe('certificate');
    expect(wrongName.outcome === 'certificate' && wrongName.reason).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  } finally {
    server.close();
  }
  const { server: good, port: goodPort } = await listening(https.createServer({ cert: certPem, key: keyPem }, (_req, res) => res.end('{}')));
  try {
    expect((await preflight(`https://127.0.0.1:${goodPort}/v1/`, { ca: certPem })).outcome).toBe('reachable');
  } finally {
    good.close();
  }
});
