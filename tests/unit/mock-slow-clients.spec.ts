/**
 * The mock under hostile connections: slow clients (slowloris, bounded) must not keep others from
 * being served, connections abandoned at every stage must leave it serving, and whatever it answers
 * keeps the rule of hostile-answers.ts. Hostile requests are mock-hostile.spec.ts.
 *
 * Tests run in order in one worker against one mock, so the last test sees what all the others did.
 */
import { schemaErrors } from '../../helpers/contract/schemas';
import type { MockMaterial } from '../../mock/accounts';
import { probe } from '../../mock/probe-client';
import type { MockHandle } from '../../mock/server';
import { expect, test, workerMock } from '../support/mock-fixture';
import { ANSWER_BUDGET_MS, READ_TIMEOUT_MS, Tally, problemWith } from './hostile-answers';
import type { CaseKeys } from './hostile-cases';
import { RawConnection, rawRequest, type Endpoint, type Outcome } from './raw-http';

test.describe.configure({ mode: 'serial' });

const tally = new Tally();
let material: MockMaterial;
let mock: MockHandle;
let keys: CaseKeys;
let https: Endpoint;

test.beforeAll(async () => {
  ({ material, mock } = await workerMock());
  keys = { active: material.accounts.active.key, inactive: material.accounts.inactive.key, signing: material.accounts.signing.key };
  const api = new URL(mock.baseUrl);
  https = { host: api.hostname, port: Number(api.port), ca: material.tls.certPem };
});

/** Writes `bytes` in `pieces` parts, `gapMs` apart. */
async function trickle(conn: RawConnection, bytes: Buffer, pieces: number, gapMs: number): Promise<void> {
  const size = Math.ceil(bytes.length / pieces);
  for (let at = 0; at < bytes.length; at += size) {
    await conn.write(bytes.subarray(at, at + size));
    await new Promise((r) => setTimeout(r, gapMs));
  }
}

test('slow clients (slowloris, bounded) do not keep others from being served, and are answered in the end', async () => {
  const balance = rawRequest('GET /v1/balance HTTP/1.1', ['Host: localhost', `X-API-Key: ${keys.active}`, 'Connection: close']);
  const stockBody = Buffer.from('{"item_id":"AMZ-US-25","quantity":1}');
  const stock = rawRequest(
    'POST /v1/orders/check HTTP/1.1',
    ['Host: localhost', `X-API-Key: ${keys.active}`, 'Content-Type: application/json', `Content-Length: ${stockBody.length}`, 'Connection: close'],
    stockBody,
  );
  const slowCount = 18;
  let started = 0;
  let everyOneStarted: () => void = () => undefined;
  const allStarted = new Promise<void>((resolve) => (everyOneStarted = resolve));
  let othersServed: () => void = () => undefined;
  const served = new Promise<void>((resolve) => (othersServed = resolve));
  const slow = async (bytes: Buffer, from: number): Promise<Outcome> => {
    const conn = await RawConnection.open(https);
    tally.connections += 1;
    await conn.write(bytes.subarray(0, from === 0 ? 1 : from));
    if (++started === slowCount) everyOneStarted();
    // The last byte waits for the ordinary requests, so they are served mid-slowloris however slow the machine.
    await trickle(conn, bytes.subarray(from === 0 ? 1 : from, -1), 40, 50);
    await served;
    await conn.write(bytes.subarray(-1));
    const outcome = await conn.read(false, ANSWER_BUDGET_MS);
    conn.destroy();
    tally.record('slow', outcome);
    return outcome;
  };
  // Heads a few bytes at a time, and bodies a few bytes at a time after a complete head: 2 s each.
  const slowOnes = [
    ...Array.from({ length: 12 }, () => slow(balance, 0)),
    ...Array.from({ length: slowCount - 12 }, () => slow(stock, stock.length - stockBody.length)),
  ];
  await allStarted;

  // Every slow client is mid-request now, and stays so until these are answered: a mock that waits for them hangs here.
  const call = probe(material, mock.baseUrl);
  try {
    for (let i = 0; i < 10; i++) {
      const reply = await call({ path: 'balance', headers: { 'X-API-Key': keys.active } });
      tally.record('slow', { kind: 'response', response: { status: reply.status, headers: {}, body: Buffer.alloc(0), close: false } });
      expect(reply.status).toBe(200);
    }
  } finally {
    othersServed();
  }
  for (const outcome of await Promise.all(slowOnes)) {
    expect(problemWith(outcome, { head: false, mayDrop: false }, 'https')).toBeUndefined();
    expect(outcome.kind === 'response' && outcome.response.status).toBe(200);
  }
});

test('abandoned connections at every stage leave the mock serving', async () => {
  const request = rawRequest(
    'POST /v1/orders/check HTTP/1.1',
    ['Host: localhost', `X-API-Key: ${keys.active}`, 'Content-Type: application/json', 'Content-Length: 40'],
    Buffer.from('{"item_id"'),
  );
  const complete = rawRequest('GET /v1/balance HTTP/1.1', ['Host: localhost', `X-API-Key: ${keys.active}`]);
  const tcp = (): Promise<RawConnection> => RawConnection.open({ host: https.host, port: https.port });
  const abandon = async (open: () => Promise<RawConnection>, bytes?: Buffer, then: 'destroy' | 'half-close' = 'destroy'): Promise<void> => {
    const conn = await open();
    tally.connections += 1;
    if (bytes) await conn.write(bytes);
    if (then === 'destroy') {
      conn.destroy();
      tally.record('abandoned', undefined);
      return;
    }
    conn.end();
    const outcome = await conn.read(false, READ_TIMEOUT_MS);
    conn.destroy();
    tally.record('abandoned', outcome);
    if (outcome.kind === 'response') {
      const problem = problemWith(outcome, { head: false, mayDrop: true }, 'https');
      if (problem) tally.fail(`[abandoned] ${problem}`);
    }
  };
  // Held open, idle, while all the rest happens.
  const idle = await Promise.all([...Array.from({ length: 30 }, () => RawConnection.open(https)), ...Array.from({ length: 20 }, tcp)]);
  tally.connections += idle.length;
  const tlsOpen = (): Promise<RawConnection> => RawConnection.open(https);
  const runs: Array<Promise<void>> = [];
  for (let i = 0; i < 25; i++) {
    runs.push(
      abandon(tcp),
      abandon(tcp, Buffer.from('GET /v1/balance HTTP/1.1\r\nHost: localhost\r\n\r\n')),
      abandon(tlsOpen),
      abandon(tlsOpen, Buffer.from('GET /v1/bal')),
      abandon(tlsOpen, request),
      abandon(tlsOpen, request, 'half-close'),
      abandon(tlsOpen, complete),
      abandon(tlsOpen, complete, 'half-close'),
    );
  }
  await Promise.all(runs);
  for (const conn of idle) conn.destroy();
  expect(tally.failures, tally.summary()).toEqual([]);
});

test('afterwards the mock still serves GET balance', async ({}, testInfo) => {
  const reply = await probe(material, mock.baseUrl)({ path: 'balance', headers: { 'X-API-Key': keys.active } });
  expect(reply.status).toBe(200);
  expect(schemaErrors('balance', reply.json)).toEqual([]);
  process.stdout.write(`mock-slow-clients: ${tally.summary()}\n`);
  await testInfo.attach('hostile-connection counts', {
    body: JSON.stringify(tally.counts(), null, 2),
    contentType: 'application/json',
  });
});
