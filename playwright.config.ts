/**
 * The conformance run. `npm run conformance` validates the settings, starts the embedded mock when
 * no target is configured, and runs this config; see helpers/runner/run-conformance.ts.
 */
import { defineConfig } from '@playwright/test';
import { reportersFor } from './helpers/reporting/reporters';
import { runFacts, trustConfiguredCa } from './helpers/settings';

trustConfiguredCa();

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results/conformance',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky conformance check is a bug to fix, not to retry.
  retries: 0,
  workers: runFacts().workers,
  timeout: 30_000,
  reporter: reportersFor({ summaryFile: 'reports/conformance-summary.json', allureDir: 'reports/allure-results' }),
  // Traces and screenshots would hold request headers; this suite keeps neither.
  use: { trace: 'off', screenshot: 'off', video: 'off' },
  projects: [{ name: 'conformance' }],
});
