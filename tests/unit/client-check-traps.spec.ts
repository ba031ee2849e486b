/**
 * The impostor's bookkeeping (issue 21, CLIENT-05): a verdict waits for the connections to the
 * impostor that are still ending, so that a refusal is never missed; never for one that already
 * carried a request (a client may keep it alive as long as it likes); and for one that idles, only
 * up to a bound. Each test gives its traps the bound it needs: a wait that must end by a condition
 * gets one far above the test timeout, so that waiting for the bound instead would fail the test.
 */
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { MockMaterial } from '../../mock/accounts';
import { impostorTls, startTraps, type Traps, type TrapSink } from '../../mock/client-check/traps';
import type { Refusal } from '../../mock/client-check/trap-rules';
import { expect, test } from '../support/mock-fixture';

/** Longer than the unit tests' timeout: reaching it fails the test. */
const NEVER = 10 * 60 * 1000;

interface Watched {
  traps: Traps;
  port: number;
  requests: number;
  connections: number;
  refusals: Refusal[];
}

let impostor: MockMaterial['tls'];
const started: Traps[] = [];

test.beforeAll(async () => {
  impostor = await impostorTls();
});

test.afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
});

async function watched(material: MockMaterial, settleWaitMs: number): Promise<Watched> {
  const w = { requests: 0, connections: 0, refusals: [] as Refusal[] } as Watched;
  const sink: TrapSink = {
    observe: () => void (w.requests += 1),
    connected: () => void (w.connections += 1),
    refused: (how) => void w.refusals.push(how),
  };
  w.traps = await startTraps(material, sink, { impostor, redirectTrap: false, settleWaitMs });
  started.push(w.traps);
  w.port = Number(new URL(w.traps.impostorUrl!).port);
  return w;
}

/** The impostor's certificate accepted, as a client with certificate checks off does. */
function handshake(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => resolve(socket));
    socket.once('error', reject);
  });
}

test('a connection that carried a request does not hold the verdict while the client keeps it alive', async ({ mockMaterial }) => {
  const w = await watched(mockMaterial, NEVER);
  const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  try {
    const { status, socket } = await new Promise<{ status: number; socket: net.Socket }>((resolve, reject) => {
      const req = https.get(`${w.traps.impostorUrl}balance`, { agent }, (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket! }));
      });
      req.once('error', reject);
    });
    expect(status).toBe(421);
    await w.traps.settled();
    expect(socket.destroyed).toBe(false);
    expect([w.requests, w.refusals]).toEqual([1, []]);
  } finally {
    agent.destroy();
  }
});

test('a client that refuses the certificate is counted once its connection has closed', async ({ mockMaterial }) => {
  const w = await watched(mockMaterial, NEVER);
  const refused = await new Promise<Error>((resolve) => {
    tls.connect({ host: '127.0.0.1', port: w.port, servername: 'localhost' }, () => resolve(new Error('the handshake succeeded'))).once('error', resolve);
  });
  expect(refused.message).toMatch(/self[- ]signed|unable to verify/i);
  await w.traps.settled();
  expect(w.refusals).toHaveLength(1);
  expect([w.requests, w.connections]).toEqual([0, 1]);
});

test('a connection that idles after the handshake is given up on after the bound, and judged once it closes', async ({ mockMaterial }) => {
  const w = await watched(mockMaterial, 200);
  const socket = await handshake(w.port);
  try {
    await w.traps.settled();
    expect(socket.destroyed).toBe(false);
    expect(w.refusals).toEqual([]);
  } finally {
    socket.destroy();
  }
  await expect.poll(() => w.refusals).toEqual(['after the handshake, before any request']);
});

test('a connection that never began a handshake (a port probe) is no client: nothing is counted', async ({ mockMaterial }) => {
  const w = await watched(mockMaterial, NEVER);
  await new Promise<void>((resolve, reject) => {
    const probe = net.connect(w.port, '127.0.0.1', () => {
      probe.destroy();
      resolve();
    });
    probe.once('error', reject);
  });
  await w.traps.settled();
  expect([w.requests, w.connections, w.refusals]).toEqual([0, 0, []]);
});
