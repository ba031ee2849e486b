/** The environment a child run starts from. */
import { SETTING_PREFIX } from '../settings/catalogue';

/**
 * What Playwright sets in a worker's environment: a run started from inside a test (a unit test of
 * the runner) must not look to its own config like one of the caller's workers.
 */
const PLAYWRIGHT_WORKER = ['TEST_WORKER_INDEX', 'TEST_PARALLEL_INDEX', 'PW_TS_ESM_LOADER_ON', 'PLAYWRIGHT_TEST_BASE_URL'];

/**
 * The environment without the user's CARDPLUSPAY_* settings: a run that makes its own (the
 * self-tests, the benchmark, a unit test of the runner) must not check the user's target instead.
 */
export function cleanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith(SETTING_PREFIX) && !PLAYWRIGHT_WORKER.includes(name)));
}
