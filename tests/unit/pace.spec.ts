/**
 * Issue 20, SAFE-05: how the run's pace (helpers/client/flow/pace.ts) loosens after a 429. A first
 * pace learnt from a window the run did not fill (its start, a wait) is slower than the limit; it
 * loosens quickly until it nears the pace that last drew a 429, then slowly. Before, it loosened
 * slowly throughout, and a run behind a 10-per-second limit spent most of its length below the limit
 * (`npm run bench`'s remote-rate: 64.5-71.0 s against 66.8 s allowed, 61.6-62.5 s after).
 */
import { expect, test } from '../support/unit-test';
import { Pace } from '../../helpers/client/flow/pace';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

/** A pace learnt from a first 429 after 13 answers spread over 1.8 s: about 140 ms, slower than a 10-per-second limit. */
function learntFromASparseWindow(): { pace: Pace; now: number } {
  const pace = new Pace();
  for (let i = 0; i < 13; i++) pace.answered(1_000 + i * 150);
  pace.limited(2_900);
  return { pace, now: 2_900 };
}

/** `n` answers, 100 ms apart from `now`; returns the time after the last. */
function answer(pace: Pace, n: number, now: number): number {
  for (let i = 0; i < n; i++) pace.answered((now += 100));
  return now;
}

test('a first pace slower than the limit loosens quickly: by a quarter within 100 answers, not by a twentieth', SAFE05, () => {
  const { pace, now } = learntFromASparseWindow();
  const learnt = pace.intervalMs;
  expect(learnt).toBeGreaterThan(130);
  answer(pace, 100, now);
  expect(pace.intervalMs).toBeLessThan(learnt * 0.8);
});

test('near the pace that last drew a 429 the pace loosens slowly, and a burst is given room at the pace that 429 set when it can wait so long', SAFE05, () => {
  const { pace, now } = learntFromASparseWindow();
  let t = answer(pace, 100, now);
  const tooFast = pace.intervalMs;
  pace.limited(t);
  const set = pace.intervalMs;
  expect(set).toBeCloseTo(tooFast * 1.25, 5);
  expect(pace.burstRoomMs(8, Infinity)).toBeCloseTo(8 * set, 5);
  // Quickly back to within a tenth of the pace that drew the 429: three loosenings of 5 %.
  t = answer(pace, 60, t);
  expect(pace.intervalMs).toBeLessThanOrEqual(tooFast * 1.1);
  const near = pace.intervalMs;
  // Then one loosening per 100 answers.
  answer(pace, 99, t);
  expect(pace.intervalMs).toBe(near);
  expect(pace.burstRoomMs(8, Infinity), 'a burst still makes room at the pace the 429 set').toBeCloseTo(8 * set, 5);
  // A burst that cannot wait so long (a short lifetime under a slow limit) gets room at the pace as it is.
  expect(pace.burstRoomMs(8, 8 * set - 1)).toBeCloseTo(8 * near, 5);
});

test('a pace that was never set gives a burst no room to wait for', SAFE05, () => {
  const pace = new Pace();
  answer(pace, 200, 0);
  expect(pace.intervalMs).toBe(0);
  expect(pace.burstRoomMs(8, Infinity)).toBe(0);
});
