/**
 * The run's verdict (SAFE-07): the tally of test outcomes into requirement verdicts, the run's
 * verdict and exit status, and the words that say it. A run that could not judge says so; a
 * failure wins; a verdict over a selection or with skipped musts says what it covers.
 */
import { expect, test } from '../support/unit-test';
import type { TestCase } from '@playwright/test/reporter';
import { notJudgedReason } from '../../helpers/reporting/not-judged-reporter';
import { matrixMarkdown } from '../../helpers/reporting/requirement-matrix';
import { runVerdict, summarise, summaryWithoutTests } from '../../helpers/reporting/summary';
import { exitCodeFor, verdictLine, verdictLines } from '../../helpers/reporting/verdict-words';
import { NOT_JUDGED_AUTH02, shard } from './shard-summary';

const SAFE07 = { annotation: { type: 'requirement', description: 'SAFE-07' } };

test('SAFE-07 a must not judged makes the run "could not judge" (exit 3); a failure wins (exit 1)', SAFE07, () => {
  const notJudged = { ...shard(1, 1, { 'AUTH-01': { status: 'passed' }, 'AUTH-02': NOT_JUDGED_AUTH02 }), shard: undefined };
  expect(notJudged.verdict).toBe('could-not-judge');
  expect(exitCodeFor(notJudged, 1, false), 'Playwright failing is explained by the checks not judged').toBe(3);
  const lines = verdictLines(notJudged).join('\n');
  expect(lines).toContain('NOT JUDGED AUTH-02: connection refused (GET /v1/balance)');
  expect(lines).toMatch(/Verdict: could not judge the target: AUTH-02 not judged \(connection refused/);
  const both = { ...shard(1, 1, { 'AUTH-01': { status: 'failed', failedTests: 1 }, 'AUTH-02': NOT_JUDGED_AUTH02 }), shard: undefined };
  expect(both.verdict).toBe('does-not-conform');
  expect(exitCodeFor(both, 1, false)).toBe(1);
  expect(verdictLines(both).join('\n')).toContain('Verdict: the target does NOT conform: AUTH-01 failed; not judged: AUTH-02.');
});

test('SAFE-07 a run that judged no must never conforms; skips for unconfigured credentials alone do not stop "conforms"', SAFE07, () => {
  const skip = { status: 'skipped' as const, reason: 'CARDPLUSPAY_INACTIVE_API_KEY is not set', reasons: ['CARDPLUSPAY_INACTIVE_API_KEY is not set'] };
  const nothing = { ...shard(1, 1, { 'AUTH-08': skip }), shard: undefined };
  expect(nothing.verdict).toBe('could-not-judge');
  expect(exitCodeFor(nothing, 0, false)).toBe(3);
  expect(verdictLines(nothing).join('\n')).toContain('Verdict: could not judge the target: no `must` requirement was judged.');
  const held = { ...shard(1, 1, { 'AUTH-01': { status: 'passed' }, 'AUTH-08': skip }), shard: undefined };
  expect(held.verdict).toBe('conforms');
  expect(exitCodeFor(held, 0, false)).toBe(0);
  expect(
    runVerdict(
      { 'TLS-03': { level: 'should', status: 'not-judged', tests: 1, failedTests: 0, notJudgedTests: 1 }, 'AUTH-01': held.requirements['AUTH-01'] },
      false,
    ),
    'a should not judged does not stop "conforms"',
  ).toBe('conforms');
});

test('SAFE-07 an unreachable target: every requirement not judged; a bad certificate: TLS-01 failed', SAFE07, () => {
  const run = { target: 'remote' as const, baseUrl: 'https://127.0.0.1:9/v1/', startedAt: new Date() };
  const down = summaryWithoutTests(run, 'target unreachable: connection refused');
  expect(down.verdict).toBe('could-not-judge');
  expect(exitCodeFor(down, 0, false)).toBe(3);
  expect(Object.values(down.requirements).every((v) => v.status === 'not-judged')).toBe(true);
  expect(matrixMarkdown(down)).toContain('| AUTH-02 | must | *not judged* |');
  const badCert = summaryWithoutTests(run, 'not checked', { 'TLS-01': 'the certificate does not verify' });
  expect(badCert.verdict).toBe('does-not-conform');
  expect(badCert.failedRequirements).toEqual(['TLS-01']);
  expect(exitCodeFor(badCert, 0, false)).toBe(1);
});

test('SAFE-07 a check that failed once and passed on a retry is a failure, not a flaky pass', () => {
  const retried = {
    title: 'AUTH-02 a request without X-API-Key gets the 401 Unauthorized envelope',
    annotations: [{ type: 'requirement', description: 'AUTH-02' }],
    results: [
      { status: 'failed', annotations: [] },
      { status: 'passed', annotations: [] },
    ],
  } as unknown as TestCase;
  const summary = summarise([retried], new Date(), { target: 'remote', baseUrl: 'https://api.example.test/v1/' });
  expect(summary.requirements['AUTH-02']?.status).toBe('failed');
  expect(summary.verdict).toBe('does-not-conform');
});

test('SAFE-07 a must requirement its checks skipped is named in the verdict', () => {
  const run = {
    ...shard(1, 1, {
      'AUTH-01': { status: 'passed' },
      'AUTH-15': { status: 'skipped', reason: 'GET orders listed no order', reasons: ['GET orders listed no order'] },
    }),
    shard: undefined,
  };
  expect(verdictLine(run)).toBe('the target conforms; skipped, so not checked: AUTH-15');
});

test('SAFE-07 a selection that ran only some tests of a requirement says so in the verdict', () => {
  const test12 = (title: string): TestCase =>
    ({ title, annotations: [{ type: 'requirement', description: 'AUTH-12' }], results: [{ status: 'passed', annotations: [] }] }) as unknown as TestCase;
  const summary = summarise(
    [test12('AUTH-12 GET balance without a key gets 401'), test12('AUTH-12 GET balance with a never-issued key gets 401')],
    new Date(),
    { target: 'mock', baseUrl: '' },
    { selectedBy: '--grep', wholeSuite: { 'AUTH-12': 16 } },
  );
  expect(summary.scope?.partial).toEqual([{ id: 'AUTH-12', ran: 2, of: 16 }]);
  expect(verdictLine(summary)).toBe('the target conforms to the 1 requirement selected (35 not run: --grep; only in part: AUTH-12 2 of 16 tests)');
});

test('SAFE-07 a check whose worker process died under it, or before it, is not judged, never failed or skipped', SAFE07, () => {
  const test30 = { timeout: 30_000, annotations: [] };
  const died = { status: 'failed' as const, errors: [{ message: 'Error: worker process exited unexpectedly (code=null, signal=SIGKILL)' }], annotations: [] };
  expect(notJudgedReason(test30, died)).toMatch(/^not finished: the worker process running the check exited unexpectedly \(code=null, signal=SIGKILL\)/);
  const diedAfterFailing = { ...died, errors: [{ message: 'Error: expect(received).toBe(expected)' }, ...died.errors] };
  expect(notJudgedReason(test30, diedAfterFailing), 'a failure seen before the worker died is still a verdict').toBeUndefined();
  // The rest of its group: skipped by Playwright, with no reason of the suite's.
  expect(notJudgedReason(test30, { status: 'skipped', errors: [], annotations: [] })).toMatch(/^not run: /);
  const chosen = { status: 'skipped' as const, errors: [], annotations: [{ type: 'skip', description: 'CARDPLUSPAY_INACTIVE_API_KEY is not set' }] };
  expect(notJudgedReason(test30, chosen), 'a skip the check chose stays a skip').toBeUndefined();
});
