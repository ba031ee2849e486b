/**
 * Summaries as the unit tests of the reporting helpers build them (verdict.spec.ts,
 * merge-shards.spec.ts, reporting.spec.ts): a shard's, or a whole run's with `shard: undefined`.
 */
import { TARGET_REQUIREMENTS, type RequirementId } from '../../helpers/contract/requirements';
import { NOT_SELECTED, runVerdict, type RequirementVerdict, type Summary } from '../../helpers/reporting/summary';

/** A shard's summary: every requirement not selected but those given. */
export function shard(current: number, total: number, given: Partial<Record<RequirementId, Partial<RequirementVerdict>>>): Summary {
  const requirements: Summary['requirements'] = {};
  for (const id of TARGET_REQUIREMENTS) {
    const g = given[id];
    requirements[id] = g
      ? { level: 'must', status: 'passed', tests: 1, failedTests: 0, notJudgedTests: 0, ...g }
      : { level: 'must', status: 'skipped', tests: 0, failedTests: 0, notJudgedTests: 0, reason: NOT_SELECTED, reasons: [NOT_SELECTED] };
  }
  const failed = Object.values(given).reduce((n, v) => n + (v?.failedTests ?? 0), 0);
  const tests = Object.values(given).reduce((n, v) => n + (v?.tests ?? 1), 0);
  const skipped = Object.values(given)
    .filter((v) => v?.status === 'skipped')
    .reduce((n, v) => n + (v?.tests ?? 1), 0);
  const notJudged = Object.values(given).reduce((n, v) => n + (v?.notJudgedTests ?? 0), 0);
  return {
    target: 'remote',
    baseUrl: 'https://sandbox.example/v1/',
    startedAt: `2026-01-0${current}T00:00:00.000Z`,
    verdict: runVerdict(requirements, false, total > 1),
    totals: { passed: tests - failed - skipped - notJudged, failed, skipped, notJudged },
    requirements,
    failedRequirements: (Object.keys(given) as RequirementId[]).filter((id) => given[id]?.status === 'failed'),
    notJudgedRequirements: (Object.keys(given) as RequirementId[]).filter((id) => given[id]?.status === 'not-judged'),
    failedTests: [],
    errors: 0,
    requests: 10,
    shard: { current, total },
  };
}

/** AUTH-02, not judged: its two tests met a refused connection. */
export const NOT_JUDGED_AUTH02: Partial<RequirementVerdict> = {
  status: 'not-judged',
  tests: 2,
  notJudgedTests: 2,
  reason: 'connection refused (GET /v1/balance)',
  reasons: ['connection refused (GET /v1/balance)'],
};
