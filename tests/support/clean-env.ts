/**
 * The environment for the self-test's child runs: the user's CARDPLUSPAY_* settings never leak into
 * the self-test, which makes its own. The one definition for tests/; the harness keeps the same
 * rule for its own runners, and the two can become one import.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CARDPLUSPAY_')));
}
