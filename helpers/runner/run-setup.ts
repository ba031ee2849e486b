/**
 * What a conformance run does before Playwright loads a spec, however it was started: `npm run
 * conformance`, `npx playwright test`, or an IDE running the config. Called from
 * playwright.config.ts, so the direct path keeps every guarantee (issue 17): in Playwright's runner
 * process it refuses keys on the command line and the modes that would drop the guarantees,
 * validates the settings (exit 2 before any request), and fixes the run's deadline from the start
 * of the process; in every process (runner and workers) it arms the output boundary first.
 */
import path from 'node:path';
import { armOutputBoundary } from './output-boundary';
import { holdsSecret } from '../safety/redact';
import { optionProblems } from './cli-options';
import { unwritable } from '../reporting/staged-outputs';
import { internalSetFromOutside, isInternal, runDeadlineEnv, runDeadlineIn } from '../settings/internal';
import { seedEnv } from '../settings/exploration';
import { KEY_NAMES } from '../settings/secrets';
import { loadSettings, SettingsError } from '../settings/settings';
import { runLimits, type RunLimits } from '../settings/limits';

/** Settings that describe a real target; with the embedded mock they would be silently ignored. */
const TARGET_ONLY = [
  ...KEY_NAMES,
  'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_HTTP_URL',
  'CARDPLUSPAY_CA_FILE',
];

/** Refuses with every problem at once, exit 2, before anything is sent. */
export function refuse(problems: readonly string[]): never {
  process.stderr.write(`${problems.join('\n')}\n\nNothing was sent. Fix the setting(s) or option(s) above and run again (README.md, "Settings").\n`);
  process.exit(2);
}

/**
 * Item 9 of issue 17: a key typed on the command line is already in the terminal's history and,
 * through npm's banner, in the log. Refused, with the advice to rotate it; a `CARDPLUSPAY_*=`
 * assignment is refused too, since it is where keys end up.
 */
export function argumentProblems(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const keys = KEY_NAMES.map((name) => env[name]).filter((k): k is string => !!k);
  // Any 12 characters of a key, in any encoding the redactor reads: a key typed in another case or cut short is still a key.
  const bad = argv.filter((arg) => /CARDPLUSPAY_[A-Z0-9_]*=/i.test(arg) || keys.some((k) => holdsSecret(arg, k)));
  if (bad.length === 0) return [];
  return [
    `Cannot start: ${bad.length === 1 ? 'an argument' : `${bad.length} arguments`} on the command line hold${bad.length === 1 ? 's' : ''} a key or a CARDPLUSPAY_* setting. ` +
      'npm has already printed its command line (and your shell keeps it in its history), so treat any key typed there as leaked: rotate it (create a new key in the Dashboard, revoke the old one). ' +
      'Give settings as environment variables (export CARDPLUSPAY_API_KEY=... from your secrets store), never as arguments.',
  ];
}

const REPORTS = path.resolve(__dirname, '..', '..', 'reports');

/** The reports folder must take the run's reports: found out before any request, not after the run. */
function reportsProblems(): string[] {
  const why = unwritable(REPORTS);
  return why
    ? [
        `Cannot start: the reports cannot be written to ${path.relative(process.cwd(), REPORTS) || '.'} (${why}). Make it a writable folder (or remove what is in its place).`,
      ]
    : [];
}

/** Validates the user's environment as given; returns the problems (none: the run may start). */
function settingsProblems(env: NodeJS.ProcessEnv): string[] {
  const problems = internalSetFromOutside(env);
  const userEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !isInternal(name)));
  try {
    if (userEnv.CARDPLUSPAY_BASE_URL) loadSettings(userEnv);
    else {
      const stray = TARGET_ONLY.filter((name) => userEnv[name]);
      problems.push(
        ...stray.map(
          (name) =>
            `Cannot start: ${name} is set but CARDPLUSPAY_BASE_URL is not. The embedded mock makes its own keys and certificate; set CARDPLUSPAY_BASE_URL to check a real target, or unset ${name}.`,
        ),
      );
      // Validate every other setting as the mock run will use it.
      if (stray.length === 0)
        loadSettings({
          ...userEnv,
          CARDPLUSPAY_TARGET: 'mock',
          CARDPLUSPAY_BASE_URL: 'https://127.0.0.1/v1/',
          CARDPLUSPAY_API_KEY: 'placeholder-key-for-validation',
        });
    }
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  return problems;
}

export interface RunClock {
  limits: RunLimits;
  /** Epoch ms by which every check must have ended: the run's limit from the start of the process, less the time for the reports. */
  checksEnd: number;
  /** Playwright's globalTimeout: a little after checksEnd, so a check waiting on the target ends as not judged first. */
  globalTimeoutMs: number;
}

/** Time to write every report after the last check, out of the run's limit. */
function reportReserveMs(limits: RunLimits): number {
  // Stopping the workers and writing the reports takes seconds on a loaded machine: a fifth of a
  // short limit, at least 4 s and at most 15 s, is kept for it.
  return Math.min(15_000, Math.max(4_000, (limits.timeoutSeconds * 1000) / 5));
}

/** The run's deadlines, counted from the start of this process (CARDPLUSPAY_TIMEOUT_SECONDS). */
export function runClock(env: NodeJS.ProcessEnv = process.env, now = Date.now(), uptimeSeconds = process.uptime()): RunClock {
  const limits = runLimits(env);
  const started = now - uptimeSeconds * 1000;
  const checksEnd = runDeadlineIn(env) ?? Math.round(started + limits.timeoutSeconds * 1000 - reportReserveMs(limits));
  return { limits, checksEnd, globalTimeoutMs: Math.max(1_000, checksEnd - now + 2_000) };
}

/** In a Playwright worker, the config is loaded again: only the output boundary is armed there. */
function isWorkerProcess(env: NodeJS.ProcessEnv = process.env): boolean {
  // The variable alone can be inherited or set by hand, which would switch every runner check off:
  // a worker is also a child Playwright started with an IPC channel from its worker entry point.
  return env.TEST_WORKER_INDEX !== undefined && typeof process.send === 'function' && /workerProcessEntry/.test(process.argv[1] ?? '');
}

/**
 * What stops a run in Playwright's runner process before the global setup starts a mock or sends
 * a request: setUpRun refuses with exactly these (exit 2), and the unit tests check each settings
 * mistake against them without starting a run.
 */
export function startProblems(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  return [...argumentProblems(argv, env), ...optionProblems(argv, env), ...settingsProblems(env), ...reportsProblems()];
}

/**
 * Runs in every process that loads the conformance config: arms the output boundary, and in
 * Playwright's runner process refuses what must not start and fixes the run's deadline for the
 * workers. Returns the run's clock.
 */
export function setUpRun(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): RunClock {
  armOutputBoundary(env);
  if (isWorkerProcess(env)) return runClock(env);
  const problems = startProblems(argv, env);
  if (problems.length > 0) refuse(problems);
  const clock = runClock(env);
  Object.assign(env, runDeadlineEnv(clock.checksEnd), seedEnv(env));
  // Playwright stops gracefully on SIGINT only; a CI's or a user's SIGTERM gets the same end:
  // the run stops, its reports are written and its exit status is the verdict.
  process.once('SIGTERM', () => process.kill(process.pid, 'SIGINT'));
  return clock;
}
