/**
 * The run's summary (reports/conformance-summary.json, docs/interface.md): its types and the pure
 * functions over it: tallying test outcomes into requirement verdicts, merging shards, the exit
 * status, and the closing console lines. No I/O, so the reporters, the matrix and the scripts
 * (merge-summaries, the self-tests) share one definition without importing a reporter.
 */
import type { FullResult, TestCase } from '@playwright/test/reporter';
import { NOT_JUDGED } from '../client/not-judged';
import { REQUIREMENTS, TARGET_REQUIREMENTS, requirementIdsIn, type Level, type RequirementId } from '../contract/requirements';
import type { Verdict } from '../contract/verdict';

/**
 * `not-judged` (SAFE-07): a test of the requirement could not reach a judgement (the target was
 * unreachable, timed out, stayed rate-limited, or a limit of the run was reached) and none failed.
 * Neither held nor failed: the run cannot say.
 */
type RequirementStatus = 'passed' | 'failed' | 'skipped' | 'not-judged';

export interface RequirementVerdict {
  level: Level;
  status: RequirementStatus;
  tests: number;
  failedTests: number;
  /** Tests of it that could not be judged. */
  notJudgedTests: number;
  /** Only when skipped or not judged: why, the distinct reasons joined with "; ". */
  reason?: string;
  /** Only when skipped or not judged: the distinct reasons, sorted (what a merge of shards unites). */
  reasons?: string[];
}

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

interface Tally {
  tests: number;
  failed: number;
  passed: number;
  notJudged: number;
  /** Why tests were skipped. */
  reasons: Set<string>;
  /** Why tests were not judged. */
  notJudgedReasons: Set<string>;
}

const emptyTally = (): Tally => ({ tests: 0, failed: 0, passed: 0, notJudged: 0, reasons: new Set(), notJudgedReasons: new Set() });

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
  for (const test of tests) {
    const runtime = test.results.at(-1)?.annotations ?? [];
    for (const a of runtime.length ? runtime : test.annotations) if (a.type === 'requests') requests += Number(a.description) || 0;
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
    ...(options.ended === 'timedout' ? { timedOut: true } : {}),
    scope: scopeOf(requirements, options.selectedBy, options.wholeSuite),
  };
}

function scopeOf(requirements: Summary['requirements'], by?: string, wholeSuite?: SummariseOptions['wholeSuite']): NonNullable<Summary['scope']> {
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
function verdictOf(id: RequirementId, e: Tally): RequirementVerdict {
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

function listOf(requirements: Summary['requirements'], status: RequirementStatus): RequirementId[] {
  return (Object.keys(requirements) as RequirementId[])
    .filter((id) => requirements[id]?.status === status)
    .sort((a, b) => (REQUIREMENTS[a].level === REQUIREMENTS[b].level ? a.localeCompare(b) : REQUIREMENTS[a].level === 'must' ? -1 : 1));
}

/**
 * SAFE-07: "does-not-conform" when a `must` failed (a `should` too, with failOnShould), even if
 * other checks could not be judged; else "could-not-judge" when a `must` was not judged or none
 * was judged at all (skips for unconfigured credentials do not stop "conforms" on their own).
 * A shard (`partial`) is judged on its own tests: it may hold no `must` at all.
 */
export function runVerdict(requirements: Summary['requirements'], failOnShould: boolean, partial = false): Verdict {
  const entries = Object.values(requirements).filter((v): v is RequirementVerdict => !!v);
  if (entries.some((v) => v.status === 'failed' && (v.level === 'must' || failOnShould))) return 'does-not-conform';
  const musts = entries.filter((v) => v.level === 'must');
  if (musts.some((v) => v.status === 'not-judged') || (!partial && !musts.some((v) => v.status === 'passed'))) return 'could-not-judge';
  return 'conforms';
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
    mergedShards: shards.length,
    ...(shards.some((s) => s.timedOut) ? { timedOut: true } : {}),
    scope: scopeOf(requirements, shards.find((s) => s.scope?.by)?.scope?.by),
  };
}

const CATALOGUE_ORDER = new Map(Object.keys(REQUIREMENTS).map((id, i) => [id, i]));
function byCatalogueOrder(a: string, b: string): number {
  return (CATALOGUE_ORDER.get(a) ?? 0) - (CATALOGUE_ORDER.get(b) ?? 0);
}

/** The exit status of each verdict (interface.md). */
const EXIT_STATUS: Record<Verdict, number> = { conforms: 0, 'does-not-conform': 1, 'could-not-judge': 3 };

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
    `Requests sent to the target: ${summary.requests}.`,
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

/** One line per distinct reason, so an unreachable target reads as one line, not thirty. */
function notJudgedLines(summary: Summary): string[] {
  const byReason = new Map<string, string[]>();
  for (const id of summary.notJudgedRequirements ?? []) {
    const reason = summary.requirements[id]?.reason ?? '';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${id}${REQUIREMENTS[id].level === 'should' ? ' (should)' : ''}`]);
  }
  return [...byReason].map(([reason, ids]) => `  NOT JUDGED ${ids.join(', ')}: ${reason}`);
}
