/**
 * `npm test`: the suite's own tests, the steps of STEPS below in order, each recording PASS/FAIL
 * lines and the whole ending with `N passed, N failed`. `npm test -- --list` prints the steps.
 * Per-step wall and CPU times go to reports/self-test/timings.json (read by `npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BACKSTOP_MARK } from '../helpers/reporting/output-backstop';
import { FAULT_NAMES } from '../mock/faults';
import { StepTimer } from './bench/step-timer';
import { browserCheck } from './steps/browser-check';
import { clientCheck } from './steps/client-check';
import { scanForSecrets } from './steps/leak-scan';
import { nginxCheck } from './steps/nginx-check';
import { faultMatrix } from './steps/fault-matrix';
import { runnerCheck } from './steps/runner-check';
import { shardCheck, type ShardCheckOutput } from './steps/shard-check';
import { stabilityCheck } from './steps/stability';
import { cleanEnv } from '../helpers/runner/env';
import { ROOT, type RunOutputs } from './support/run-suite';

const results: Array<{ name: string; ok: boolean; detail: string }> = [];

function record(name: string, ok: boolean, detail: string): void {
  results.push({ name, ok, detail });
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`);
}

const timer = new StepTimer();

function runCommand(name: string, cmd: string, args: string[]): void {
  const started = Date.now();
  const run = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
  record(name, run.status === 0, `exit ${run.status ?? run.signal} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Options: `--list` prints the steps and runs nothing. For working on one area, `--faults REGEX`
 * runs only the faults whose names match (the conformant targets always run), `--skip-unit`
 * leaves out the checks of the code itself (typecheck, lint, workflow lint, unit tests), and
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

/** SAFE-01's proof for the self-test: every secret of every run, searched in everything the runs wrote and printed. */
function leakScan(of: readonly RunOutputs[]): void {
  const secrets = of.flatMap((o) => o.secrets);
  const printed = Object.assign({}, ...of.map((o) => o.printed)) as Record<string, string>;
  const hits = scanForSecrets([path.join(ROOT, 'reports'), path.join(ROOT, 'test-results')], secrets, printed);
  const scanned = `${of.length} checks' secrets over reports/, test-results/ and ${Object.keys(printed).length} runs' output`;
  record(
    'no secret in reports, results or output',
    hits.length === 0,
    hits.length === 0 ? `scanned clean: ${scanned}` : `secrets found in: ${hits.join(', ')}`,
  );
  // The backstop masks what a sink leaked, so a clean scan alone could hide that sink.
  const backstopped = Object.entries(printed)
    .filter(([, text]) => text.includes(BACKSTOP_MARK))
    .map(([run]) => run);
  record(
    'no sink needed the backstop',
    backstopped.length === 0,
    backstopped.length === 0 ? 'every file was clean before the last pass' : `the backstop masked files in: ${backstopped.join(', ')}`,
  );
}

/** SAFE-06's proof for the self-test: no request of any run carried a cookie its check did not choose. */
function cookieScan(of: readonly RunOutputs[]): void {
  const requests = of.reduce((n, o) => n + o.cookies.requests, 0);
  const chosen = of.reduce((n, o) => n + o.cookies.chosen, 0);
  const ambient = of.flatMap((o) => o.cookies.ambient);
  const cookieFault = SELECTED.includes('sets-cookies') ? ', the cookie-setting fault among the targets' : '';
  record(
    'no request carried a cookie its check did not choose',
    ambient.length === 0,
    ambient.length === 0
      ? `${requests} requests in the mocks' journals, ${chosen} with a cookie a check chose (AUTH-09)${cookieFault}`
      : `${ambient.length} request(s) carried an ambient Cookie header: ${ambient.slice(0, 5).join(', ')}`,
  );
}

/** What a step hands on to later ones: every suite run's outputs (for the scans), the sharded run (for the browser). */
interface Carried {
  outputs: RunOutputs[];
  sharded?: ShardCheckOutput;
}

interface Step {
  /** Printed as the step's heading; the part of it before a colon names the step in the timings. */
  title: string;
  /** A check of the code itself, which `--skip-unit` leaves out while working on one area. */
  unit?: true;
  run: (carried: Carried) => void | Promise<void>;
}

/** The steps of `npm test`, in order: the one list of them. */
const STEPS: readonly Step[] = [
  { title: 'Typecheck', unit: true, run: () => runCommand('typecheck', process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', ROOT]) },
  {
    title: 'Lint (typescript-eslint type-checked rules, knip, Prettier)',
    unit: true,
    run: () => {
      runCommand('lint', process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), ROOT]);
      runCommand('unused files, exports and dependencies (knip)', process.execPath, [
        path.join(ROOT, 'node_modules', 'knip', 'bin', 'knip.js'),
        '--directory',
        ROOT,
      ]);
      runCommand('formatting (Prettier)', process.execPath, [path.join(ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', ROOT]);
    },
  },
  {
    title: 'Workflow lint (actionlint)',
    unit: true,
    run: () => runCommand('workflow lint', process.execPath, [require.resolve('tsx/cli'), path.join(ROOT, 'tests', 'steps', 'lint-workflows.ts')]),
  },
  {
    title: 'Unit tests',
    unit: true,
    run: () =>
      runCommand('unit tests', process.execPath, [
        require.resolve('@playwright/test/cli'),
        'test',
        '-c',
        path.join(ROOT, 'tests', 'configs', 'unit.config.ts'),
      ]),
  },
  {
    title: 'Fault matrix: the conformant mock and every catalogued fault',
    run: async (c) => {
      c.outputs.push(await faultMatrix(record, SELECTED));
    },
  },
  {
    title: 'Stability: the whole suite, repeated, against the conformant mock',
    run: async (c) => {
      c.outputs.push(await stabilityCheck(record));
    },
  },
  {
    title: 'AUTH-14 behind nginx: a real front end answering variants itself is no false alarm',
    run: async (c) => {
      const behindNginx = await nginxCheck(record);
      if (behindNginx) c.outputs.push(behindNginx);
    },
  },
  {
    title: 'Sharding: the suite as 1 shard and as 3 shards against alike mocks, merged',
    run: async (c) => {
      const { outputs, forBrowser } = await shardCheck(record);
      c.outputs.push(outputs);
      c.sharded = forBrowser;
    },
  },
  {
    title: 'The run as users start it (npm run conformance, npx playwright test) against hostile targets',
    run: async (c) => {
      c.outputs.push(await runnerCheck(record));
    },
  },
  {
    title: 'The client checker: a conforming client per library, a client breaking each CLIENT requirement, npm run mock -- --check-client',
    run: async (c) => {
      c.outputs.push(await clientCheck(record));
    },
  },
  { title: 'Leak scan: every run above, its files and its output', run: (c) => leakScan(c.outputs) },
  { title: 'Cookie scan: every request the mocks saw', run: (c) => cookieScan(c.outputs) },
  {
    title: 'The Allure report, merged from the shards, in headless Chromium',
    // Without the shards' outputs the sharding step has already failed, and there is no report to open.
    run: async (c) => {
      if (c.sharded) await browserCheck(record, c.sharded, cleanEnv());
    },
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

async function main(): Promise<void> {
  const started = Date.now();
  const carried: Carried = { outputs: [] };
  for (const [i, s] of STEPS.entries()) {
    if (skipReason(s)) continue;
    timer.mark(s.title);
    process.stdout.write(`\n=== ${i + 1}. ${s.title} ===\n`);
    await s.run(carried);
  }
  const failed = results.filter((r) => !r.ok);
  const timings = timer.write(path.join(ROOT, 'reports', 'self-test', 'timings.json'));
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
