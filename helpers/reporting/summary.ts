/**
 * The run's summary (reports/conformance-summary.json, docs/interface.md): its types, and the tally
 * of test outcomes into requirement verdicts and the run's verdict. Merging shards is in
 * merge-shards.ts, the verdict's words and exit status in verdict-words.ts. No I/O, so the
 * reporters, the matrix and the scripts (merge-summaries, the self-tests) share one definition
 * without importing a reporter.
 */
import type { FullResult, TestCase } from '@playwright/test/reporter';
import { NOT_JUDGED } from '../contract/verdict';
import { LIVE_CHALLENGES_FOUND, type LiveChallenges } from '../client/flow/turns';
import { REQUIREMENTS, TARGET_REQUIREMENTS, requirementIdsIn, type RequirementId } from '../contract/requirements';
import { runVerdict, type RequirementStatus, type RequirementVerdict, type Verdict } from '../contract/verdict';

export { runVerdict } from '../contract/verdict';
export type { RequirementStatus, RequirementVerdict } from '../contract/verdict';

export interface Summary {
  target: 'mock' | 'remote';
  baseUrl: string;
  startedAt: string;
  /** conforms (exit 0), does-not-conform (1), could-not-judge (3). */
  verdict: Verdict;
  totals: { passed: number; failed: number; skipped: number; notJudged: number };
  requirements: Partial<Record<RequirementId, RequirementVerdict>>;
  /** Requirement ids that failed, must first. */
  failedRequirements: RequirementId[];
  /** Requirement ids that could not be judged, must first. */
  notJudgedRequirements: RequirementId[];
  /** Test titles that failed, for the console and the self-test. */
  failedTests: string[];
  /** Errors outside any test (a spec that did not load, a worker that died). */
  errors: number;
  /** Requests the run sent to the target (retries included): what staying polite is measured by. */
  requests: number;
  /** How many live challenges the run's first signing check found the API keeps for an account (CARDPLUSPAY_LIVE_CHALLENGES=auto). */
  liveChallenges?: LiveChallenges;
  /** The seed of the families' sample (CARDPLUSPAY_SEED replays it) and the requests of exploration added to it. */
  seed?: string;
  explore?: number;
  /** Set when this run was one shard of several (`--shard current/total`): its verdict is partial. */
  shard?: { current: number; total: number };
  /** Set on a summary merged from this many shards. */
  mergedShards?: number;
  /** Set when the run's time limit (CARDPLUSPAY_TIMEOUT_SECONDS) ended it: checks not run count as not judged. */
  timedOut?: boolean;
  /**
   * What the verdict covers (SAFE-07): the requirements with a test in this run, those with none,
   * and what selected them (`--grep`, `--project`, ...) when the run was limited.
   */
  scope?: { selected: number; notRun: number; by?: string; partial?: Array<{ id: RequirementId; ran: number; of: number }> };
}

/** The reason a requirement shows when no test of it ran in this run. */
export const NOT_SELECTED = 'no test of this requirement ran (not selected)';

export interface Tally {
  tests: number;
  failed: number;
  passed: number;
  notJudged: number;
  /** Why tests were skipped. */
  reasons: Set<string>;
  /** Why tests were not judged. */
  notJudgedReasons: Set<string>;
}

export const emptyTally = (): Tally => ({ tests: 0, failed: 0, passed: 0, notJudged: 0, reasons: new Set(), notJudgedReasons: new Set() });

/** Why a test that never finished was not judged: the run ended before it could. */
const NOT_RUN_TIME_LIMIT = "not run: the run's time limit (CARDPLUSPAY_TIMEOUT_SECONDS) was reached first";

