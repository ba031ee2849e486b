/**
 * Issue 20, SAFE-05: the run's flow control (helpers/client/flow/pacer.ts) on a simulated clock,
 * so nothing here waits. It holds the concurrency limit, lets a burst through together, pauses
 * every request after one 429, refuses a request whose wait would outlast it, and against a
 * simulated 10-per-second token bucket it settles near the bucket's rate: the whole sample within
 * 1.2 times the ideal time and 1.5 times the requests (the figures `npm run bench` measures for real).
 */
import { expect, test } from '../support/unit-test';
import { Pacer, Refused, burstOf, type Grant } from '../../helpers/client/flow/pacer';
import { SimClock, settle } from '../support/sim-clock';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

test('no more requests are in flight than the limit; without a pace a burst goes together at once, past the limit', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(3, clock);
  const granted: Grant[] = [];
  for (let i = 0; i < 5; i++) void pacer.acquire().then((g) => granted.push(g));
  await settle();
  expect(granted).toHaveLength(3);
  pacer.release(granted[0]!, { status: 200 });
  await settle();
  expect(granted).toHaveLength(4);
  const copies = burstOf(8);
  const burst = await Promise.all(Array.from({ length: 8 }, () => pacer.acquire({ burst: copies })));
  expect(burst).toHaveLength(8);
  expect(clock.now(), 'no time passed').toBe(0);
});

test('one 429 holds back every request for its Retry-After; one that cannot wait so long is refused', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock);
  const first = await pacer.acquire();
  pacer.release(first, { status: 429, retryAfter: '3' });
  let sentAt: number | undefined;
  void pacer.acquire().then(() => (sentAt = clock.now()));
  const late = pacer.acquire({ notAfter: 1_000 });
  await expect(late).rejects.toThrow(Refused);
  await expect(late).rejects.toThrow(/holding back for 3\.0 s after the target answered 429/);
  while (sentAt === undefined && (await clock.step()));
  expect(sentAt).toBe(3_000);
});

test("a wait for the pace counts against no check's budget: requests queued past their budget still go, an expiring one first", SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock);
  // A 429 after 10 answers in the rate window sets a pace of 200 ms between starts.
  for (let i = 0; i < 10; i++) pacer.release(await pacer.acquire(), { status: 200 });
  pacer.release(await pacer.acquire(), { status: 429, retryAfter: '0' });
  expect(pacer.state().intervalMs).toBeGreaterThan(0);
  await clock.until(clock.sleep(pacer.state().pausedForMs));
  // Twenty requests queued at once, each allowed to wait 1 s: the last goes about 20 intervals later.
  const starts: number[] = [];
  const queued = Array.from({ length: 20 }, () =>
    pacer.acquire({ notAfter: clock.now() + 1_000 }).then((g) => (starts.push(clock.now()), pacer.release(g, { status: 200 }))),
  );
  const expiring = pacer.acquire({ notAfter: clock.now() + 1_000, expires: true });
  expiring.catch(() => undefined);
  while (starts.length < 20 && (await clock.step()));
  await Promise.all(queued);
  expect(Math.max(...starts), 'the paced queue ran past every budget, and each request was still sent').toBeGreaterThan(1_000);
  await expect(expiring).resolves.toBeDefined();
});

test('a 503 pauses the run and sets a pace like a 429 (nginx limit_req answers 503); a 502 or 504 sets none', SAFE05, async () => {
  for (const [status, paced] of [
    [503, true],
    [502, false],
    [504, false],
  ] as const) {
    const clock = new SimClock();
    const pacer = new Pacer(8, clock);
    // Two answers accepted first: a rate to learn the pace from.
    for (let i = 0; i < 2; i++) pacer.release(await pacer.acquire(), { status: 200 });
    pacer.release(await pacer.acquire(), { status, retryAfter: '1' });
    let sentAt: number | undefined;
    void pacer.acquire().then(() => (sentAt = clock.now()));
    while (sentAt === undefined && (await clock.step()));
    expect(sentAt, `${status}`).toBe(1_000);
    expect(pacer.state().intervalMs > 0, `${status}`).toBe(paced);
  }
});

test('a 429 before the target accepted two answers in the rate window pauses the run but sets no pace: it shows no rate', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock);
  pacer.release(await pacer.acquire(), { status: 200 });
  pacer.release(await pacer.acquire(), { status: 429, retryAfter: '1' });
  expect(pacer.state().pausedForMs).toBeGreaterThan(0);
  expect(pacer.state().intervalMs, 'one answer in the window is no rate').toBe(0);
  await clock.until(clock.sleep(pacer.state().pausedForMs));
  // Then a rate: two answers accepted, and the next 429 sets a pace.
  for (let i = 0; i < 2; i++) pacer.release(await pacer.acquire(), { status: 200 });
  pacer.release(await pacer.acquire(), { status: 429, retryAfter: '1' });
  expect(pacer.state().intervalMs).toBeGreaterThan(0);
});

