/**
 * Issue 20, SAFE-05: a burst (SIGN-10's copies of one challenge) under the run's flow control
 * (helpers/client/flow/pacer.ts), on a simulated clock. Without a pace it goes at once. Under a
 * pace it takes as many pace slots as it has copies and goes at the last of them, all together,
 * while nothing else starts; the pace goes on after it, bursts one after another leave the queue
 * its turns, and a burst whose room would come after its copies' use is refused, never sent late.
 * Against a simulated 10-per-second token bucket, SIGN-10's requests under the learnt pace meet no 429.
 */
import { expect, test } from '../support/unit-test';
import { Pacer, Refused, burstOf, type AcquireOptions, type Burst, type Grant } from '../../helpers/client/flow/pacer';
import { SimClock, settle } from '../support/sim-clock';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };
const PACE_MS = 100;

/**
 * A pacer whose pace is one start every 100 ms: twenty answers a tenth of a second apart, then a
 * 429 (Retry-After: 1) at 2 s. The clock then stands at 10 s, the pause long over, nothing started since 2 s.
 */
async function paced(): Promise<{ clock: SimClock; pacer: Pacer }> {
  const clock = new SimClock();
  const pacer = new Pacer(8, clock, () => 0);
  for (let i = 0; i < 20; i++) {
    await clock.until(clock.sleep(i === 0 ? 0 : PACE_MS));
    pacer.release(await clock.until(pacer.acquire()), { status: 200 });
  }
  await clock.until(clock.sleep(PACE_MS));
  pacer.release(await clock.until(pacer.acquire()), { status: 429, retryAfter: '1' });
  await clock.until(clock.sleep(8_000));
  expect(pacer.state()).toMatchObject({ intervalMs: PACE_MS, pausedForMs: 0 });
  return { clock, pacer };
}

/** Asks for `n` copies of `burst`, writing when each was granted into `starts` under `name`; each is answered at once. */
function copies(pacer: Pacer, clock: SimClock, starts: Array<[string, number]>, name: string, burst: Burst, n = burst.size, more: AcquireOptions = {}) {
  return Array.from({ length: n }, () => pacer.acquire({ ...more, burst }).then((grant) => answered(pacer, grant, starts, name, clock)));
}

/** Asks for one plain request, writing when it was granted into `starts` under `name`; it is answered at once. */
function plain(pacer: Pacer, clock: SimClock, starts: Array<[string, number]>, name: string) {
  return pacer.acquire().then((grant) => answered(pacer, grant, starts, name, clock));
}

function answered(pacer: Pacer, grant: Grant, starts: Array<[string, number]>, name: string, clock: SimClock): void {
  starts.push([name, clock.now()]);
  pacer.release(grant, { status: 200 });
}

test('under a pace a burst waits until the target has had room for every copy, holds the queue meanwhile, and the pace goes on after it', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const starts: Array<[string, number]> = [];
  const at = clock.now();
  await plain(pacer, clock, starts, 'before');
  const waiting = [...copies(pacer, clock, starts, 'copy', burstOf(8)), plain(pacer, clock, starts, 'held'), plain(pacer, clock, starts, 'next')];
  await clock.until(Promise.all(waiting));
  // The burst takes the eight slots after `before` and goes at the last of them: seven intervals after the first.
  expect(starts).toEqual([
    ['before', at],
    ...Array.from({ length: 8 }, () => ['copy', at + 8 * PACE_MS]),
    ['held', at + 9 * PACE_MS],
    ['next', at + 10 * PACE_MS],
  ]);
});

test('a burst whose room was made long ago goes at once, every copy, those asking after the first went included', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const starts: Array<[string, number]> = [];
  const burst = burstOf(8);
  await clock.until(Promise.all(copies(pacer, clock, starts, 'copy', burst, 1)));
  await settle();
  await clock.until(Promise.all(copies(pacer, clock, starts, 'copy', burst, 7)));
  await clock.until(plain(pacer, clock, starts, 'after'));
  expect(starts).toEqual([...Array.from({ length: 8 }, () => ['copy', 10_000]), ['after', 10_000 + PACE_MS]]);
});

test('a burst whose room would come after its use is refused at once, never sent late, and holds nothing back', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const starts: Array<[string, number]> = [];
  await plain(pacer, clock, starts, 'before');
  const late = copies(pacer, clock, starts, 'late', burstOf(8), 8, { notAfter: 10_000 + 8 * PACE_MS - 1, expires: true });
  for (const copy of late) await expect(copy).rejects.toThrow(Refused);
  await expect(late[0]).rejects.toThrow(/pace for this target \(one request every 100 ms.*room for a burst of 8 copies only 0\.8 s from now, too late/);
  expect(clock.now(), 'refused when asked, not when its use passed').toBe(10_000);
  const inTime = copies(pacer, clock, starts, 'in time', burstOf(8), 8, { notAfter: 10_000 + 8 * PACE_MS, expires: true });
  await clock.until(Promise.all(inTime));
  expect(starts.filter(([name]) => name === 'late')).toEqual([]);
  expect(starts.filter(([name]) => name === 'in time').map(([, t]) => t)).toEqual(Array(8).fill(10_000 + 8 * PACE_MS));
});

