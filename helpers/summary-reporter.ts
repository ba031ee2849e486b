/**
 * Turns test outcomes into the requirement verdict: reports/conformance-summary.json (interface.md),
 * reports/conformance-summary.md, and a few closing console lines. With several projects (the
 * fault self-test), it writes one summary per project instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, Reporter, Suite, TestCase } from '@playwright/test/reporter';
import { REQUIREMENTS, TARGET_REQUIREMENTS, isRequirementId, type Level, type RequirementId } from './requirements';

export type RequirementStatus = 'passed' | 'failed' | 'skipped';

export interface RequirementVerdict {
  level: Level;
  status: RequirementStatus;
  tests: number;
  failedTests: number;
  reason?: string;
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
}

interface Options {
  outputFile?: string;
  /** Write one summary per project to this file instead (the fault self-test). */
  perProjectFile?: string;
  quiet?: boolean;
}

export function requirementIdsOf(test: TestCase): RequirementId[] {
  return test.annotations.filter((a) => a.type === 'requirement' && a.description && isRequirementId(a.description)).map((a) => a.description as RequirementId);
}

export function summarise(tests: readonly TestCase[], startedAt: Date, env: NodeJS.ProcessEnv): Summary {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const byId = new Map<RequirementId, { tests: number; failed: number; passed: number; reasons: Set<string> }>();
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
  for (const [id, e] of byId) {
    const status: RequirementStatus = e.failed > 0 ? 'failed' : e.passed > 0 ? 'passed' : 'skipped';
    requirements[id] = {
      level: REQUIREMENTS[id].level,
      status,
      tests: e.tests,
      failedTests: e.failed,
      ...(status === 'skipped' ? { reason: e.tests === 0 ? 'no test of this requirement ran (not selected)' : [...e.reasons].join('; ') } : {}),
    };
  }
  const failedRequirements = (Object.keys(requirements) as RequirementId[])
    .filter((id) => requirements[id]?.status === 'failed')
    .sort((a, b) => (REQUIREMENTS[a].level === REQUIREMENTS[b].level ? a.localeCompare(b) : REQUIREMENTS[a].level === 'must' ? -1 : 1));
  return {
    target: env.CARDPLUSPAY_TARGET === 'mock' ? 'mock' : 'remote',
    baseUrl: env.CARDPLUSPAY_BASE_URL ?? '',
    startedAt: startedAt.toISOString(),
    totals,
    requirements,
    failedRequirements,
    failedTests,
    errors: 0,
    requests,
  };
}

/** The requirement matrix as Markdown: what a reviewer reads without opening any test. */
export function summaryMarkdown(summary: Summary): string {
  const lines = [
    `# CardPlusPay conformance: ${verdictLine(summary)}`,
    '',
    `Target: ${summary.target} (${summary.baseUrl}), started ${summary.startedAt}.`,
    `Tests: ${summary.totals.passed} passed, ${summary.totals.failed} failed, ${summary.totals.skipped} skipped.`,
    '',
    '| requirement | level | status | tests | failed | what it checks / why skipped |',
    '|---|---|---|---|---|---|',
  ];
  for (const [id, v] of Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict]>) {
    const mark = v.status === 'passed' ? 'held' : v.status === 'failed' ? '**FAILED**' : 'skipped';
    lines.push(`| ${id} | ${v.level} | ${mark} | ${v.tests} | ${v.failedTests} | ${v.reason ?? REQUIREMENTS[id].title} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function verdictLine(summary: Summary): string {
  const mustFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'must');
  const shouldFailed = summary.failedRequirements.filter((id) => REQUIREMENTS[id].level === 'should');
  if (mustFailed.length > 0) return `does NOT conform: ${mustFailed.join(', ')} failed${shouldFailed.length ? `; should: ${shouldFailed.join(', ')}` : ''}`;
  if (shouldFailed.length > 0) return `conforms to every must; should failed: ${shouldFailed.join(', ')}`;
  return 'conforms';
}

export default class SummaryReporter implements Reporter {
  private suite?: Suite;
  private startedAt = new Date();
  private errors = 0;

  constructor(private readonly options: Options = {}) {}

  printsToStdio(): boolean {
    return !this.options.quiet;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.suite = suite;
    this.startedAt = new Date();
  }

  onError(): void {
    this.errors++;
  }

  onEnd(): void {
    if (!this.suite) return;
    if (this.options.perProjectFile) {
      const perProject: Record<string, Summary> = {};
      for (const project of this.suite.suites) perProject[project.title] = summarise(project.allTests(), this.startedAt, process.env);
      write(this.options.perProjectFile, `${JSON.stringify(perProject, null, 2)}\n`);
      return;
    }
    const summary = { ...summarise(this.suite.allTests(), this.startedAt, process.env), errors: this.errors };
    const file = this.options.outputFile ?? 'reports/conformance-summary.json';
    write(file, `${JSON.stringify(summary, null, 2)}\n`);
    write(file.replace(/\.json$/, '.md'), summaryMarkdown(summary));
    if (!this.options.quiet) printVerdict(summary);
  }
}

function printVerdict(summary: Summary): void {
  const skipped = (Object.entries(summary.requirements) as Array<[RequirementId, RequirementVerdict]>).filter(([, v]) => v.status === 'skipped');
  const held = Object.values(summary.requirements).filter((v) => v?.status === 'passed').length;
  const out = [
    '',
    `Requests sent to the target: ${summary.requests}.`,
    `Requirements: ${held} held, ${summary.failedRequirements.length} failed, ${skipped.length} skipped.`,
    ...summary.failedRequirements.map((id) => `  FAILED ${id} (${REQUIREMENTS[id].level}): ${REQUIREMENTS[id].title}`),
    ...skipped.map(([id, v]) => `  skipped ${id}: ${v.reason ?? ''}`),
    `Verdict: the target ${verdictLine(summary)}.`,
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
