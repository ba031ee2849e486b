/**
 * How a run says its verdict (docs/interface.md): as an exit status, and in words, the closing
 * console lines that end with one verdict sentence. Pure functions of a summary (summary.ts).
 */
import { ASKED_TO_FIND_OUT } from '../client/flow/turns';
import { REQUEST_BUDGET } from '../cases/families';
import { REQUIREMENTS, type RequirementId } from '../contract/requirements';
import { EXIT_STATUS } from '../contract/verdict';
import { runVerdict, type RequirementVerdict, type Summary } from './summary';

/**
 * The exit status a summary stands for (interface.md): 0 when every `must` held (skips allowed),
 * 1 when one failed (or a `should`, with failOnShould), or when the run was incomplete: errors
 * outside tests, or Playwright failing with neither a failed nor a not-judged test; 3 when a
 * `must` could not be judged, or none was (SAFE-07). A failure wins over "could not judge".
 * A shard is judged on its own tests only: requirements checked in other shards show as not
 * selected, which never fails it.
 */
export function exitCodeFor(summary: Summary, playwrightCode: number, failOnShould: boolean, log: (line: string) => void = () => {}): number {
  const verdict = runVerdict(summary.requirements, failOnShould, !!summary.shard);
  if (verdict === 'does-not-conform') return 1;
  if (summary.errors > 0) {
    log(`${summary.errors} error(s) outside any test (see above): the verdict is incomplete.`);
    return 1;
  }
  if (playwrightCode !== 0 && summary.totals.failed === 0 && !summary.totals.notJudged && !summary.timedOut) {
    log(`Playwright exited ${playwrightCode} without a failed test; treating the run as failed.`);
    return 1;
  }
  return EXIT_STATUS[verdict];
}

/**
 * The verdict in one sentence: "the target conforms", "the target does NOT conform: …", or
 * "could not judge the target: …" (SAFE-07), naming what failed or was not judged.
 */
export function verdictLine(summary: Pick<Summary, 'failedRequirements' | 'notJudgedRequirements' | 'requirements' | 'verdict' | 'scope' | 'shard'>): string {
  const mustFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'must');
  const shouldFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'should');
  const mustNotJudged = (summary.notJudgedRequirements ?? []).filter((id) => REQUIREMENTS[id].level === 'must');
  const alsoNotJudged = mustNotJudged.length ? `; not judged: ${mustNotJudged.join(', ')}` : '';
  if (mustFailed.length > 0)
    return `the target does NOT conform: ${mustFailed.join(', ')} failed${shouldFailed.length ? `; should: ${shouldFailed.join(', ')}` : ''}${alsoNotJudged}`;
  if (summary.verdict === 'could-not-judge') {
    if (mustNotJudged.length === 0) return 'could not judge the target: no `must` requirement was judged';
    const reasons = [...new Set(mustNotJudged.flatMap((id) => summary.requirements[id]?.reasons ?? []))];
    const shown = reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? `; and ${reasons.length - 3} more reason(s)` : '');
    return `could not judge the target: ${mustNotJudged.length > 8 ? `${mustNotJudged.length} must requirements` : mustNotJudged.join(', ')} not judged (${shown})`;
  }
  const scope = summary.scope && (summary.scope.notRun > 0 || summary.scope.partial?.length) && !summary.shard ? ` ${scopeWords(summary.scope)}` : '';
  // A must requirement its checks skipped (a credential not configured, or nothing on the target to
  // check it with) did not hold: the verdict names it, so "conforms" never reads as more than it is.
  const mustSkipped = (Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict | undefined]>)
    .filter(([id, v]) => v?.status === 'skipped' && v.tests > 0 && REQUIREMENTS[id].level === 'must')
    .map(([id]) => id);
  const unchecked = mustSkipped.length ? `; skipped, so not checked: ${mustSkipped.join(', ')}` : '';
  if (shouldFailed.length > 0) return `the target conforms${scope || ' to every must'}; should failed: ${shouldFailed.join(', ')}${unchecked}`;
  return `the target conforms${scope}${unchecked}`;
}

