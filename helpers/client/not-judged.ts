/**
 * SAFE-07: a check that could not reach a judgement says so, with the reason, instead of failing
 * (a contract violation) or passing. The reasons are few and fixed: the target could not be
 * reached, it did not answer in time, it stayed rate-limited or unavailable past the budget, or a
 * limit of the run was reached. The summary counts such a test as "not judged", never as failed or
 * held. The names live in helpers/contract/verdict.ts, which the reporters and the launcher read without loading Playwright's test runner; the client ends a running test with notJudged().
 */
import { test } from '@playwright/test';
import { NOT_JUDGED, NOT_JUDGED_PREFIX } from '../contract/verdict';
import { EgressError } from './wire';

export class NotJudgedError extends Error {
  override name = 'NotJudgedError';
  constructor(readonly reason: string) {
    super(`${NOT_JUDGED_PREFIX}${reason}`);
  }
}

/**
 * Ends the running check as not judged (SAFE-07): annotates it with the reason and skips it (a
 * skip, not a failure, so Playwright does not restart the worker, and a failure already recorded
 * by a soft assertion still wins). Outside a test, throws NotJudgedError.
 */
export function notJudged(reason: string): never {
  let info: ReturnType<typeof test.info> | undefined;
  try {
    info = test.info();
  } catch {
    info = undefined;
  }
  if (info) {
    info.annotations.push({ type: NOT_JUDGED, description: reason });
    info.skip(true, `${NOT_JUDGED_PREFIX}${reason}`);
  }
  throw new NotJudgedError(reason);
}

/**
 * Ends the running check as not judged when a limit of the run stopped its request (the request
 * cap, the run's time limit, a pause for the target's 429s that outlasts the check): the run's own doing, never the target's. Anything else is left to
 * the caller.
 */
export function notJudgedIfLimit(error: unknown): void {
  if (error instanceof EgressError && (error.kind === 'request-cap' || error.kind === 'run-deadline' || error.kind === 'paused')) notJudged(error.message);
}
