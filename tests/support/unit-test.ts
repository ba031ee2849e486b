/**
 * `test` and `expect` for the suite's own unit tests: Playwright's `_baseTest`, the test type
 * without its browser and request fixtures. Those bring test-scoped automatic fixtures (trace
 * recording, context options and the two dozen options they read) that no unit test uses, and
 * Playwright records each as a step with a captured, source-mapped stack before and after every
 * test (see helpers/fixtures.ts and docs/benchmarks.md). A spec that needs Playwright's own
 * `request`, `playwright` or `chromium` imports them from '@playwright/test' itself.
 */
export { _baseTest as test, expect } from '@playwright/test';
