/**
 * SAFE-05 and SAFE-07: 429 handling and the run's request cap, tested with nock so no real network
 * is used and with a fake sleep so nothing waits. Retry-After in seconds and as an HTTP-date is
 * obeyed (bounded); `0`, a past date or none backs off from 1 s with jitter, never an immediate
 * retry; a target that never relents ends the check as not judged, not as a contract violation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import nock from 'nock';
import { nockInThisFile } from '../support/nock-in-this-file';
import type { Flow } from '../../helpers/client/flow/flow';
import type { AcquireOptions } from '../../helpers/client/flow/pacer';
import { NotJudgedError } from '../../helpers/client/not-judged';
import { retryDelay, type RetryDelay } from '../../helpers/client/politeness';
import { RequestLedger, type RequestCap } from '../../helpers/client/request-ledger';
import { testClient } from '../support/client';

const BASE = 'https://api.example.test/v1/';
const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };
const SAFE07 = { annotation: [{ type: 'requirement', description: 'SAFE-07' }] };

nockInThisFile();

interface Seen {
  waits: number[];
  why: Array<RetryDelay['why']>;
  requests: number;
}

function clientWith(budgetMs: number, requestCap?: RequestCap, flow?: Flow) {
  const seen: Seen = { waits: [], why: [], requests: 0 };
  // A fake clock that only the fake sleep advances: the budget is wall time.
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const api = testClient(BASE, [], {
    rateLimitBudgetMs: budgetMs,
    requestCap,
    onRequest: () => seen.requests++,
    random: () => 0.5,
    onNotJudged: (reason: string): never => {
      throw new NotJudgedError(reason);
    },
    onWait: (_ms: number, why: RetryDelay['why']) => seen.why.push(why),
    now: () => clock,
    sleep: async (ms: number) => {
      seen.waits.push(ms);
      clock += ms;
    },
    ...(flow ? { flow } : {}),
  });
  return { api, seen, now: () => clock };
}

const ok = { success: true, message: 'ok', data: {} };
const target = (): nock.Scope => nock('https://api.example.test');

test('SAFE-05 Retry-After in seconds is waited out, then the call succeeds', SAFE05, async () => {
  target().get('/v1/balance').reply(429, { success: false, message: 'Too Many Requests', data: {} }, { 'Retry-After': '2' });
  target().get('/v1/balance').reply(200, ok);
  const { api, seen } = clientWith(20_000);
  expect((await api.send({ path: 'balance' })).status).toBe(200);
  expect(seen.waits).toEqual([2000]);
  expect(seen.why, 'the wait is shown as progress, with its cause').toEqual(['Retry-After']);
  expect(seen.requests, 'each attempt is counted').toBe(2);
});

test('SAFE-05 Retry-After as an HTTP-date is honoured', SAFE05, async () => {
  const when = new Date(Date.parse('2026-01-01T00:00:05Z')).toUTCString();
  target().get('/v1/balance').reply(429, {}, { 'Retry-After': when });
  target().get('/v1/balance').reply(200, ok);
  const { api, seen } = clientWith(20_000);
  expect((await api.send({ path: 'balance' })).status).toBe(200);
  expect(seen.waits).toEqual([5000]);
});

test('SAFE-05 Retry-After 0, a past date, garbage or none back off from 1 s, never retry at once', SAFE05, () => {
  const past = new Date(Date.now() - 60_000).toUTCString();
  for (const value of ['0', past, 'soon', '', undefined]) {
    expect(
      retryDelay(value, 0, () => 0),
      `Retry-After ${JSON.stringify(value)}`,
    ).toEqual({ ms: 1000, why: 'backoff' });
  }
  expect([0, 1, 2, 3].map((i) => retryDelay('0', i, () => 0).ms)).toEqual([1000, 2000, 4000, 8000]);
  expect(
    [0, 1, 2, 3].map((i) => retryDelay(undefined, i, () => 1).ms),
    'jitter adds up to half again',
  ).toEqual([1500, 3000, 6000, 12000]);
  expect(retryDelay(undefined, 20, () => 1).ms, 'bounded').toBe(30_000);
  expect(retryDelay('86400', 0), 'a day is bounded too').toEqual({ ms: 60_000, why: 'Retry-After' });
});

test('SAFE-05 a target answering 429 with Retry-After: 0 gets a bounded number of requests', SAFE05, async () => {
  target().get('/v1/balance').times(100).reply(429, {}, { 'Retry-After': '0' });
  const { api, seen } = clientWith(20_000);
  const error = await api.send({ path: 'balance' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotJudgedError);
  // Backoffs of 1.25, 2.5, 5 and 10 s fit a 20 s budget; the next (20 s) would not.
  expect(seen.waits).toEqual([1250, 2500, 5000, 10000]);
  expect(seen.requests).toBe(5);
});

test('SAFE-07 a target that keeps answering 429 leaves the check not judged, not violated', SAFE07, async () => {
  target().get('/v1/balance').times(10).reply(429, {}, { 'Retry-After': '3' });
  const { api, seen } = clientWith(7_000);
  const error = await api.send({ path: 'balance' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NotJudgedError);
  expect((error as Error).message).toMatch(/^not judged: target rate-limited: GET \/v1\/balance still got 429 after 3 attempt\(s\).*budget of 7 s/);
  expect(
    seen.waits.reduce((a, b) => a + b, 0),
    'never waits past the budget',
  ).toBeLessThanOrEqual(7_000);
});

test('SAFE-05 the budget is per check: waits of earlier calls count', SAFE05, async () => {
  target().get('/v1/balance').reply(429, {}, { 'Retry-After': '4' });
  target().get('/v1/balance').reply(200, ok);
  target().get('/v1/catalog').reply(429, {}, { 'Retry-After': '4' });
  const { api } = clientWith(6_000);
  expect((await api.send({ path: 'balance' })).status).toBe(200);
  await expect(api.send({ path: 'catalog' })).rejects.toThrow(/not judged: target rate-limited: GET \/v1\/catalog/);
});

test('SAFE-05 the request cap holds across clients sharing one ledger; past it checks are not judged', SAFE05, async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'requests');
  const ledgers = [new RequestLedger(file, 3), new RequestLedger(file, 3)];
  target().get('/v1/balance').times(3).reply(200, ok);
  const clients = ledgers.map((l) => clientWith(20_000, l));
  const outcomes = await Promise.all(
    [0, 1, 0, 1, 0].map((i) =>
      clients[i]!.api.send({ path: 'balance' }).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    ),
  );
  expect(outcomes.filter((o) => o === 200)).toHaveLength(3);
  expect(outcomes.filter((o) => /^not judged: request cap reached: the run already sent 3 requests \(CARDPLUSPAY_MAX_REQUESTS\)/.test(String(o)))).toHaveLength(
    2,
  );
  expect(clients[0]!.seen.requests + clients[1]!.seen.requests, 'refused requests are not sent').toBe(3);
  for (const l of ledgers) l.close();
});

test('SAFE-07 a refused connection leaves the check not judged; a bad certificate does not', SAFE07, async () => {
  target()
    .get('/v1/balance')
    .replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }));
  const { api } = clientWith(20_000);
  await expect(api.send({ path: 'balance' })).rejects.toThrow(/^not judged: connection refused \(GET \/v1\/balance\)$/);
  target()
    .get('/v1/catalog')
    .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND api.example.test'), { code: 'ENOTFOUND' }));
  await expect(api.send({ path: 'catalog' })).rejects.toThrow(/^not judged: DNS lookup failed/);
  target()
    .get('/v1/orders')
    .replyWithError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
  await expect(api.send({ path: 'orders' }), 'TLS-01 judges it: a failure, not "not judged"').rejects.toThrow(
    /^GET \/v1\/orders failed: the certificate does not verify/,
  );
});

test(
  'SAFE-08 a body past 1 MiB is not read further and fails the check that asked',
  { annotation: [{ type: 'requirement', description: 'SAFE-08' }] },
  async () => {
    target()
      .get('/v1/balance')
      .reply(200, 'x'.repeat(1024 * 1024 + 1), { 'Content-Type': 'application/json' });
    const { api } = clientWith(20_000);
    await expect(api.send({ path: 'balance' })).rejects.toThrow(/GET \/v1\/balance: the answer has more than 1048576 bytes of body/);
  },
);

test(
  'SAFE-05 a request whose meaning has a time limit may not wait past it; one sent already past it (an expired challenge) waits and retries like any other',
  SAFE05,
  async () => {
    const asked: AcquireOptions[] = [];
    const spy: Flow = { acquire: (options = {}) => (asked.push(options), Promise.resolve({ id: 0, epoch: 0 })), release: () => {} };
    const { api, seen, now } = clientWith(20_000, undefined, spy);
    target().get('/v1/balance').reply(200, ok);
    const until = now() + 2_000;
    await api.send({ path: 'balance', retry429: { until, why: 'the challenge expires' } });
    expect(asked.at(-1)).toMatchObject({ notAfter: until, expires: true });
    target().get('/v1/balance').reply(200, ok);
    await api.send({ path: 'balance', retry429: 'never', useBy: until });
    expect(asked.at(-1), "SIGN-10's copies, never retried, are held to the challenge's expiry too").toMatchObject({ notAfter: until, expires: true });

    target().get('/v1/balance').reply(429, {}, { 'Retry-After': '1' });
    target().get('/v1/balance').reply(401, { success: false, message: 'Unauthorized', data: {} });
    const reply = await api.send({ path: 'balance', retry429: { until: now() - 1_000, why: 'the challenge expired' } });
    expect(reply.status, 'retried after the 429, not "not judged" for a limit that had passed before it was sent').toBe(401);
    expect(seen.waits).toEqual([1_000]);
    expect(asked.at(-1), "bounded by the check's budget, not refused for the least wait").toMatchObject({ expires: false });
    expect(asked.at(-1)!.notAfter).toBeGreaterThan(now());
  },
);
