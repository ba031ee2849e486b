/**
 * The run's summary (reports/conformance-summary.json, docs/interface.md): its types and the pure
 * functions over it: tallying test outcomes into requirement verdicts, merging shards, the exit
 * status, and the closing console lines. No I/O, so the reporters, the matrix and the scripts
 * (merge-summaries, the self-tests) share one definition without importing a reporter.
 */
import type { TestCase } from '@playwright/test/reporter';
import { REQUIREMENTS, TARGET_REQUIREMENTS, isRequirementId, type Level, type RequirementId } from '../requirements';

type RequirementStatus = 'passed' | 'failed' | 'skipped';

export interface RequirementVerdict {
  level: Level;
  status: RequirementStatus;
  tests: number;
  failedTests: number;
  /** Only when skipped: why, the distinct reasons joined with "; ". */
  reason?: string;
  /** Only when skipped: the distinct reasons, sorted (what a merge of shards unites). */
  reasons?: string[];
}

export interface Summary {
  target: 'mock' | 'remote';
  baseUrl: string;
  startedAt: string;
  totals: { passed: number; failed: number; skipped: number };
  requirements: Partial<Record<RequirementId, RequirementVerdict>>;
  /** Requirement ids that failed, must first. */
  failedRequirements: RequirementId[];
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
}

/** The reason a requirement shows when no test of it ran in this run. */
export const NOT_SELECTED = 'no test of this requirement ran (not selected)';

function requirementIdsOf(test: TestCase): RequirementId[] {
  return test.annotations.filter((a) => a.type === 'requirement' && a.description && isRequirementId(a.description)).map((a) => a.description as RequirementId);
}

interface Tally {
  tests: number;
  failed: number;
  passed: number;
  reasons: Set<string>;
}

