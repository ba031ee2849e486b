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
import { TARGET_REQUIREMENTS, areaOf } from '../helpers/requirements';
import { FAULTS, isFaultName, type FaultName } from '../mock/faults';

const targets = Object.keys(JSON.parse(process.env.CARDPLUSPAY_MOCK_TARGETS ?? '{}') as Record<string, unknown>);

function grepFor(ids: readonly string[]): RegExp {
  return new RegExp(`@(${ids.join('|')})(?![0-9])`);
}

const CONFORMANT = 'conformant';

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

/** One embedded target and the requirement ids whose specs run against it. */
interface Item {
  target: string;
  ids: readonly string[];
}

/**
 * Starting a worker costs 1-3 CPU-seconds (mostly Playwright's own modules), more than most
 * targets' tests take, and a worker serves one project only. So targets whose checks do not
 * overlap share a project, a lane, each test running against the target of its requirement
 * (targetOf in helpers/settings.ts); first fit, in catalogue order.
 */
function lanesOf(items: readonly Item[]): Item[][] {
  const lanes: Array<{ items: Item[]; ids: Set<string> }> = [];
  for (const item of items) {
    const lane = lanes.find((l) => item.ids.every((id) => !l.ids.has(id)));
    if (lane) {
      lane.items.push(item);
      for (const id of item.ids) lane.ids.add(id);
    } else lanes.push({ items: [item], ids: new Set(item.ids) });
  }
  return lanes.map((l) => l.items);
}

const faults = targets.flatMap((name) => {
  const fault = name.startsWith('fault:') ? name.slice('fault:'.length) : undefined;
  return fault && isFaultName(fault) ? [fault] : [];
});
/** A fault with its own settings or test timeout keeps a project of its own. */
const alone = faults.filter((f) => timeoutOf(f) !== undefined);
/** Conformant targets in another plain-HTTP mode only need the transport checks. */
const TRANSPORT_IDS = TARGET_REQUIREMENTS.filter((id) => areaOf(id) === 'TLS');
const lanes = lanesOf([
  ...targets.filter((name) => name !== CONFORMANT && !name.startsWith('fault:')).map((target) => ({ target, ids: TRANSPORT_IDS })),
  ...faults.filter((f) => !alone.includes(f)).map((f) => ({ target: `fault:${f}`, ids: FAULTS[f].runs })),
]);

// The waiting projects go first, so that their waits overlap the lanes' work. One worker each:
// the run's other worker slots go on with the next project.
const projects: Project[] = [
  ...alone.map((fault) => ({ name: `fault:${fault}`, grep: grepFor(FAULTS[fault].runs), timeout: timeoutOf(fault), workers: 1, use: { targetName: `fault:${fault}` } })),
  ...(targets.includes(CONFORMANT) ? [{ name: CONFORMANT, workers: 2, use: { targetName: CONFORMANT } }] : []),
  ...lanes.map((lane, i) => ({
    name: `lane-${i + 1}`,
    grep: grepFor(lane.flatMap((item) => item.ids)),
    workers: 1,
    use: { targetByRequirement: Object.fromEntries(lane.flatMap((item) => item.ids.map((id) => [id, item.target]))) },
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
