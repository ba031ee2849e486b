/**
 * The summary of a run split into shards (`npm run conformance:merge`, the self-test's shard check):
 * what one unsplit run would have written, built from the shards' summaries with the same tally.
 */
import { REQUIREMENTS, type RequirementId } from '../contract/requirements';
import { emptyTally, listOf, runVerdict, scopeOf, verdictOf, type RequirementVerdict, type Summary, type Tally } from './summary';

/**
 * The summary of a run split into shards: what one unsplit run would have written. Tests and
 * requests add up; a requirement fails if it failed in any shard, holds if it held in any other,
 * and is skipped (with every shard's reasons) only where no shard ran a test of it that counted.
 */
export function mergeSummaries(shards: readonly Summary[], failOnShould = false): Summary {
  const first = shards[0];
  if (!first) throw new Error('No summary to merge.');
  const byId = new Map<RequirementId, Tally>();
  for (const s of shards) {
    for (const [id, v] of Object.entries(s.requirements) as Array<[RequirementId, RequirementVerdict]>) {
      const e = byId.get(id) ?? emptyTally();
      e.tests += v.tests;
      e.failed += v.failedTests;
      e.notJudged += v.notJudgedTests ?? 0;
      if (v.status === 'passed') e.passed++;
      if (v.status === 'skipped' && v.tests > 0) for (const r of v.reasons ?? [v.reason ?? 'skipped']) e.reasons.add(r);
      if (v.status === 'not-judged') {
        // A shard that never started its tests (time limit, unreachable) has none to count.
        if (!v.notJudgedTests) e.notJudged++;
        for (const r of v.reasons ?? [v.reason ?? 'not judged']) e.notJudgedReasons.add(r);
      }
      byId.set(id, e);
    }
  }
  const requirements: Partial<Record<RequirementId, RequirementVerdict>> = {};
  for (const id of [...byId.keys()].sort(byCatalogueOrder)) requirements[id] = verdictOf(id, byId.get(id)!);
  const sum = (f: (s: Summary) => number): number => shards.reduce((n, s) => n + f(s), 0);
  // A shard that found one live challenge ran its signing checks one at a time: the merge says so.
  const live = shards.some((s) => s.liveChallenges === 'one') ? 'one' : shards.find((s) => s.liveChallenges)?.liveChallenges;
  return {
    target: first.target,
    baseUrl: first.baseUrl,
    startedAt: shards.map((s) => s.startedAt).sort()[0]!,
    verdict: runVerdict(requirements, failOnShould),
    totals: {
      passed: sum((s) => s.totals.passed),
      failed: sum((s) => s.totals.failed),
      skipped: sum((s) => s.totals.skipped),
      notJudged: sum((s) => s.totals.notJudged ?? 0),
    },
    requirements,
    failedRequirements: listOf(requirements, 'failed'),
    notJudgedRequirements: listOf(requirements, 'not-judged'),
    failedTests: shards.flatMap((s) => s.failedTests),
    errors: sum((s) => s.errors),
    requests: sum((s) => s.requests),
    ...(live ? { liveChallenges: live } : {}),
    mergedShards: shards.length,
    ...(shards.some((s) => s.timedOut) ? { timedOut: true } : {}),
    scope: scopeOf(requirements, shards.find((s) => s.scope?.by)?.scope?.by),
  };
}

const CATALOGUE_ORDER = new Map(Object.keys(REQUIREMENTS).map((id, i) => [id, i]));
function byCatalogueOrder(a: string, b: string): number {
  return (CATALOGUE_ORDER.get(a) ?? 0) - (CATALOGUE_ORDER.get(b) ?? 0);
}
