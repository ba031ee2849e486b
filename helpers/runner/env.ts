/** The environment a child run starts from. */
import { SETTING_PREFIX } from '../settings';

/**
 * The environment without the user's CARDPLUSPAY_* settings: a run that makes its own (the
 * self-tests, the benchmark, a unit test of the runner) must not check the user's target instead.
 */
export function cleanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith(SETTING_PREFIX)));
}
