/** What every config that runs the conformance specs shares: the conformance run's and the self-test's isolated runs. */
import path from 'node:path';
import type { PlaywrightTestConfig } from '@playwright/test';
import { runFacts } from '../settings/run-facts';
import type { RunClock } from './run-setup';

const ROOT = path.resolve(__dirname, '..', '..');

export function suiteConfig(clock: RunClock): PlaywrightTestConfig {
  return {
    testDir: path.join(ROOT, 'specs'),
    fullyParallel: true,
    forbidOnly: !!process.env.CI,
    // A flaky conformance check is a bug to fix, not to retry.
    retries: 0,
    workers: runFacts().workers,
    // Each test's timeout leaves room for its check after the longest 429 wait its budget allows;
    // the run's limit ends it with a verdict, checks not yet run counting as not judged (SAFE-08).
    timeout: clock.limits.testTimeoutSeconds * 1000,
    globalTimeout: clock.globalTimeoutMs,
    // Traces and screenshots would hold request headers; this suite keeps neither.
    use: { trace: 'off', screenshot: 'off', video: 'off' },
    projects: [{ name: 'conformance' }],
  };
}
