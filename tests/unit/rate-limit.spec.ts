/**
 * SAFE-05: 429 handling, tested with nock so no real network is used. Retry-After in seconds and
 * as an HTTP-date is obeyed (bounded), backoff without it grows with jitter, and a target that
 * never relents ends as "target rate-limited" (a skip), not as a contract violation.
 */
import { expect, test } from '@playwright/test';
import nock from 'nock';
import { ApiClient, RateLimitedError, retryDelayMs } from '../../helpers/client/client';

const BASE = 'https://api.example.test/v1/';
const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

test.beforeAll(() => nock.disableNetConnect());
test.afterEach(() => nock.cleanAll());
test.afterAll(() => nock.enableNetConnect());

async function clientWith(playwright: typeof import('@playwright/test')['request'], budgetMs: number, waits: number[], onRequest?: () => void) {
  return new ApiClient(await playwright.newContext(), {
    baseUrl: BASE,
    configuredKeys: [],
    rateLimitBudgetMs: budgetMs,
    onRequest,
    random: () => 0.5,
    onRateLimited: (reason: string): never => {
      throw new RateLimitedError(reason);
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

test('SAFE-05 Retry-After in seconds is waited out, then the call succeeds', SAFE05, async ({ playwright }) => {
  const waits: number[] = [];
  let requests = 0;
  nock('https://api.example.test').get('/v1/balance').reply(429, { success: false, message: 'Too Many Requests', data: {} }, { 'Retry-After': '2' });
  nock('https://api.example.test').get('/v1/balance').reply(200, { success: true, message: 'ok', data: {} });
  const api = await clientWith(playwright.request, 60_000, waits, () => requests++);
  const reply = await api.send({ path: 'balance' });
  expect(reply.status).toBe(200);
  expect(waits).toEqual([2000]);
  expect(requests, 'each attempt is counted').toBe(2);
});

test('SAFE-05 Retry-After as an HTTP-date is honoured', SAFE05, async ({ playwright }) => {
  const waits: number[] = [];
  const when = new Date(Date.now() + 5000).toUTCString();
  const started = Date.now();
  nock('https://api.example.test').get('/v1/balance').reply(429, {}, { 'Retry-After': when });
  nock('https://api.example.test').get('/v1/balance').reply(200, { success: true, message: 'ok', data: {} });
  const api = await clientWith(playwright.request, 60_000, waits);
  expect((await api.send({ path: 'balance' })).status).toBe(200);
  // The wait runs to the date from when the client read it, some time between these two instants.
  expect(waits[0]).toBeLessThanOrEqual(Date.parse(when) - started);
  expect(waits[0]).toBeGreaterThanOrEqual(Date.parse(when) - Date.now());
});

test('SAFE-05 without Retry-After the backoff grows exponentially with jitter, bounded', SAFE05, () => {
  expect([0, 1, 2, 3].map((i) => retryDelayMs(undefined, i, () => 0))).toEqual([250, 500, 1000, 2000]);
  expect([0, 1, 2, 3].map((i) => retryDelayMs(undefined, i, () => 1))).toEqual([500, 1000, 2000, 4000]);
  expect(retryDelayMs(undefined, 20, () => 1)).toBe(30_000);
  expect(retryDelayMs('86400', 0)).toBe(60_000);
  expect(retryDelayMs('not a date', 0, () => 0)).toBe(250);
});

test('SAFE-05 a target that keeps answering 429 is reported as rate-limited, not as a violation', SAFE05, async ({ playwright }) => {
  const waits: number[] = [];
  nock('https://api.example.test').get('/v1/balance').times(10).reply(429, {}, { 'Retry-After': '3' });
  const api = await clientWith(playwright.request, 7_000, waits);
  // In a conformance test the default handler skips the test with this reason.
  const error = await api.send({ path: 'balance' }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RateLimitedError);
  expect((error as Error).message).toMatch(/^target rate-limited: GET \/v1\/balance still got 429 after \d+ attempt\(s\).*not a contract violation$/);
  expect(waits.reduce((a, b) => a + b, 0), 'never waits past the budget').toBeLessThanOrEqual(7_000);
});
