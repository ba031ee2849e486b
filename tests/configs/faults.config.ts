/**
 * The fault self-test: every embedded mock target in one Playwright run. The conformant mock runs
 * every spec; each fault runs the specs of the requirements it breaks; all in lanes, each shared by
 * targets whose requirements do not overlap. tests/run-self-test.ts starts the mocks, plans the projects
 * (tests/support/fault-lanes.ts) and reads the verdict of each target.
 */
import { defineConfig, type Project } from '@playwright/test';
import { armOutputBoundary } from '../../helpers/runner/output-boundary';
import { reportersFor } from '../../helpers/reporting/reporters';
import type { ProjectPlan } from '../support/fault-lanes';

armOutputBoundary();
const plans = JSON.parse(process.env.SELF_TEST_PROJECTS ?? '[]') as ProjectPlan[];

const projects: Project[] = plans.map((p) => ({
  name: p.name,
  grep: new RegExp(`@(${p.ids.join('|')})(?![0-9])`),
  workers: p.workers,
  use: p.use,
}));

export default defineConfig({
  testDir: '../../specs',
  outputDir: '../../test-results/self-test',
  globalSetup: require.resolve('./flow-setup'),
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // More worker slots than cores: the hanging and throttled targets mostly wait.
  workers: 4,
  // A target with its own test timeout (a hang, throttling) gives it to its tests (helpers/fixtures.ts).
  timeout: 30_000,
  reporter: reportersFor({
    perProjectFile: 'reports/self-test/projects.json',
    junitFile: 'reports/self-test/junit.xml',
    allureDir: 'reports/self-test/allure-results',
    console: process.env.SELF_TEST_CONSOLE === 'list' ? 'list' : 'dot',
  }),
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects,
});