/**
 * `total` requests from `workers` loops, each answered after `latencyMs` by a token bucket of
 * `rate` per second (holding `burst`, `rate` unless given); a 429 carries Retry-After: 1 and the
 * request is sent again after it, as politely() does.
 */
async function throttledRun(total: number, rate: number, latencyMs: number, workers: number, burst = rate): Promise<{ seconds: number; sent: number }> {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock);
  let tokens = burst;
  let refilledAt = 0;
  const bucket = (): boolean => {
    tokens = Math.min(burst, tokens + ((clock.now() - refilledAt) * rate) / 1000);
    refilledAt = clock.now();
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  let left = total;
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      for (;;) {
        const grant = await pacer.acquire();
        sent++;
        await clock.sleep(latencyMs / 2);
        const ok = bucket();
        await clock.sleep(latencyMs / 2);
        pacer.release(grant, ok ? { status: 200 } : { status: 429, retryAfter: '1' });
        if (ok) break;
        await clock.sleep(1_000);
      }
    }
  };
  let done = false;
  void Promise.all(Array.from({ length: workers }, worker)).then(() => (done = true));
  while (!done && (await clock.step()));
  return { seconds: clock.now() / 1000, sent };
}

test('against a 10-per-second limit the run settles near the limit, without a storm of 429s', SAFE05, async () => {
  const { seconds, sent } = await throttledRun(600, 10, 4, 8);
  expect(seconds).toBeLessThanOrEqual(1.2 * (600 / 10));
  expect(sent).toBeLessThanOrEqual(1.5 * 600);
});

test(
  'a limit slower than one request a second (never two answers in the rate window) is paced after its second 429, not flooded after each pause',
  SAFE05,
  async () => {
    // One request every 2 s, no burst: every pause would otherwise end with all 8 workers at once, 7 of them turned away.
    const { seconds, sent } = await throttledRun(60, 0.5, 4, 8, 1);
    expect(seconds).toBeLessThanOrEqual(1.2 * (60 / 0.5));
    // The pace's floor is a request a second: twice the limit, and no more.
    expect(sent).toBeLessThanOrEqual(2.5 * 60);
  },
);

test('a target that never says 429 is never paced', SAFE05, async () => {
  const { seconds, sent } = await throttledRun(600, 1e9, 4, 8);
  expect(sent).toBe(600);
  expect(seconds).toBeLessThanOrEqual((600 * 4) / 8 / 1000 + 0.01);
});

test('a 429 the rate does not explain (every other answer) slows the pace only to its floor, not until the run judges nothing', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock, () => 0);
  for (let i = 0; i < 200; i++) {
    const grant = await clock.until(pacer.acquire());
    await clock.until(clock.sleep(50));
    pacer.release(grant, i % 2 === 0 ? { status: 429, retryAfter: '1' } : { status: 200 });
  }
  expect(pacer.state().intervalMs).toBeGreaterThan(0);
  expect(pacer.state().intervalMs).toBeLessThanOrEqual(1_000);
});

test('an expiring request goes before the others, and one whose wait for a slot outlasts its use is refused, never sent late', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(1, clock);
  const held = await pacer.acquire();
  const order: string[] = [];
  void pacer.acquire().then(() => order.push('plain'));
  void pacer.acquire({ notAfter: 500, expires: true }).then(() => order.push('expiring'));
  await settle();
  pacer.release(held, { status: 200 });
  await settle();
  expect(order).toEqual(['expiring']);

  const late = pacer.acquire({ notAfter: 500, expires: true });
  let refusedAt: number | undefined;
  late.catch(() => (refusedAt = clock.now()));
  while (refusedAt === undefined && (await clock.step()));
  await expect(late).rejects.toThrow(/waited 0\.5 s for the run's flow control .* after its use had passed/);
  expect(refusedAt).toBe(501);
});

test('an expiring request already past its use when it asks still goes: what that means is its check to judge (SIGN-11)', SAFE05, async () => {
  const clock = new SimClock();
  const pacer = new Pacer(1, clock);
  await clock.until(clock.sleep(1_000));
  await expect(pacer.acquire({ notAfter: 400, expires: true })).resolves.toMatchObject({ id: expect.any(Number) });
});
