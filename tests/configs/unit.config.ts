import { defineConfig } from '@playwright/test';

/** The suite's own unit tests: helpers, signer vectors, the mock's own contract tests. */
export default defineConfig({
  testDir: '../unit',
  // A certificate the workers trust, for tests with local HTTPS servers (certificate checks stay on).
  globalSetup: './unit-tls.ts',
  outputDir: '../../test-results/unit',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // A hang detector, not a speed limit: the machine may be shared and loaded, and a slow pass is still a pass.
  timeout: 120_000,
  workers: 2,
  reporter: [['list']],
  use: { trace: 'off' },
});
