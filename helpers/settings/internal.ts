/**
 * The runner's own variables: set by the runner for its workers (they describe the embedded mock
 * it started, the request ledger, the preflight), never by a user.
 */
import type { Env } from './parse';

/** What the runner's preflight found (helpers/runner/preflight.ts), handed to the workers. */
export type PreflightResult = { outcome: 'reachable'; ms: number } | { outcome: 'unreachable'; reason: string } | { outcome: 'certificate'; reason: string };

/** Set by the runner, not by users: they describe the embedded mock it started. */
export const INTERNAL_NAMES = ['CARDPLUSPAY_TARGET', 'CARDPLUSPAY_MOCK_CONTROL_URL', 'CARDPLUSPAY_MOCK_FAULT', 'CARDPLUSPAY_MOCK_TARGETS', 'CARDPLUSPAY_REQUEST_LEDGER', 'CARDPLUSPAY_RUN_DEADLINE', 'CARDPLUSPAY_PREFLIGHT'] as const;

export function isInternal(name: string): boolean {
  return (INTERNAL_NAMES as readonly string[]).includes(name) || name.startsWith('CARDPLUSPAY_MOCK_');
}

/**
 * The runner's own variables, found in the user's environment. They are only ever set by the
 * runner for its workers; taken from outside, `CARDPLUSPAY_MOCK_FAULT=none` would turn a real
 * target's failures into expected ones, so a user's value is refused, never silently dropped.
 */
export function internalSetFromOutside(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => isInternal(name) && env[name] !== undefined)
    .map(
      (name) =>
        `Cannot start: ${name} is set in your environment, but it is internal to the runner (it describes the embedded mock it starts). Unset it (unset ${name}); the settings a user may give are listed in README.md, "Settings".`,
    );
}

/** The environment that tells the workers where the run's request ledger is (helpers/client/request-ledger.ts). */
export function requestLedgerEnv(file: string): Record<string, string> {
  return { CARDPLUSPAY_REQUEST_LEDGER: file };
}

/** The environment that tells the workers what the preflight found. */
export function preflightEnv(result: PreflightResult): Record<string, string> {
  return { CARDPLUSPAY_PREFLIGHT: JSON.stringify(result) };
}

/** The environment that tells the workers the target is a configured one, not the embedded mock. */
export function remoteTargetEnv(): Record<string, string> {
  return { CARDPLUSPAY_TARGET: 'remote' };
}
