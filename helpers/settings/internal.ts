/**
 * The runner's own variables: set by the runner for its workers (they describe the embedded mock
 * it started, the request ledger, the preflight, the run's deadline), never by a user. Each is
 * listed with its parser, and docs/settings.md lists them apart from the user's settings.
 */
import type { Draft, Env } from './parse';
import type { PreflightResult } from './types';

export interface InternalSetting {
  name: string;
  meaning: string;
  parse: (raw: string | undefined) => Partial<Draft>;
}

const deadline = (raw: string | undefined): number | undefined => Number(raw) || undefined;

export const INTERNAL_SETTINGS: readonly InternalSetting[] = [
  {
    name: 'CARDPLUSPAY_TARGET',
    meaning: '`mock` when the runner started the embedded mock, `remote` for a user-configured target',
    parse: (raw) => ({ target: raw === 'mock' ? 'mock' : 'remote' }),
  },
  {
    name: 'CARDPLUSPAY_MOCK_CONTROL_URL',
    meaning: "the embedded mock's test plumbing (its request journal)",
    parse: (raw) => ({ mockControlUrl: raw || undefined }),
  },
  {
    name: 'CARDPLUSPAY_MOCK_FAULT',
    meaning: 'the catalogued fault the embedded mock was started with (the fault self-test)',
    parse: (raw) => ({ mockFault: raw || undefined }),
  },
  {
    name: 'CARDPLUSPAY_MOCK_CORE_ONLY',
    meaning:
      "`1` for the fault self-test's targets of a family's requirement: each family's core only, so a fault caught there is caught whatever the seed draws",
    parse: (raw) => ({ coreOnly: raw === '1' || undefined }),
  },
  // Read by settingsFor (targets.ts), which applies the named target's overlay before loadSettings.
  {
    name: 'CARDPLUSPAY_MOCK_TARGETS',
    meaning: "the settings of each embedded-mock target of a run of several (the fault self-test's lanes), as JSON",
    parse: () => ({}),
  },
  {
    name: 'CARDPLUSPAY_REQUEST_LEDGER',
    meaning: 'the file the workers count requests in (SAFE-05); unset, no cap is enforced',
    parse: (raw) => ({ requestLedger: raw || undefined }),
  },
  {
    name: 'CARDPLUSPAY_FLOW_SOCKET',
    meaning: "the runner's flow control (requests in flight, the shared pause after a 429), which every worker asks before it sends",
    parse: (raw) => ({ flowSocket: raw || undefined }),
  },
  {
    name: 'CARDPLUSPAY_RUN_DEADLINE',
    meaning: 'when every check must have ended (epoch ms), fixed by the runner from `CARDPLUSPAY_TIMEOUT_SECONDS` (SAFE-08)',
    parse: (raw) => ({ runDeadline: deadline(raw) }),
  },
  {
    name: 'CARDPLUSPAY_PREFLIGHT',
    meaning: "what the runner's preflight found, as JSON",
    parse: (raw) => ({ preflight: raw ? (JSON.parse(raw) as PreflightResult) : undefined }),
  },
];

export const INTERNAL_NAMES = INTERNAL_SETTINGS.map((s) => s.name);

export function isInternal(name: string): boolean {
  return INTERNAL_NAMES.includes(name) || name.startsWith('CARDPLUSPAY_MOCK_');
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

/** The environment that tells the workers where the runner's flow control listens (helpers/client/flow/flow-server.ts). */
export function flowSocketEnv(socketPath: string | undefined): Record<string, string> {
  return socketPath ? { CARDPLUSPAY_FLOW_SOCKET: socketPath } : {};
}

/** The environment that tells the workers what the preflight found. */
export function preflightEnv(result: PreflightResult): Record<string, string> {
  return { CARDPLUSPAY_PREFLIGHT: JSON.stringify(result) };
}

/** The environment that tells the workers the target is a configured one, not the embedded mock. */
export function remoteTargetEnv(): Record<string, string> {
  return { CARDPLUSPAY_TARGET: 'remote' };
}

/** The deadline the runner process fixed for the run (epoch ms), when it did. */
export function runDeadlineIn(env: Env = process.env): number | undefined {
  return deadline(env.CARDPLUSPAY_RUN_DEADLINE);
}

/** The environment that tells the workers when every check must have ended (epoch ms). */
export function runDeadlineEnv(epochMs: number): Record<string, string> {
  return { CARDPLUSPAY_RUN_DEADLINE: String(epochMs) };
}
