/**
 * The mock under hostile input. fast-check generates thousands of requests (random and oversized
 * headers, invalid UTF-8, bad bodies, every method on every path, garbage) that are written to
 * the mock's sockets as raw bytes; slow and abandoned connections come on top. Every answer the
 * mock gives must be an `application/json` envelope (Node's parser-level 400/431 included: the
 * mock answers those itself from `clientError`), and afterwards it still serves `GET balance`.
 *
 * Seeded: MOCK_HOSTILE_SEED=<n> reproduces a run; the seed is printed and attached to the report.
 * Tests run in order in one worker against one mock, so the last test sees what all the others did.
 */
import fc from 'fast-check';
import { schemaErrors } from '../../helpers/contract/schemas';
import type { MockMaterial } from '../../mock/accounts';
import { probe } from '../../mock/probe-client';
import type { MockHandle } from '../../mock/server';
import { expect, test } from '../support/mock-fixture';
import { bodyCases, headerCases, invalidUtf8Cases, methodPathCases, mixedCases, type CaseKeys, type Category, type HostileCase } from './hostile-cases';
import { RawConnection, printable, rawRequest, type Endpoint, type Outcome } from './raw-http';

test.describe.configure({ mode: 'serial' });

const DEFAULT_SEED = 20_240_607;
const SEED = seedFrom(process.env.MOCK_HOSTILE_SEED);
/** How long a case that may be dropped waits for an answer before it counts as dropped. */
const READ_TIMEOUT_MS = 3_000;
/** How long a case that must be answered may take: far above any machine's load, since only a hang should fail. */
const ANSWER_BUDGET_MS = 20_000;
/** Connections in flight at once. */
const LANES = 8;

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`MOCK_HOSTILE_SEED must be an integer, got "${value}".`);
  return seed;
}

type Transport = 'https' | 'http';

/** What was sent and what came back, for the report. */
class Tally {
  requests = 0;
  connections = 0;
  readonly byStatus: Record<string, number> = {};
  readonly byCategory: Record<string, { sent: number; answered: number; closedUnanswered: number }> = {};
  readonly failures: string[] = [];

  record(category: Category | 'slow' | 'abandoned', outcome: Outcome | undefined): void {
    this.requests += 1;
    const row = (this.byCategory[category] ??= { sent: 0, answered: 0, closedUnanswered: 0 });
    row.sent += 1;
    if (outcome?.kind === 'response') {
      row.answered += 1;
      const status = String(outcome.response.status);
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    } else if (outcome) {
      row.closedUnanswered += 1;
    }
  }

  fail(what: string): void {
    // The first few are enough to act on; the count says how widespread it is.
    if (this.failures.length < 20) this.failures.push(what);
    else if (this.failures.length === 20) this.failures.push('… more failures left out');
  }

  summary(): string {
    const statuses = Object.entries(this.byStatus)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    const categories = Object.entries(this.byCategory)
      .map(([name, r]) => `${name} ${r.sent}${r.closedUnanswered ? ` (${r.closedUnanswered} hung up)` : ''}`)
      .join(', ');
    return `seed ${SEED}: ${this.requests} requests on ${this.connections} connections (${categories}); answers by status ${statuses}`;
  }
}

const tally = new Tally();
let material: MockMaterial;
let mock: MockHandle;
let keys: CaseKeys;
let https: Endpoint;
let http: Endpoint;

test.beforeAll(({ mock: workerMock, mockMaterial }) => {
  material = mockMaterial;
  mock = workerMock;
  keys = { active: material.accounts.active.key, inactive: material.accounts.inactive.key, signing: material.accounts.signing.key };
  const api = new URL(mock.baseUrl);
  https = { host: api.hostname, port: Number(api.port), ca: material.tls.certPem };
  const plain = new URL(mock.httpUrl);
  http = { host: plain.hostname, port: Number(plain.port) };
  process.stdout.write(`mock-hostile: seed ${SEED} (MOCK_HOSTILE_SEED=${SEED} reproduces this run)\n`);
});

/** Samples `count` cases; each category has its own seed, so adding one does not reshuffle the others. */
function sample(arbitrary: fc.Arbitrary<HostileCase>, count: number, offset: number): HostileCase[] {
  return fc.sample(arbitrary, { seed: SEED + offset, numRuns: count });
}

