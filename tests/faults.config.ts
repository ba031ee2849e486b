/**
 * The fault self-test: every embedded mock target in one Playwright run. The conformant mock runs
 * every spec; each fault runs the specs of the requirements it breaks, in a lane it shares with
 * faults that break others (tests/run-self-test.ts starts the mocks and reads the verdict of each
 * target).
 */
import './support/skip-fsync';
import { defineConfig, type Project } from '@playwright/test';
import { reportersFor } from '../helpers/reporting/reporters';
import { runLimits } from '../helpers/settings';
import { FAULTS, isFaultName, type FaultName } from '../mock/faults';

const targets = Object.keys(JSON.parse(process.env.CARDPLUSPAY_MOCK_TARGETS ?? '{}') as Record<string, unknown>);

function grepFor(ids: readonly string[]): RegExp {
  return new RegExp(`@(${ids.join('|')})(?![0-9])`);
}

const TRANSPORT = /@transport\b/;

/** A hanging target must end in Playwright's own test timeout (see below). */
const HANGS = 'balance-hangs';

/**
 * How long a fault's tests may take: a hanging target ends in Playwright's own test timeout, whose
 * error carries the call log with every request header, so the leak scan proves that path is
 * redacted too; a throttling variant runs with the short test timeout its settings derive.
 */
function timeoutOf(fault: FaultName): number | undefined {
  const { settings } = FAULTS[fault];
  if (fault === HANGS) return 4_000;
  return Object.keys(settings).length ? runLimits(settings).testTimeoutSeconds * 1000 : undefined;
}

/**
 * Starting a worker costs 1-3 CPU-seconds (mostly Playwright's own modules), more than most
 * faults' tests take, and a worker serves one project only. So faults whose checks do not overlap
 * share a project, a lane, each test running against the fault of its requirement (targetOf in
 * helpers/settings.ts). A fault with its own settings or test timeout keeps a project of its own.
 */
function lanesOf(faults: readonly FaultName[]): FaultName[][] {
  const lanes: Array<{ faults: FaultName[]; ids: Set<string> }> = [];
  for (const fault of faults) {
    const lane = lanes.find((l) => FAULTS[fault].runs.every((id) => !l.ids.has(id)));
    if (lane) {
      lane.faults.push(fault);
      for (const id of FAULTS[fault].runs) lane.ids.add(id);
    } else lanes.push({ faults: [fault], ids: new Set(FAULTS[fault].runs) });
  }
  return lanes.map((l) => l.faults);
}

const faults = targets.flatMap((name) => {
  const fault = name.startsWith('fault:') ? name.slice('fault:'.length) : undefined;
  return fault && isFaultName(fault) ? [fault] : [];
});
const alone = faults.filter((f) => timeoutOf(f) !== undefined);

// One worker each: the run's other worker slot goes on with the next project.
const projects: Project[] = [
  ...alone.map((fault) => ({ name: `fault:${fault}`, grep: grepFor(FAULTS[fault].runs), timeout: timeoutOf(fault), workers: 1, use: { targetName: `fault:${fault}` } })),
  ...targets.filter((name) => !name.startsWith('fault:')).map((name) => ({
    name,
    // Conformant targets in another plain-HTTP mode only need the transport checks.
    grep: name === 'conformant' ? undefined : TRANSPORT,
    workers: name === 'conformant' ? undefined : 1,
    use: { targetName: name },
  })),
  ...lanesOf(faults.filter((f) => !alone.includes(f))).map((lane, i) => ({
    name: `lane-${i + 1}`,
    grep: grepFor(lane.flatMap((f) => FAULTS[f].runs)),
    workers: 1,
    use: { targetByRequirement: Object.fromEntries(lane.flatMap((f) => FAULTS[f].runs.map((id) => [id, `fault:${f}`]))) },
  })),
];

export default defineConfig({
  testDir: '../specs',
  outputDir: '../test-results/self-test',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 4,
  timeout: 30_000,
  reporter: reportersFor({ perProjectFile: 'reports/self-test/projects.json', junitFile: 'reports/self-test/junit.xml', allureDir: 'reports/self-test/allure-results', console: process.env.SELF_TEST_CONSOLE === 'list' ? 'list' : 'dot' }),
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects,
});
