/**
 * SAFE-05 and SAFE-08: the run's time limits derive from each other so that a check's 429 budget
 * always fits inside its test timeout, and settings that contradict are refused (exit 2).
 */
import { expect, test } from '../support/unit-test';
import { runClock } from '../../helpers/runner/run-setup';
import { runLimits } from '../../helpers/settings/limits';
import { runFacts } from '../../helpers/settings/run-facts';
import { loadSettings } from '../../helpers/settings/settings';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

function refusals(env: Record<string, string>): string[] {
  const out: string[] = [];
  runLimits(env, (name, why) => out.push(`${name} ${why}`));
  return out;
}

test('SAFE-05 defaults: a 20 s budget inside a 30 s test, a 600 s run', SAFE05, () => {
  expect(runLimits({})).toEqual({ rateLimitBudgetSeconds: 20, testTimeoutSeconds: 30, timeoutSeconds: 600 });
});

test('SAFE-05 one setting derives the other', SAFE05, () => {
  expect(runLimits({ CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '60' })).toMatchObject({ rateLimitBudgetSeconds: 60, testTimeoutSeconds: 90 });
  expect(runLimits({ CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '9' })).toMatchObject({ rateLimitBudgetSeconds: 6, testTimeoutSeconds: 9 });
  expect(runLimits({ CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '0' })).toMatchObject({ rateLimitBudgetSeconds: 0, testTimeoutSeconds: 30 });
});

test('SAFE-05 a budget that does not fit its test timeout, or a run shorter than a test, is refused', SAFE05, () => {
  expect(refusals({ CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '60', CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '30' })).toEqual([
    'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS (60 s) does not fit inside CARDPLUSPAY_TEST_TIMEOUT_SECONDS (30 s) with a third of the test left for the check itself',
  ]);
  expect(refusals({ CARDPLUSPAY_TIMEOUT_SECONDS: '20' })).toEqual(["CARDPLUSPAY_TIMEOUT_SECONDS (20 s) is shorter than one test's timeout (30 s)"]);
  expect(refusals({ CARDPLUSPAY_TEST_TIMEOUT_SECONDS: 'soon' })[0]).toMatch(/must be a number of seconds/);
});

test(
  'SAFE-08 the run limit counts from the start of the process; checks end first, with room for the reports',
  { annotation: [{ type: 'requirement', description: 'SAFE-08' }] },
  () => {
    // A process started 5 s ago with the default 600 s: the checks end at 585 s, Playwright 2 s later.
    const now = 1_000_000_000;
    const clock = runClock({}, now, 5);
    expect(clock.checksEnd).toBe(now - 5_000 + 585_000);
    expect(clock.globalTimeoutMs).toBe(582_000);
    // A worker reads the runner's deadline instead of counting from its own start.
    expect(runClock({ CARDPLUSPAY_RUN_DEADLINE: String(now + 100_000) }, now, 1).checksEnd).toBe(now + 100_000);
    // A short limit keeps a fifth for stopping and the reports, at least 4 s.
    expect(runClock({ CARDPLUSPAY_TIMEOUT_SECONDS: '30', CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '10' }, now, 0).checksEnd).toBe(now + 24_000);
    expect(runClock({ CARDPLUSPAY_TIMEOUT_SECONDS: '10', CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '5' }, now, 0).checksEnd).toBe(now + 6_000);
  },
);

test('issue 20: the workers follow a lowered concurrency down unless they are set', () => {
  const base = { CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1', CARDPLUSPAY_API_KEY: 'cpp_test_0123456789abcdef0123' };
  expect(loadSettings({ ...base }).concurrency).toBe(8);
  expect(loadSettings({ ...base, CARDPLUSPAY_CONCURRENCY: '1' })).toMatchObject({ concurrency: 1, workers: 1 });
  expect(runFacts({ ...base, CARDPLUSPAY_CONCURRENCY: '1' }).workers).toBe(1);
  expect(loadSettings({ ...base, CARDPLUSPAY_CONCURRENCY: '16', CARDPLUSPAY_WORKERS: '4' })).toMatchObject({ concurrency: 16, workers: 4 });
});

test('issue 20: four workers by default against a deployment (bound by its latency), two against the embedded mock (bound by the CPU)', () => {
  const base = { CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1', CARDPLUSPAY_API_KEY: 'cpp_test_0123456789abcdef0123' };
  expect(runFacts({ ...base }).workers).toBe(4);
  expect(loadSettings({ ...base }).workers).toBe(4);
  expect(runFacts({ ...base, CARDPLUSPAY_CONCURRENCY: '3' }).workers).toBe(3);
  // The runner before it starts the mock, and its workers after (the mock's URL set as the target's).
  expect(runFacts({}).workers).toBe(2);
  expect(runFacts({ ...base, CARDPLUSPAY_TARGET: 'mock' }).workers).toBe(2);
});

test('one live challenge per account (CARDPLUSPAY_LIVE_CHALLENGES=one) runs one request at a time, and refuses settings that run more', () => {
  const base = { CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1', CARDPLUSPAY_API_KEY: 'cpp_test_0123456789abcdef0123' };
  expect(loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'several' })).toMatchObject({ concurrency: 8, workers: 4 });
  expect(loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'one' })).toMatchObject({ concurrency: 1, workers: 1 });
  expect(runFacts({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'one' }).workers).toBe(1);
  expect(runFacts({ CARDPLUSPAY_LIVE_CHALLENGES: 'one' }).workers).toBe(1);
  expect(loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'one', CARDPLUSPAY_WORKERS: '1', CARDPLUSPAY_CONCURRENCY: '1' })).toMatchObject({
    concurrency: 1,
  });
  expect(() => loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'one', CARDPLUSPAY_WORKERS: '2', CARDPLUSPAY_CONCURRENCY: '4' })).toThrow(
    'CARDPLUSPAY_LIVE_CHALLENGES is one, but CARDPLUSPAY_WORKERS is 2 and CARDPLUSPAY_CONCURRENCY is 4',
  );
  expect(() => loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'single' })).toThrow('CARDPLUSPAY_LIVE_CHALLENGES has unknown value "single"');
  // One refusal for one mistake: not also the concurrency the setting chose, nor a reason that is not the problem.
  const refusal = (env: Record<string, string>): string => {
    try {
      loadSettings({ ...base, CARDPLUSPAY_LIVE_CHALLENGES: 'one', ...env });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };
  expect(refusal({ CARDPLUSPAY_WORKERS: '2' })).not.toContain('lower than CARDPLUSPAY_WORKERS');
  expect(refusal({ CARDPLUSPAY_CONCURRENCY: '0' })).not.toContain('CARDPLUSPAY_LIVE_CHALLENGES');
  expect(refusal({ CARDPLUSPAY_CONCURRENCY: '0' })).toContain('CARDPLUSPAY_CONCURRENCY must be a whole number');
});
