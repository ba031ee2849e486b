/**
 * The fault matrix (npm test's fifth step): the conformance specs against the conformant mock (it
 * must conform, judged in full, within the request budget), its plain-HTTP modes, and every fault
 * of the catalogue, each caught by the requirements it breaks or given its expected verdict. A
 * fault of a requirement a family checks meets the families' cores alone: its core must catch it
 * whatever the draw (issue 18). All targets run in one Playwright run, in lanes
 * (tests/support/fault-lanes.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FAMILY_REQUIREMENTS, REQUEST_BUDGET } from '../../helpers/cases/families';
import type { MockTarget } from '../../helpers/runner/embedded-mock';
import type { Summary } from '../../helpers/reporting/summary';
import { FAULTS, type FaultName } from '../../mock/faults';
import { faultProjects } from '../support/fault-lanes';
import { ROOT, runSuiteAgainstMocks, type RunOutputs } from '../support/run-suite';
import type { Recorder } from './shard-check';

const HTTP_MODES = ['refuse', '403', '426'] as const;
/** What the fault run writes (tests/configs/faults.config.ts), and the matrix this step writes from it. */
const OWN_OUTPUTS = [
  ...['projects.json', 'junit.xml', 'allure-results', 'fault-matrix.json'].map((f) => path.join('reports', 'self-test', f)),
  path.join('test-results', 'self-test'),
];

/** Conformant targets must be judged in full and conform: a not-judged check is no pass. */
function recordConformantTargets(record: Recorder, targets: readonly MockTarget[], perProject: Record<string, Summary>): void {
  for (const t of targets.filter((t) => !t.fault)) {
    const s = perProject[t.name];
    // The whole suite's default sample must stay within the request budget (issue 18).
    const withinBudget = t.name !== 'conformant' || (!!s && s.requests <= REQUEST_BUDGET);
    const ok = !!s && s.totals.failed === 0 && s.totals.notJudged === 0 && s.verdict === 'conforms' && s.totals.passed > 0 && s.errors === 0 && withinBudget;
    record(
      `${t.name} mock passes`,
      ok,
      s
        ? `${s.verdict}: ${s.totals.passed} passed, ${s.totals.failed} failed, ${s.totals.notJudged} not judged, ${s.totals.skipped} skipped, ${s.requests} requests${t.name === 'conformant' ? ` (budget ${REQUEST_BUDGET})` : ''}${s.failedTests.length ? `; failed: ${s.failedTests.slice(0, 5).join(' | ')}` : ''}`
        : 'no result',
    );
  }
}

/** The matrix's rows, a fault each: caught when its named requirements failed, or when it got its expected verdict. */
function faultRows(record: Recorder, selected: readonly FaultName[], perProject: Record<string, Summary>): { rows: string[][]; caught: number } {
  const rows: string[][] = [['fault', 'expected', 'failed', 'verdict']];
  let caught = 0;
  for (const fault of selected.filter((f) => FAULTS[f].expect !== 'does-not-conform')) {
    const s = perProject[`fault:${fault}`];
    const { expect, runs, settings } = FAULTS[fault];
    const cap = Number(settings.CARDPLUSPAY_MAX_REQUESTS) || Infinity;
    const ok = !!s && s.verdict === expect && s.requests <= cap;
    if (ok) caught++;
    const seen = s
      ? `${s.verdict}, ${s.requests} requests${s.notJudgedRequirements.length ? `; not judged: ${s.notJudgedRequirements.join(' ')}` : ''}`
      : 'no result';
    rows.push([fault, `${expect} (${runs.join(' ')})`, s?.failedRequirements.join(' ') || '-', ok ? `as expected: ${seen}` : `WRONG: ${seen}`]);
    if (!ok) record(`variant ${fault} gets its verdict`, false, `expected ${expect}${cap < Infinity ? ` within ${cap} requests` : ''}; got ${seen}`);
  }
  for (const fault of selected.filter((f) => FAULTS[f].expect === 'does-not-conform')) {
    const s = perProject[`fault:${fault}`];
    const failed = s?.failedRequirements ?? [];
    const missing = FAULTS[fault].breaks.filter((id) => !(failed as string[]).includes(id));
    const ok = !!s && missing.length === 0;
    if (ok) caught++;
    const core = ofFamily(fault) ? " by the families' cores alone" : '';
    rows.push([fault, FAULTS[fault].breaks.join(' '), failed.join(' ') || '-', ok ? `caught${core}` : `MISSED ${s ? missing.join(' ') : '(no result)'}`]);
    if (!ok)
      record(`fault ${fault} is caught`, false, `expected ${FAULTS[fault].breaks.join(', ')} to fail${core}; missed: ${s ? missing.join(', ') : 'no result'}`);
  }
  return { rows, caught };
}

/** Whether the fault breaks a requirement a family checks (issue 18). */
function ofFamily(fault: FaultName): boolean {
  return FAULTS[fault].expect === 'does-not-conform' && FAULTS[fault].breaks.some((id) => FAMILY_REQUIREMENTS.includes(id));
}

/**
 * A fault's target. A family's fault meets the families' cores alone: caught there, it is caught
 * whatever a run's seed draws beside the core, in one run rather than one per seed.
 */
function targetOf(fault: FaultName): MockTarget {
  return { name: `fault:${fault}`, fault, ...(ofFamily(fault) ? { coreOnly: true } : {}) };
}

export async function faultMatrix(record: Recorder, selected: readonly FaultName[]): Promise<RunOutputs> {
  const targets: MockTarget[] = [
    { name: 'conformant' },
    ...HTTP_MODES.map((httpMode) => ({ name: `conformant-http-${httpMode}`, httpMode })),
    ...selected.map(targetOf),
  ];
  const started = Date.now();
  // Its own outputs only: other steps write beside them under reports/self-test at the same time.
  for (const own of OWN_OUTPUTS) fs.rmSync(path.join(ROOT, own), { recursive: true, force: true });
  const { runs, outputs } = await runSuiteAgainstMocks<Record<string, Summary>>(targets, [
    [
      {
        name: 'fault-run',
        config: 'tests/configs/faults.config.ts',
        env: (mocks) => ({ CARDPLUSPAY_MOCK_TARGETS: JSON.stringify(mocks.targetEnv), SELF_TEST_PROJECTS: JSON.stringify(faultProjects(targets)) }),
        summaryFile: path.join('reports', 'self-test', 'projects.json'),
        echo: true,
      },
    ],
  ]);
  const perProject = runs[0]!.summary;
  if (!perProject) {
    record('fault matrix', false, 'the run wrote no per-project summary');
    return outputs;
  }
  recordConformantTargets(record, targets, perProject);
  const { rows, caught } = faultRows(record, selected, perProject);
  printTable(rows);
  const matrix = { caught, faults: selected.length, seconds: (Date.now() - started) / 1000 };
  fs.writeFileSync(path.join(ROOT, 'reports', 'self-test', 'fault-matrix.json'), `${JSON.stringify({ ...matrix, rows: rows.slice(1) }, null, 2)}\n`);
  record('fault matrix', caught === selected.length, `${caught}/${selected.length} faults caught in ${matrix.seconds.toFixed(1)} s`);
  return outputs;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`);
}
