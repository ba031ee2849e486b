/**
 * The mock under hostile requests. fast-check generates thousands of requests (random and
 * oversized headers, invalid UTF-8, bad bodies, every method on every path, garbage) that are
 * written to the mock's sockets as raw bytes. Every answer must keep the rule of hostile-answers.ts,
 * and afterwards the mock still serves `GET balance`. Slow and abandoned connections are
 * mock-slow-clients.spec.ts.
 *
 * Seeded: MOCK_HOSTILE_SEED=<n> reproduces a run; the seed is printed and attached to the report.
 * Tests run in order in one worker against one mock, so the last test sees what all the others did.
 */
import fc from 'fast-check';
import { schemaErrors } from '../../helpers/contract/schemas';
import type { MockMaterial } from '../../mock/accounts';
import { probe } from '../../mock/probe-client';
import type { MockHandle } from '../../mock/server';
import { expect, test, workerMock } from '../support/mock-fixture';
import { ANSWER_BUDGET_MS, READ_TIMEOUT_MS, Tally, problemWith, type Transport } from './hostile-answers';
import { bodyCases } from './hostile-bodies';
import { headerCases, methodPathCases, mixedCases, type CaseKeys, type HostileCase } from './hostile-cases';
import { invalidUtf8Cases } from './hostile-utf8';
import { RawConnection, printable, type Endpoint } from './raw-http';

test.describe.configure({ mode: 'serial' });

const DEFAULT_SEED = 20_240_607;
const SEED = seedFrom(process.env.MOCK_HOSTILE_SEED);
/** Connections in flight at once. */
const LANES = 8;

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new Error(`MOCK_HOSTILE_SEED must be an integer, got "${value}".`);
  return seed;
}

const tally = new Tally(SEED);
let material: MockMaterial;
let mock: MockHandle;
let keys: CaseKeys;
let https: Endpoint;
let http: Endpoint;

test.beforeAll(async () => {
  ({ material, mock } = await workerMock());
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

test('afterwards the mock still serves GET balance', async ({}, testInfo) => {
  const reply = await probe(material, mock.baseUrl)({ path: 'balance', headers: { 'X-API-Key': keys.active } });
  expect(reply.status).toBe(200);
  expect(schemaErrors('balance', reply.json)).toEqual([]);
  process.stdout.write(`mock-hostile: ${tally.summary()}\n`);
  await testInfo.attach('hostile-input counts', {
    body: JSON.stringify(tally.counts(), null, 2),
    contentType: 'application/json',
  });
});
