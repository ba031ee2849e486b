/**
 * Listed right after the redacting reporter: a test that could not reach a judgement (SAFE-07)
 * reaches every later reporter as what it is, a skip with a `not-judged` annotation and its
 * reason, never as a failure. The client already ends such checks that way (notJudged()); this
 * catches the rest: a test that ran out of its timeout, one stopped by the run's time limit, one
 * whose worker process died under it or before it (killed, out of memory: no answer of the target), and a
 * NotJudgedError thrown where no test could skip (a fixture's setup). So JUnit shows <skipped/>
 * with a `not-judged` property, Allure files it under "Not judged", and the list reporter does not
 * print it among the failures.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { NOT_JUDGED, NOT_JUDGED_PREFIX } from '../contract/verdict';

/** Why a finished test was not judged, or undefined when it was (passed, failed, skipped). */
export function notJudgedReason(
  test: Pick<TestCase, 'timeout' | 'annotations'>,
  result: Pick<TestResult, 'status' | 'errors' | 'annotations'>,
): string | undefined {
  const marked = result.annotations.find((a) => a.type === NOT_JUDGED)?.description;
  const violations = result.errors.filter((e) => !isNotJudgedMessage(e.message) && !/Test timeout of \d+ms exceeded/.test(e.message ?? ''));
  switch (result.status) {
    case 'skipped':
      // A skip a check chose carries its reason (test.skip); one without is Playwright's own: a test
      // it never ran, because its worker ended first (a worker fixture's setup failed, the process died).
      return marked ?? ([...test.annotations, ...result.annotations].some((a) => a.type === 'skip' || a.type === 'fixme') ? undefined : NOT_RUN);
    case 'timedOut':
      // A failure recorded before the timeout (a soft assertion) is still a verdict.
      return violations.length > 0
        ? undefined
        : (marked ?? `timeout: the check did not finish within its ${test.timeout / 1000} s (CARDPLUSPAY_TEST_TIMEOUT_SECONDS)`);
    case 'interrupted':
      return marked ?? 'not finished: the run was stopped (its time limit, CARDPLUSPAY_TIMEOUT_SECONDS, was reached, or it was interrupted)';
    case 'failed': {
      const died = result.errors.map((e) => WORKER_DIED.exec(e.message ?? '')?.[1]);
      if (died.length > 0 && died.every((how) => how !== undefined)) return marked ?? workerDied(died[0]!);
      const thrown = result.errors.find((e) => isNotJudgedMessage(e.message));
      return thrown && violations.length === 0 ? (marked ?? thrown.message!.replace(/^[\s\S]*?not judged: /, '').split('\n')[0]) : undefined;
    }
    default:
      return undefined;
  }
}

/** Playwright's words for a worker process that died under a test (killed, out of memory), with how. */
const WORKER_DIED = /^(?:Error: )?worker process exited unexpectedly \(([^)]*)\)/;
const NOT_RUN =
  'not run: Playwright skipped it with no reason of the suite (its worker ended first: a worker fixture could not be set up, or the process died)';

function workerDied(how: string): string {
  return `not finished: the worker process running the check exited unexpectedly (${how}), which is no answer of the target`;
}

function isNotJudgedMessage(message: string | undefined): boolean {
  return !!message && new RegExp(`^(?:\\w*Error: )?${NOT_JUDGED_PREFIX}`).test(message);
}

export default class NotJudgedReporter implements Reporter {
  printsToStdio(): boolean {
    return false;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const reason = notJudgedReason(test, result);
    if (reason === undefined) return;
    for (const list of [result.annotations, test.annotations]) {
      if (!list.some((a) => a.type === NOT_JUDGED)) list.push({ type: NOT_JUDGED, description: reason });
    }
    if (result.status !== 'skipped') {
      result.status = 'skipped';
      // Reports show the first error as the message: the reason leads, the original error (already
      // redacted) stays below it for whoever wants the detail.
      const lead = { message: `${NOT_JUDGED_PREFIX}${reason}` };
      result.errors.unshift(lead);
      (result as { error?: TestResult['error'] }).error = lead;
    }
  }
}