test('a pause that comes while a burst waits for room refuses the copies it would hold past their use', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const inFlight = await pacer.acquire();
  const refusals: number[] = [];
  for (const copy of copies(pacer, clock, [], 'copy', burstOf(8), 8, { notAfter: 10_000 + 1_000, expires: true })) copy.catch(() => refusals.push(clock.now()));
  await clock.until(clock.sleep(300));
  pacer.release(inFlight, { status: 429, retryAfter: '1' });
  await settle();
  expect(refusals).toEqual(Array(8).fill(10_300));
});

test('bursts one after another leave the queue a start between them, and together they keep to the pace', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const starts: Array<[string, number]> = [];
  await plain(pacer, clock, starts, 'p0');
  const waiting = ['A', 'B', 'C'].flatMap((name, i) => [plain(pacer, clock, starts, `q${i + 1}`), ...copies(pacer, clock, starts, name, burstOf(4))]);
  await clock.until(Promise.all(waiting));
  expect([...new Set(starts.map(([name]) => name))]).toEqual(['p0', 'A', 'q1', 'B', 'q2', 'C', 'q3']);
  // Never more starts since the first than one a pace interval: each copy takes its slot.
  const first = starts[0]![1];
  starts.forEach(([, t], i) => expect(i, `start ${i + 1} at ${t}`).toBeLessThanOrEqual((t - first) / PACE_MS));
});

/** A token bucket of 10 a second (burst 10) on the simulated clock, as `npm run bench`'s front keeps: take() says whether a token was there. */
function tenPerSecond(clock: SimClock): { take: () => boolean } {
  let tokens = 10;
  let refilledAt = clock.now();
  return {
    take: () => {
      tokens = Math.min(10, tokens + ((clock.now() - refilledAt) * 10) / 1000);
      refilledAt = clock.now();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

// After 30 s of load the learnt pace is a little slower than the limit, after 60 s a little faster (it loosens while answered).
for (const loadMs of [30_000, 60_000]) {
  test(
    `SIGN-10's openers, challenge and copies under the pace learnt from a 10-per-second limit, after ${loadMs / 1000} s of load, meet no 429`,
    SAFE05,
    async () => {
      const clock = new SimClock();
      const pacer = new Pacer(8, clock, () => 0);
      const bucket = tenPerSecond(clock);
      const send = async (options: AcquireOptions = {}): Promise<boolean> => {
        const grant = await pacer.acquire(options);
        await clock.sleep(2);
        const ok = bucket.take();
        pacer.release(grant, ok ? { status: 200 } : { status: 429, retryAfter: '1' });
        return ok;
      };
      let stop = false;
      // Eight workers keep the target busy, each sending again after every answer (or after the 429's second).
      const load = Array.from({ length: 8 }, async () => {
        while (!stop) if (!(await send())) await clock.sleep(1_000);
      });
      await clock.until(clock.sleep(loadMs));
      expect(pacer.state()).toMatchObject({ queued: 8, pausedForMs: 0 });
      const openers = burstOf(8);
      expect(await clock.until(Promise.all(Array.from({ length: 8 }, () => send({ burst: openers }))))).toEqual(Array(8).fill(true));
      expect(await clock.until(send()), 'the challenge').toBe(true);
      const copies = burstOf(8);
      expect(await clock.until(Promise.all(Array.from({ length: 8 }, () => send({ burst: copies }))))).toEqual(Array(8).fill(true));
      stop = true;
      await clock.until(Promise.all(load));
    },
  );
}

test('a burst asked for while another is making room waits its turn after it, whatever its size', SAFE05, async () => {
  const { clock, pacer } = await paced();
  const starts: Array<[string, number]> = [];
  await plain(pacer, clock, starts, 'p0');
  await clock.until(Promise.all([...copies(pacer, clock, starts, 'big', burstOf(8)), ...copies(pacer, clock, starts, 'small', burstOf(2))]));
  expect(starts.filter(([name]) => name === 'big').map(([, t]) => t)).toEqual(Array(8).fill(10_000 + 8 * PACE_MS));
  expect(starts.filter(([name]) => name === 'small').map(([, t]) => t)).toEqual(Array(2).fill(10_000 + 10 * PACE_MS));
});