export function summarise(tests: readonly TestCase[], startedAt: Date, run: Pick<Summary, 'target' | 'baseUrl'>): Summary {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const byId = new Map<RequirementId, Tally>();
  for (const id of TARGET_REQUIREMENTS) byId.set(id, { tests: 0, failed: 0, passed: 0, reasons: new Set() });
  const failedTests: string[] = [];
  let requests = 0;
  for (const test of tests) {
    const runtime = test.results.at(-1)?.annotations ?? [];
    for (const a of runtime.length ? runtime : test.annotations) if (a.type === 'requests') requests += Number(a.description) || 0;
    // The real status, not the outcome: the self-test marks failures against a faulty mock as expected.
    const last = test.results.at(-1)?.status;
    const status: RequirementStatus = last === 'passed' ? 'passed' : last === undefined || last === 'skipped' ? 'skipped' : 'failed';
    totals[status]++;
    if (status === 'failed') failedTests.push(test.title);
    for (const id of requirementIdsOf(test)) {
      const entry = byId.get(id) ?? { tests: 0, failed: 0, passed: 0, reasons: new Set<string>() };
      entry.tests++;
      if (status === 'failed') entry.failed++;
      if (status === 'passed') entry.passed++;
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
    totals,
    requirements,
    failedRequirements: failedOf(requirements),
    failedTests,
    errors: 0,
    requests,
  };
}

/** A requirement fails with any failed test, holds with any passed one, and is skipped otherwise. */
function verdictOf(id: RequirementId, e: Tally): RequirementVerdict {
  const status: RequirementStatus = e.failed > 0 ? 'failed' : e.passed > 0 ? 'passed' : 'skipped';
  // Sorted, so a run split into shards and merged names its reasons in the same order.
  const reasons = e.tests === 0 ? [NOT_SELECTED] : [...e.reasons].sort();
  return {
    level: REQUIREMENTS[id].level,
    status,
    tests: e.tests,
    failedTests: e.failed,
    ...(status === 'skipped' ? { reason: reasons.join('; '), reasons } : {}),
  };
}

function failedOf(requirements: Summary['requirements']): RequirementId[] {
  return (Object.keys(requirements) as RequirementId[])
    .filter((id) => requirements[id]?.status === 'failed')
    .sort((a, b) => (REQUIREMENTS[a].level === REQUIREMENTS[b].level ? a.localeCompare(b) : REQUIREMENTS[a].level === 'must' ? -1 : 1));
}

/**
 * The summary of a run split into shards: what one unsplit run would have written. Tests and
 * requests add up; a requirement fails if it failed in any shard, holds if it held in any other,
 * and is skipped (with every shard's reasons) only where no shard ran a test of it that counted.
 */
export function mergeSummaries(shards: readonly Summary[]): Summary {
  const first = shards[0];
  if (!first) throw new Error('No summary to merge.');
  const byId = new Map<RequirementId, Tally>();
  for (const s of shards) {
    for (const [id, v] of Object.entries(s.requirements) as Array<[RequirementId, RequirementVerdict]>) {
      const e = byId.get(id) ?? { tests: 0, failed: 0, passed: 0, reasons: new Set<string>() };
      e.tests += v.tests;
      e.failed += v.failedTests;
      if (v.status === 'passed') e.passed++;
      if (v.status === 'skipped' && v.tests > 0) for (const r of v.reasons ?? [v.reason ?? 'skipped']) e.reasons.add(r);
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
    totals: { passed: sum((s) => s.totals.passed), failed: sum((s) => s.totals.failed), skipped: sum((s) => s.totals.skipped) },
    requirements,
    failedRequirements: failedOf(requirements),
    failedTests: shards.flatMap((s) => s.failedTests),
    errors: sum((s) => s.errors),
    requests: sum((s) => s.requests),
    mergedShards: shards.length,
  };
}

const CATALOGUE_ORDER = new Map(Object.keys(REQUIREMENTS).map((id, i) => [id, i]));
function byCatalogueOrder(a: string, b: string): number {
  return (CATALOGUE_ORDER.get(a) ?? 0) - (CATALOGUE_ORDER.get(b) ?? 0);
}

/**
 * The exit status a summary stands for (docs/interface.md): 0 when every `must` held (skips allowed),
 * 1 when one failed (or a `should`, with failOnShould), or when the run was incomplete: errors
 * outside tests, or Playwright failing without a failed test. A shard is judged on its own tests
 * only: requirements checked in other shards show as not selected, which never fails it.
 */
export function exitCodeFor(summary: Summary, playwrightCode: number, failOnShould: boolean, log: (line: string) => void = () => {}): number {
  const failing = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'must' || failOnShould);
  if (summary.errors > 0) {
    log(`${summary.errors} error(s) outside any test (see above): the verdict is incomplete.`);
    return 1;
  }
  if (playwrightCode !== 0 && summary.totals.failed === 0) {
    log(`Playwright exited ${playwrightCode} without a failed test; treating the run as failed.`);
    return 1;
  }
  return failing.length > 0 ? 1 : 0;
}

export function verdictLine(summary: Pick<Summary, 'failedRequirements'>): string {
  const mustFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'must');
  const shouldFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'should');
  if (mustFailed.length > 0) return `does NOT conform: ${mustFailed.join(', ')} failed${shouldFailed.length ? `; should: ${shouldFailed.join(', ')}` : ''}`;
  if (shouldFailed.length > 0) return `conforms to every must; should failed: ${shouldFailed.join(', ')}`;
  return 'conforms';
}

/** The closing lines: requests, requirement counts, failures and skips, and one verdict line. */
export function verdictLines(summary: Summary, summaryFile = 'reports/conformance-summary.json'): string[] {
  const entries = Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict]>;
  const skipped = entries.filter(([, v]) => v.status === 'skipped');
  const notRun = skipped.filter(([, v]) => v.tests === 0).map(([id]) => id);
  const held = entries.filter(([, v]) => v.status === 'passed').length;
  const verdict = summary.shard
    ? `Verdict of shard ${summary.shard.current}/${summary.shard.total} alone: the target ${verdictLine(summary)}. Merge every shard for the run's verdict (npm run conformance:merge).`
    : `Verdict${summary.mergedShards ? ` (merged from ${summary.mergedShards} shards)` : ''}: the target ${verdictLine(summary)}.`;
  return [
    '',
    `Requests sent to the target: ${summary.requests}.`,
    `Requirements: ${held} held, ${summary.failedRequirements.length} failed, ${skipped.length - notRun.length} skipped${notRun.length ? `, ${notRun.length} not run` : ''}. Tests: ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.skipped} skipped.`,
    ...summary.failedRequirements.map((id) => `  FAILED ${id} (${REQUIREMENTS[id].level}): ${REQUIREMENTS[id].title}`),
    ...skipped.filter(([, v]) => v.tests > 0).map(([id, v]) => `  skipped ${id}: ${v.reason ?? ''}`),
    ...(notRun.length ? [`  not run${summary.shard ? ' in this shard' : ''}: ${notRun.join(', ')}`] : []),
    `Requirement matrix: ${summaryFile.replace(/\.json$/, '.md')}; Allure report: npm run report.`,
    verdict,
    '',
  ];
}
