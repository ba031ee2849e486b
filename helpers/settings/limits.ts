/**
 * The run's limits: its time limits (SAFE-05, SAFE-08), each derived from the others when unset,
 * and the request cap (SAFE-05).
 */
import type { Env, Refuse } from './parse';

/** The share of a test's time kept for the check itself (its requests and assertions), never spent waiting out 429s. */
const ROOM_FOR_THE_CHECK = 1 / 3;
const DEFAULT_TEST_TIMEOUT_SECONDS = 30;
const DEFAULT_RUN_TIMEOUT_SECONDS = 600;
/** About three times what a full run sends (npm run conformance against the mock: 406 requests). */
export const DEFAULT_MAX_REQUESTS = 1250;

export interface RunLimits {
  rateLimitBudgetSeconds: number;
  testTimeoutSeconds: number;
  timeoutSeconds: number;
}

/**
 * The run's time limits, each derived from the others when unset, so that the rate-limit budget
 * always fits inside the test timeout with room for the check (SAFE-05): a budget longer than the
 * test would end the test in Playwright's timeout instead of a clean "not judged". Settings that
 * contradict are refused rather than silently adjusted.
 */
export function runLimits(env: Env = process.env, refuse: Refuse = () => {}): RunLimits {
  const seconds = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(value >= min) || value > max) {
      refuse(name, `must be a number of seconds from ${min} to ${max} (got "${raw}")`, 'Give a duration in seconds, or unset it for the default (README.md, "Settings").');
      return undefined;
    }
    return value;
  };
  const budget = seconds('CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS', 0, 3600);
  const test = seconds('CARDPLUSPAY_TEST_TIMEOUT_SECONDS', 3, 3600);
  const run = seconds('CARDPLUSPAY_TIMEOUT_SECONDS', 3, 86_400);
  const spendable = 1 - ROOM_FOR_THE_CHECK;
  const testTimeoutSeconds = test ?? Math.max(DEFAULT_TEST_TIMEOUT_SECONDS, Math.ceil((budget ?? 0) / spendable));
  const rateLimitBudgetSeconds = budget ?? Math.floor(testTimeoutSeconds * spendable);
  if (rateLimitBudgetSeconds > testTimeoutSeconds * spendable) {
    refuse(
      'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS',
      `(${rateLimitBudgetSeconds} s) does not fit inside CARDPLUSPAY_TEST_TIMEOUT_SECONDS (${testTimeoutSeconds} s) with a third of the test left for the check itself`,
      `Lower the budget to at most ${Math.floor(testTimeoutSeconds * spendable)}, raise the test timeout to at least ${Math.ceil(rateLimitBudgetSeconds / spendable)}, or set only one of them (the other is derived).`,
    );
  }
  const timeoutSeconds = run ?? Math.max(DEFAULT_RUN_TIMEOUT_SECONDS, testTimeoutSeconds * 2);
  if (timeoutSeconds < testTimeoutSeconds) {
    refuse('CARDPLUSPAY_TIMEOUT_SECONDS', `(${timeoutSeconds} s) is shorter than one test's timeout (${testTimeoutSeconds} s)`, 'Raise the run time limit, or lower CARDPLUSPAY_TEST_TIMEOUT_SECONDS.');
  }
  return { rateLimitBudgetSeconds, testTimeoutSeconds, timeoutSeconds };
}

/** The deadline the runner process fixed for the run (epoch ms), when it did. */
export function runDeadlineIn(env: Env = process.env): number | undefined {
  return Number(env.CARDPLUSPAY_RUN_DEADLINE) || undefined;
}

/** The environment that tells the workers when every check must have ended (epoch ms). */
export function runDeadlineEnv(deadline: number): Record<string, string> {
  return { CARDPLUSPAY_RUN_DEADLINE: String(deadline) };
}