export interface SummariseOptions {
  /** How the run ended: `timedout` when its time limit stopped it. */
  ended?: FullResult['status'];
  /** Tests that reached onTestEnd; any other test never finished. Unset: every test with a result did. */
  finished?: ReadonlySet<TestCase>;
  failOnShould?: boolean;
  /** A shard's summary: judged on its own tests. */
  partial?: boolean;
  /** What limited the run to a selection (`--grep`), said in the verdict when some requirement had no test. */
  selectedBy?: string;
  /** The whole suite's tests per requirement (census.ts), when the run was a selection: which requirements ran only in part. */
  wholeSuite?: Partial<Record<RequirementId, number>>;
}

/** One test's status: the real one, not the outcome (the self-test marks failures against a faulty mock as expected). */
function statusOf(test: TestCase, options: SummariseOptions): { status: RequirementStatus; reason?: string } {
  const result = test.results.at(-1);
  const stopped = options.ended === 'timedout' || options.ended === 'interrupted';
  if (!result || (options.finished && !options.finished.has(test))) {
    return stopped
      ? { status: 'not-judged', reason: options.ended === 'timedout' ? NOT_RUN_TIME_LIMIT : 'not run: the run was interrupted' }
      : { status: 'skipped' };
  }
  const notJudged = result.annotations.find((a) => a.type === NOT_JUDGED);
  // A check that failed once and passed on a retry failed: a flaky conformance check is a finding.
  if (test.results.some((r) => r.status === 'failed' && !r.annotations.some((a) => a.type === NOT_JUDGED))) return { status: 'failed' };
  if (result.status === 'passed') return { status: 'passed' };
  if (result.status === 'skipped') return notJudged ? { status: 'not-judged', reason: notJudged.description ?? 'not judged' } : { status: 'skipped' };
  return { status: 'failed' };
}

export function summarise(tests: readonly TestCase[], startedAt: Date, run: Pick<Summary, 'target' | 'baseUrl'>, options: SummariseOptions = {}): Summary {
  const totals = { passed: 0, failed: 0, skipped: 0, notJudged: 0 };
  const byId = new Map<RequirementId, Tally>();
  for (const id of TARGET_REQUIREMENTS) byId.set(id, emptyTally());
  const failedTests: string[] = [];
  let requests = 0;
  let liveChallenges: LiveChallenges | undefined;
  for (const test of tests) {
    const runtime = test.results.at(-1)?.annotations ?? [];
    for (const a of runtime.length ? runtime : test.annotations) {
      if (a.type === 'requests') requests += Number(a.description) || 0;
      if (a.type === LIVE_CHALLENGES_FOUND && (a.description === 'one' || a.description === 'several')) liveChallenges = a.description;
    }
    const { status, reason } = statusOf(test, options);
    totals[status === 'not-judged' ? 'notJudged' : status]++;
    if (status === 'failed') failedTests.push(test.title);
    for (const id of requirementIdsIn(test.annotations)) {
      const entry = byId.get(id) ?? emptyTally();
      entry.tests++;
      if (status === 'failed') entry.failed++;
      if (status === 'passed') entry.passed++;
      if (status === 'not-judged') {
        entry.notJudged++;
        entry.notJudgedReasons.add(reason ?? 'not judged');
      }
      if (status === 'skipped') {
        const skip = [...test.annotations, ...(test.results.at(-1)?.annotations ?? [])].find((a) => a.type === 'skip' || a.type === 'fixme');
        entry.reasons.add(skip?.description ?? 'skipped');
      }
      byId.set(id, entry);
    }
  }
  const requirements: Partial<Record<RequirementId, RequirementVerdict>> = {};
  for (const [id, e] of byId) requirements[id] = verdictOf(id, e);
  return {
    target: run.target,
    baseUrl: run.baseUrl,
    startedAt: startedAt.toISOString(),
    verdict: runVerdict(requirements, options.failOnShould ?? false, options.partial),
    totals,
    requirements,
    failedRequirements: listOf(requirements, 'failed'),
    notJudgedRequirements: listOf(requirements, 'not-judged'),
    failedTests,
    errors: 0,
    requests,
    ...(liveChallenges ? { liveChallenges } : {}),
    ...(options.ended === 'timedout' ? { timedOut: true } : {}),
    scope: scopeOf(requirements, options.selectedBy, options.wholeSuite),
  };
}

