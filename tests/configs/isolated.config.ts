/**
 * The conformance specs as `npm run conformance` runs them, against an embedded mock the self-test
 * started (its settings come in the environment), writing everything under SELF_TEST_OUT_DIR
 * (relative to the repository root), so the report and sharding self-tests never touch a user's
 * reports/. Test ids, titles and projects stay those of `npm run conformance`.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { armOutputBoundary } from '../../helpers/runner/output-boundary';
import { reportersFor } from '../../helpers/reporting/reporters';
import { runClock } from '../../helpers/runner/run-setup';
import { suiteConfig } from '../../helpers/runner/suite-config';

armOutputBoundary();
const out = process.env.SELF_TEST_OUT_DIR;
if (!out) throw new Error('tests/configs/isolated.config.ts needs SELF_TEST_OUT_DIR (the self-test sets it).');
const rel = (p: string): string => path.join(out, p);

export default defineConfig({
  ...suiteConfig(runClock()),
  globalSetup: require.resolve('./flow-setup'),
  outputDir: path.resolve(__dirname, '..', '..', 'test-results', 'isolated', path.basename(out)),
  reporter: reportersFor({
    summaryFile: rel('conformance-summary.json'),
    allureDir: rel('allure-results'),
    junitFile: rel('junit.xml'),
    console: 'dot',
  }),
});