/** "to the 1 requirement selected (35 not run: --grep)": a verdict over a selection says so. */
function scopeWords(scope: NonNullable<Summary['scope']>): string {
  const partial = (scope.partial ?? []).map((p) => `${p.id} ${p.ran} of ${p.of} tests`);
  const part = partial.length ? `; only in part: ${partial.slice(0, 4).join(', ')}${partial.length > 4 ? `, and ${partial.length - 4} more` : ''}` : '';
  return `to the ${scope.selected} requirement${scope.selected === 1 ? '' : 's'} selected (${scope.notRun} not run${scope.by ? `: ${scope.by}` : ''}${part})`;
}

/** The closing lines: requests, requirement counts, failures, checks not judged and skips, and one verdict line. */
export function verdictLines(summary: Summary, summaryFile = 'reports/conformance-summary.json'): string[] {
  const entries = Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict]>;
  const skipped = entries.filter(([, v]) => v.status === 'skipped');
  const notRun = skipped.filter(([, v]) => v.tests === 0).map(([id]) => id);
  const held = entries.filter(([, v]) => v.status === 'passed').length;
  const verdict = summary.shard
    ? `Verdict of shard ${summary.shard.current}/${summary.shard.total} alone: ${verdictLine(summary)}. Merge every shard for the run's verdict (npm run conformance:merge).`
    : `Verdict${summary.mergedShards ? ` (merged from ${summary.mergedShards} shards)` : ''}: ${verdictLine(summary)}.`;
  const notJudged = summary.notJudgedRequirements ?? [];
  return [
    '',
    `Requests sent to the target: ${summary.requests} (the default sample stays within ${REQUEST_BUDGET}${summary.explore ? `, plus ${summary.explore} of exploration (CARDPLUSPAY_EXPLORE)` : ''}).`,
    ...liveChallengesLines(summary),
    ...(summary.seed ? [`Seed: ${summary.seed} (CARDPLUSPAY_SEED=${summary.seed} replays this run's sample of the families).`] : []),
    ...(summary.timedOut ? ["The run's time limit (CARDPLUSPAY_TIMEOUT_SECONDS) ended it: checks not run count as not judged."] : []),
    `Requirements: ${held} held, ${summary.failedRequirements.length} failed, ${notJudged.length} not judged, ${skipped.length - notRun.length} skipped${notRun.length ? `, ${notRun.length} not run` : ''}. ` +
      `Tests: ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.notJudged ?? 0} not judged, ${summary.totals.skipped} skipped.`,
    ...summary.failedRequirements.map((id) => `  FAILED ${id} (${REQUIREMENTS[id].level}): ${REQUIREMENTS[id].title}`),
    ...notJudgedLines(summary),
    ...skipped.filter(([, v]) => v.tests > 0).map(([id, v]) => `  skipped ${id}: ${v.reason ?? ''}`),
    ...(notRun.length ? [`  not run${summary.shard ? ' in this shard' : ''}: ${notRun.join(', ')}`] : []),
    `Requirement matrix: ${summaryFile.replace(/\.json$/, '.md')}; Allure report: npm run report.`,
    verdict,
    '',
  ];
}

/** What the run's first signing check found (CARDPLUSPAY_LIVE_CHALLENGES=auto), and so how the signing checks ran. */
export function liveChallengesLines({ liveChallenges }: Summary): string[] {
  if (!liveChallenges) return [];
  return [
    liveChallenges === 'several'
      ? `Request signing: the API kept ${ASKED_TO_FIND_OUT} challenges of an account live at once, so the signing checks ran side by side.`
      : "Request signing: a new challenge or a use ended an account's older challenges (or the first signing check could not tell), so the signing checks ran one at a time (CARDPLUSPAY_LIVE_CHALLENGES, docs/configuration.md).",
  ];
}

/** One line per distinct reason, so an unreachable target reads as one line, not thirty. */
function notJudgedLines(summary: Summary): string[] {
  const byReason = new Map<string, string[]>();
  for (const id of summary.notJudgedRequirements ?? []) {
    const reason = summary.requirements[id]?.reason ?? '';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${id}${REQUIREMENTS[id].level === 'should' ? ' (should)' : ''}`]);
  }
  return [...byReason].map(([reason, ids]) => `  NOT JUDGED ${ids.join(', ')}: ${reason}`);
}
