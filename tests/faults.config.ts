/**
 * The fault self-test: one project per embedded mock target, all in one Playwright run so the
 * faults share the workers. The conformant mock runs every spec; each fault runs the specs of the
 * requirements it breaks (tests/run-self-test.ts starts the mocks and reads the per-project verdicts).
 */
import { defineConfig, type Project } from '@playwright/test';
import { reportersFor } from '../helpers/reporting/reporters';
import { FAULTS, isFaultName } from '../mock/faults';

const targets = Object.keys(JSON.parse(process.env.CARDPLUSPAY_MOCK_TARGETS ?? '{}') as Record<string, unknown>);

function grepFor(ids: readonly string[]): RegExp {
  return new RegExp(`@(${ids.join('|')})(?![0-9])`);
}

/** Conformant targets in another plain-HTTP mode only need the transport checks. */
const TRANSPORT = /@transport\b/;

const projects: Project[] = targets.map((name) => {
  const fault = name.startsWith('fault:') ? name.slice('fault:'.length) : undefined;
  const grep = fault && isFaultName(fault) ? grepFor(FAULTS[fault].breaks) : name === 'conformant' ? undefined : TRANSPORT;
  // A hanging target must end in Playwright's own test timeout, whose error carries the call log
  // with every request header: the leak scan then proves that path is redacted too.
  const timeout = fault === 'balance-hangs' ? 4_000 : undefined;
  // A worker serves one project only, and starting one costs 1-2 CPU-seconds (mostly Playwright's
  // own modules), more than most of these projects' tests take: one worker each halves the
  // start-ups, while the run's other worker slot goes on with the next project.
  const workers = name === 'conformant' ? undefined : 1;
  return { name, grep, timeout, workers, use: { targetName: name } };
});

export default defineConfig({
  testDir: '../specs',
  outputDir: '../test-results/self-test',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  timeout: 30_000,
  reporter: reportersFor({ perProjectFile: 'reports/self-test/projects.json', junitFile: 'reports/self-test/junit.xml', allureDir: 'reports/self-test/allure-results', console: process.env.SELF_TEST_CONSOLE === 'list' ? 'list' : 'dot' }),
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects,
});
