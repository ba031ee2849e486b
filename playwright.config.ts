/**
 * The conformance run. `npm run conformance` validates the settings, starts the embedded mock when
 * no target is configured, and runs this config; see helpers/runner/run-conformance.ts.
 */
import { defineConfig } from '@playwright/test';
import { reportersFor } from './helpers/reporting/reporters';
import { playwrightGlobalTimeoutMs, runFacts, runLimits, trustConfiguredCa } from './helpers/settings';

trustConfiguredCa();

// The runner validated these already (a contradiction is refused with exit 2 before this runs).
const limits = runLimits();

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results/conformance',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky conformance check is a bug to fix, not to retry.
  retries: 0,
  workers: runFacts().workers,
  // Each test's timeout leaves room for its check after the longest 429 wait its budget allows;
  // the run's limit ends it with a verdict, checks not yet run counting as not judged (SAFE-08).
  timeout: limits.testTimeoutSeconds * 1000,
  globalTimeout: playwrightGlobalTimeoutMs(limits),
  reporter: reportersFor({ summaryFile: 'reports/conformance-summary.json', allureDir: 'reports/allure-results' }),
  // Traces and screenshots would hold request headers; this suite keeps neither.
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects: [{ name: 'conformance' }],
});