export function scopeOf(requirements: Summary['requirements'], by?: string, wholeSuite?: SummariseOptions['wholeSuite']): NonNullable<Summary['scope']> {
  const entries = Object.entries(requirements).filter((e): e is [RequirementId, RequirementVerdict] => !!e[1]);
  const notRun = entries.filter(([, v]) => v.tests === 0).length;
  const partial = entries.filter(([id, v]) => v.tests > 0 && (wholeSuite?.[id] ?? 0) > v.tests).map(([id, v]) => ({ id, ran: v.tests, of: wholeSuite![id]! }));
  return { selected: entries.length - notRun, notRun, ...((notRun > 0 || partial.length > 0) && by ? { by } : {}), ...(partial.length > 0 ? { partial } : {}) };
}

/**
 * A requirement fails with any failed test. Otherwise it is not judged when any of its tests could
 * not be judged: a check that did not run to its end proves nothing, so "held" needs every test
 * that ran to pass. It holds with a passed test, and is skipped when its tests were only skipped.
 */
export function verdictOf(id: RequirementId, e: Tally): RequirementVerdict {
  const status: RequirementStatus = e.failed > 0 ? 'failed' : e.notJudged > 0 ? 'not-judged' : e.passed > 0 ? 'passed' : 'skipped';
  // Sorted, so a run split into shards and merged names its reasons in the same order.
  const reasons = status === 'not-judged' ? [...e.notJudgedReasons].sort() : e.tests === 0 ? [NOT_SELECTED] : [...e.reasons].sort();
  return {
    level: REQUIREMENTS[id].level,
    status,
    tests: e.tests,
    failedTests: e.failed,
    notJudgedTests: e.notJudged,
    ...(status === 'skipped' || status === 'not-judged' ? { reason: reasons.join('; '), reasons } : {}),
  };
}

export function listOf(requirements: Summary['requirements'], status: RequirementStatus): RequirementId[] {
  return (Object.keys(requirements) as RequirementId[])
    .filter((id) => requirements[id]?.status === status)
    .sort((a, b) => (REQUIREMENTS[a].level === REQUIREMENTS[b].level ? a.localeCompare(b) : REQUIREMENTS[a].level === 'must' ? -1 : 1));
}

/**
 * The summary of a run in which no test ran: the preflight found the target unreachable (every
 * requirement not judged), its certificate did not verify (TLS-01 failed, the rest not judged),
 * or the run was stopped before it wrote one.
 */
export function summaryWithoutTests(
  run: { target: Summary['target']; baseUrl: string; startedAt: Date },
  reason: string,
  failed: Partial<Record<RequirementId, string>> = {},
): Summary {
  const requirements: Partial<Record<RequirementId, RequirementVerdict>> = {};
  for (const id of TARGET_REQUIREMENTS) {
    const why = failed[id];
    requirements[id] = why
      ? { level: REQUIREMENTS[id].level, status: 'failed', tests: 0, failedTests: 0, notJudgedTests: 0, reason: why, reasons: [why] }
      : { level: REQUIREMENTS[id].level, status: 'not-judged', tests: 0, failedTests: 0, notJudgedTests: 0, reason, reasons: [reason] };
  }
  return {
    target: run.target,
    baseUrl: run.baseUrl,
    startedAt: run.startedAt.toISOString(),
    verdict: runVerdict(requirements, false),
    totals: { passed: 0, failed: 0, skipped: 0, notJudged: 0 },
    requirements,
    failedRequirements: listOf(requirements, 'failed'),
    notJudgedRequirements: listOf(requirements, 'not-judged'),
    failedTests: [],
    errors: 0,
    requests: 0,
  };
}
