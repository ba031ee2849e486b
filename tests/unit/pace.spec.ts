/**
 * Issue 20, SAFE-05: how the run's pace (helpers/client/flow/pace.ts) loosens after a 429. A first
 * pace learnt from a window the run did not fill (its start, a wait) is slower than the limit; it
 * loosens quickly until a pace draws a 429 while the target's pauses are short, slowly after. Before,
 * it loosened slowly throughout, and a run behind a 10-per-second limit spent most of its length
 * below the limit (`npm run bench`'s remote-rate: 64.5-71.0 s against 66.8 s allowed).
 */
import { expect, test } from '../support/unit-test';
import { Pace } from '../../helpers/client/flow/pace';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

/** A pace learnt from a first 429 after 13 answers spread over 1.8 s: about 140 ms, slower than a 10-per-second limit. */
function learntFromASparseWindow(pauseMs = 1_000): { pace: Pace; now: number } {
  const pace = new Pace();
  for (let i = 0; i < 13; i++) pace.answered(1_000 + i * 150);
  pace.limited(2_900, pauseMs);
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

test('a first pace whose 429 asked for a long pause (Retry-After: 5) loosens slowly: each probe would pause the whole run that long', SAFE05, () => {
  const { pace, now } = learntFromASparseWindow(5_000);
  const learnt = pace.intervalMs;
  answer(pace, 100, now);
  expect(pace.intervalMs).toBeCloseTo(learnt * 0.95, 5);
});

test('once a pace drew a 429 it loosens slowly, and a burst is given room at the pace that 429 set when it can wait so long', SAFE05, () => {
  const { pace, now } = learntFromASparseWindow();
  let t = answer(pace, 100, now);
  const tooFast = pace.intervalMs;
  pace.limited(t, 1_000);
  const set = pace.intervalMs;
  expect(set).toBeCloseTo(tooFast * 1.25, 5);
  expect(pace.burstRoomMs(8, Infinity)).toBeCloseTo(8 * set, 5);
  // Probing past the limit costs every worker the target's Retry-After: one loosening per 100 answers now.
  t = answer(pace, 99, t);
  expect(pace.intervalMs).toBe(set);
  answer(pace, 1, t);
  const loosened = pace.intervalMs;
  expect(loosened).toBeCloseTo(set * 0.95, 5);
  expect(pace.burstRoomMs(8, Infinity), 'a burst still makes room at the pace the 429 set').toBeCloseTo(8 * set, 5);
  // A burst that cannot wait so long (a short lifetime under a slow limit) gets room at the pace as it is.
  expect(pace.burstRoomMs(8, 8 * set - 1)).toBeCloseTo(8 * loosened, 5);
});

test('a pace that was never set gives a burst no room to wait for', SAFE05, () => {
  const pace = new Pace();
  answer(pace, 200, 0);
  expect(pace.intervalMs).toBe(0);
  expect(pace.burstRoomMs(8, Infinity)).toBe(0);
});