/** Why an outcome breaks the rule, or undefined when it keeps it. */
function problemWith(outcome: Outcome, c: Pick<HostileCase, 'head' | 'mayDrop'>, transport: Transport): string | undefined {
  switch (outcome.kind) {
    case 'malformed':
      return `the answer is not HTTP/1.x (${outcome.why}): ${printable(outcome.partial)}`;
    case 'closed':
      return c.mayDrop ? undefined : `the connection closed without an answer${outcome.partial.length ? ` after ${printable(outcome.partial)}` : ''}`;
    case 'timeout':
      return c.mayDrop ? undefined : `no answer within ${ANSWER_BUDGET_MS} ms`;
    case 'response':
      break;
  }
  const { status, headers, body } = outcome.response;
  // The plain-HTTP origin's conformant answer: a bodiless redirect to HTTPS.
  if (transport === 'http' && status === 301) {
    return /^https:\/\/127\.0\.0\.1:\d+\//.test(headers.location ?? '') && body.length === 0
      ? undefined
      : `301 to ${headers.location ?? '(no Location)'} with ${body.length} body bytes`;
  }
  if (!/^application\/json(?:;|$)/.test(headers['content-type'] ?? ''))
    return `${status} with Content-Type ${headers['content-type'] ?? '(none)'}: ${printable(body)}`;
  if (transport === 'https' && !headers['strict-transport-security']) return `${status} without Strict-Transport-Security`;
  if (c.head) return body.length === 0 ? undefined : `${status} to HEAD with a body`;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return `${status} with a body that is not JSON: ${printable(body)}`;
  }
  const errors = schemaErrors('envelope', json);
  if (errors.length > 0) return `${status} with a body that is not an envelope (${errors.join('; ')})`;
  const success = (json as { success: boolean }).success;
  if (success !== (status >= 200 && status < 300)) return `${status} with success: ${String(success)}`;
  return undefined;
}

/** Sends the cases over LANES connections at once, reusing a connection wherever framing allows. */
async function send(cases: readonly HostileCase[], endpoint: Endpoint, transport: Transport): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    let shared: RawConnection | undefined;
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      let conn = c.alone ? undefined : shared;
      if (!conn?.isOpen) {
        conn = await RawConnection.open(endpoint);
        tally.connections += 1;
        if (!c.alone) shared = conn;
      }
      // Not awaited: a server may answer (413, 400) and hang up before a large body is written.
      void conn.write(c.bytes);
      if (c.halfClose) conn.end();
      const outcome = await conn.read(c.head, c.mayDrop ? READ_TIMEOUT_MS : ANSWER_BUDGET_MS);
      tally.record(c.category, outcome);
      const problem = problemWith(outcome, c, transport);
      if (problem) tally.fail(`[${c.category} #${i}] ${problem}; sent: ${printable(c.bytes)}`);
      if (c.alone || outcome.kind !== 'response' || outcome.response.close) {
        conn.destroy();
        if (conn === shared) shared = undefined;
      }
    }
    shared?.destroy();
  };
  await Promise.all(Array.from({ length: LANES }, lane));
}

function expectNoFailures(): void {
  expect(tally.failures, `${tally.summary()}\nReproduce with MOCK_HOSTILE_SEED=${SEED}.`).toEqual([]);
}

test('random and oversized headers get an envelope', async () => {
  await send(sample(headerCases(keys), 600, 1), https, 'https');
  expectNoFailures();
});

test('invalid UTF-8 in the key, signing headers, names, path, query and body gets an envelope', async () => {
  await send(sample(invalidUtf8Cases(keys), 300, 2), https, 'https');
  expectNoFailures();
});

test('truncated, huge, non-JSON and badly framed bodies get an envelope (or a hang-up, for a cut body)', async () => {
  await send(sample(bodyCases(keys), 300, 3), https, 'https');
  expectNoFailures();
});

test('every method on every path, with every kind of key, gets an envelope', async () => {
  await send(methodPathCases(keys), https, 'https');
  expectNoFailures();
});

test('garbage methods, targets, versions and CR/LF inside values get an envelope or a hang-up', async () => {
  await send(sample(mixedCases(keys), 300, 4), https, 'https');
  expectNoFailures();
});

test('the plain-HTTP origin answers hostile input with a bodiless redirect or an envelope', async () => {
  await send(
    [...sample(mixedCases(keys, 'plain-http'), 100, 5), ...sample(headerCases(keys), 100, 6).map((c) => ({ ...c, category: 'plain-http' as const }))],
    http,
    'http',
  );
  expectNoFailures();
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
  expectNoFailures();
});

test('afterwards the mock still serves GET balance', async ({}, testInfo) => {
  const reply = await probe(material, mock.baseUrl)({ path: 'balance', headers: { 'X-API-Key': keys.active } });
  expect(reply.status).toBe(200);
  expect(schemaErrors('balance', reply.json)).toEqual([]);
  process.stdout.write(`mock-hostile: ${tally.summary()}\n`);
  await testInfo.attach('hostile-input counts', {
    body: JSON.stringify(
      { seed: SEED, requests: tally.requests, connections: tally.connections, byStatus: tally.byStatus, byCategory: tally.byCategory },
      null,
      2,
    ),
    contentType: 'application/json',
  });
});
