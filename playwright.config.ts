/**
 * The conformance run, however it is started: `npm run conformance` (helpers/runner/run-conformance.ts
 * launches exactly this config), `npx playwright test`, or an editor running it. Everything that
 * makes a run safe and honest lives here and in what it names, so no way of starting it goes around
 * it: setUpRun arms the output boundary in every process, and in the runner process refuses bad
 * settings and keys on the command line (exit 2) and fixes the deadline from the process's start;
 * the global setup starts the embedded mock and preflights the target; the reporters redact, write
 * the reports to a staging folder, promote them together and exit with the verdict.
 */
import { defineConfig } from '@playwright/test';
import { reportersFor } from './helpers/reporting/reporters';
import { setUpRun } from './helpers/runner/run-setup';
import { suiteConfig } from './helpers/runner/suite-config';

export default defineConfig({
  ...suiteConfig(setUpRun()),
  outputDir: './test-results/conformance',
  globalSetup: require.resolve('./helpers/runner/global-setup'),
  reporter: reportersFor({ stageInto: 'reports', summaryFile: 'conformance-summary.json', allureDir: 'allure-results', junitFile: 'junit.xml' }),
});
