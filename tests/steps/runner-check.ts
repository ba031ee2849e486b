/**
 * The run as a user starts it, against hostile targets (issue 17): `npm run conformance`'s launcher
 * and a bare `npx playwright test`, in a scratch copy of the project (so the user's reports/ is never
 * touched), each against an embedded mock configured as a remote target (CARDPLUSPAY_BASE_URL, the
 * keys, CARDPLUSPAY_CA_FILE), broken in one way. Each case holds the run to its exit status, its time,
 * a complete report set, and its biggest process's peak memory; and the leak detector (which shares
 * no code with the redactor) reads everything every case printed and wrote, the certificate that
 * holds the key included.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Summary } from '../../helpers/reporting/summary';
import { startEmbeddedMocks, type EmbeddedMocks, type MockTarget } from '../../helpers/runner/embedded-mock';
import { cleanEnv } from '../../helpers/runner/env';
import type { FaultName } from '../../mock/faults';
import type { Recorder } from './shard-check';
import { detectLeaks } from '../support/leak-detector';
import { ScratchCopy } from '../support/scratch-copy';
import { ROOT, type RunOutputs } from '../support/run-suite';

/** What every run writes, and so what a complete report set is. */
const REPORT_SET = ['conformance-summary.json', 'conformance-summary.md', 'junit.xml', 'allure-results'];
/**
 * A hang detector for the cases whose time is not what they check: generous, since the self-test
 * must pass on a busy machine. The time-limit cases hold the run to its limit + 10 s (issue 17).
 */
const HANG_S = 300;
/**
 * The 10 s after its limit are for the run to write its reports, a few CPU-seconds. A machine busier
 * than its cores (npm test's other steps, other work) stretches them: the slack grows with the load
 * average seen during the case, per core above one, and stays 10 s on a machine with a core to spare.
 */
const AFTER_LIMIT_S = 10;
/** The most memory any one process of a run may take (a normal run peaks near 250 MB). */
const MAX_RSS_MB = 400;

interface Case {
  name: string;
  /** The mock behind the target: conformant, or broken by this fault. */
  fault?: FaultName;
  /** How the run is started: the launcher (`npm run conformance`) or Playwright's own CLI. */
  via: 'launcher' | 'direct';
  args?: string[];
  env?: Record<string, string>;
  /** Point the run at a port nothing listens on. */
  unreachable?: boolean;
  /** Address the mock by name (`localhost`): Node's certificate errors then quote the names the certificate holds. */
  byName?: boolean;
  expect: { code: number; withinS: number; verdict?: Summary['verdict']; maxRequests?: number; output?: RegExp };
}

/**
 * What the echoed-key case runs, one test for each pair of a path out of a worker (a failed
 * expectation's message and diff, a soft expectation's diff, the request transcripts attached, and
 * the reports and console that carry them) and a kind of key derived from a real one. The rest of
 * AUTH-13 and ENV-03 adds no pair, only a worker restart per failed test (about 1 CPU-second): a
 * never-issued key is no secret, the indistinguishable check's transcripts and diffs hold the key cut
 * short, quoted and revoked, and ENV-03's diffs the key cut short and revoked. The case counts the
 * tests that ran, so a title that changes cannot drop one unnoticed.
 */
const ECHO_TESTS = [
  'AUTH-13 the 401 for the valid key with its letters in the other case',
  'AUTH-13 the 401 for the valid key with one character changed in the middle',
  'AUTH-13 the 401 for the valid key extended by one character',
  'AUTH-13 missing, never-issued, malformed and revoked keys get indistinguishable answers',
  'ENV-03 the 401 for a malformed key',
  'ENV-03 the 401 for a revoked key',
];

const CASES: readonly Case[] = [
  {
    name: 'trickling target: could not judge within the limit',
    fault: 'trickles-response-head',
    via: 'launcher',
    env: { CARDPLUSPAY_TIMEOUT_SECONDS: '20', CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '10' },
    expect: { code: 3, withinS: 30, verdict: 'could-not-judge' },
  },
  {
    name: 'always 429: the run limit ends it with exit 3',
    fault: 'always-429',
    via: 'launcher',
    env: { CARDPLUSPAY_TIMEOUT_SECONDS: '25', CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '9', CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '6' },
    expect: { code: 3, withinS: 35, verdict: 'could-not-judge' },
  },
  {
    // First of the untimed cases: every test of it fails, and Playwright restarts its worker after
    // each, so it takes the most CPU; begun first, the lanes end together.
    name: 'npx playwright test: a key echoed in every answer reaches no output',
    fault: 'key-echoed-in-message',
    via: 'direct',
    args: ['--grep', ECHO_TESTS.join('|')],
    expect: { code: 1, withinS: HANG_S, verdict: 'does-not-conform', output: new RegExp(`Tests: 0 passed, ${ECHO_TESTS.length} failed,`) },
  },
  {
    name: 'certificate holding the key: TLS-01 fails, nothing leaks',
    fault: 'key-in-certificate',
    via: 'launcher',
    byName: true,
    expect: { code: 1, withinS: HANG_S, verdict: 'does-not-conform' },
  },
  ...(['gzip-bomb', 'brotli-bomb'] as const).map((fault): Case => ({
    name: `${fault}: the check that read it fails, memory stays bounded`,
    fault,
    via: 'launcher',
    args: ['--grep', '@AUTH-01|@ENV-04'],
    expect: { code: 1, withinS: HANG_S, verdict: 'does-not-conform', output: /SAFE-08/ },
  })),
  {
    name: 'npx playwright test: the CA file is honoured and a good target conforms',
    via: 'direct',
    args: ['--grep', '@AUTH-0[1-4]'],
    expect: { code: 0, withinS: HANG_S, verdict: 'conforms', output: /conforms to the 4 requirements selected \(32 not run: --grep\)/ },
  },
  {
    // The whole suite: the plain-HTTP probes and TLS handshakes too, which a limit once turned into failures.
    name: 'npx playwright test: the request cap holds, and a limit of the run fails no check',
    via: 'direct',
    env: { CARDPLUSPAY_MAX_REQUESTS: '3' },
    expect: { code: 3, withinS: HANG_S, verdict: 'could-not-judge', maxRequests: 3 },
  },
  {
    name: 'npx playwright test: an unreachable target is exit 3',
    via: 'direct',
    unreachable: true,
    expect: { code: 3, withinS: HANG_S, verdict: 'could-not-judge', output: /Cannot reach/ },
  },
  {
    // Signatures exist only in the worker that made them: the runner's reporters and console must still mask them.
    name: 'npx playwright test: a signature the target echoes reaches no output',
    fault: 'signature-echoed',
    via: 'direct',
    args: ['--grep', '@SIGN-03'],
    expect: { code: 1, withinS: HANG_S, verdict: 'does-not-conform' },
  },
];

interface CaseRun {
  code: number | null;
  seconds: number;
  /** The highest 1-minute load average per core seen while the run ran. */
  loadPerCore: number;
  output: string;
  maxRssMb?: number;
  /** User and system CPU-seconds of the run's processes. */
  cpuS?: number;
}

/** The settings a user would export to check this mock as a real target. */
function remoteEnv(mocks: EmbeddedMocks, name: string, c: Case): Record<string, string> {
  const handle = mocks.handles.get(name)!;
  const shared = Object.fromEntries(Object.entries(mocks.sharedEnv).filter(([k]) => k !== 'CARDPLUSPAY_TARGET'));
  const host = (url: string): string => (c.unreachable ? url.replace(/:\d+\//, ':9/') : c.byName ? url.replace('127.0.0.1', 'localhost') : url);
  return { ...shared, CARDPLUSPAY_BASE_URL: host(handle.baseUrl), CARDPLUSPAY_HTTP_URL: host(handle.httpUrl), CARDPLUSPAY_WORKERS: '1' };
}

function runCase(dir: string, c: Case, env: NodeJS.ProcessEnv): Promise<CaseRun> {
  const started = Date.now();
  const rssFile = path.join(dir, `.rss-${c.name.replace(/\W+/g, '-')}`);
  const entry =
    c.via === 'launcher'
      ? [require.resolve('tsx/cli'), path.join(dir, 'helpers', 'runner', 'run-conformance.ts'), ...(c.args ?? [])]
      : [path.join(dir, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', ...(c.args ?? [])];
  // /usr/bin/time reports the CPU time of the tree it waited for and the peak memory of its largest process.
  const [cmd, args] = fs.existsSync('/usr/bin/time')
    ? ['/usr/bin/time', ['-f', '%U %S %M', '-o', rssFile, process.execPath, ...entry]]
    : [process.execPath, entry];
  let loadPerCore = 0;
  const sampleLoad = (): void => void (loadPerCore = Math.max(loadPerCore, os.loadavg()[0]! / os.availableParallelism()));
  sampleLoad();
  const sampler = setInterval(sampleLoad, 1000);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.on('close', (code) => {
      clearInterval(sampler);
      sampleLoad();
      const [user, sys, rssKb] = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [];
      const measured = rssKb !== undefined ? { maxRssMb: rssKb / 1024, cpuS: user! + sys! } : {};
      resolve({ code, seconds: (Date.now() - started) / 1000, loadPerCore, output, ...measured });
    });
  });
}

function judge(c: Case, run: CaseRun, reports: string): string[] {
  const problems: string[] = [];
  if (run.code !== c.expect.code) problems.push(`exit ${run.code}, expected ${c.expect.code}`);
  const withinS = timeLimited(c) ? c.expect.withinS + AFTER_LIMIT_S * Math.max(0, run.loadPerCore - 1) : c.expect.withinS;
  if (run.seconds > withinS) problems.push(`took ${run.seconds.toFixed(1)} s, more than ${withinS.toFixed(0)} s (load ${run.loadPerCore.toFixed(1)} per core)`);
  const missing = REPORT_SET.filter((f) => !fs.existsSync(path.join(reports, f)));
  if (missing.length > 0) problems.push(`reports missing: ${missing.join(', ')}`);
  const summaryFile = path.join(reports, 'conformance-summary.json');
  const summary = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as Summary) : undefined;
  if (c.expect.verdict && summary?.verdict !== c.expect.verdict) problems.push(`verdict ${summary?.verdict ?? 'none'}, expected ${c.expect.verdict}`);
  if (c.expect.maxRequests !== undefined && (summary?.requests ?? Infinity) > c.expect.maxRequests)
    problems.push(`${summary?.requests} requests, more than ${c.expect.maxRequests}`);
  if (c.expect.output && !c.expect.output.test(run.output)) problems.push(`the output does not say ${String(c.expect.output)}`);
  if (run.maxRssMb !== undefined && run.maxRssMb > MAX_RSS_MB) problems.push(`a process peaked at ${Math.round(run.maxRssMb)} MB, more than ${MAX_RSS_MB} MB`);
  return problems;
}

/** A case whose time is what it checks: it waits out its run's limit, using little CPU. */
const timeLimited = (c: Case): boolean => c.expect.withinS < HANG_S;

/** Runs one case in a scratch copy and records its verdict: exit status, time, reports, memory, and no secret in anything it wrote or printed. */
async function checkCase(record: Recorder, mocks: EmbeddedMocks, c: Case, target: string, dir: string): Promise<string> {
  const run = await runCase(dir, c, { ...cleanEnv(), ...remoteEnv(mocks, target, c), ...(c.env ?? {}) });
  if (process.env.RUNNER_CHECK_ECHO) process.stdout.write(`--- ${c.name}\n${run.output}\n`);
  const problems = judge(c, run, path.join(dir, 'reports'));
  const leaks = detectLeaks([path.join(dir, 'reports'), path.join(dir, 'test-results')], [...mocks.secrets, ...mocks.handles.get(target)!.signaturesSeen()], {
    output: run.output,
  }).map((l) => `${l.where} (${l.encodings.join(', ')})`);
  if (leaks.length > 0) problems.push(`a secret leaked into: ${leaks.join(', ')}`);
  const cpu = run.cpuS !== undefined ? ` (${run.cpuS.toFixed(1)} CPU-s)` : '';
  const measured = `exit ${run.code} in ${run.seconds.toFixed(1)} s${cpu}${run.maxRssMb !== undefined ? `, peak ${Math.round(run.maxRssMb)} MB` : ''}`;
  record(
    `runner: ${c.name}`,
    problems.length === 0,
    problems.length === 0 ? measured : `${problems.join('; ')} (${measured}); last lines: ${run.output.trim().split('\n').slice(-3).join(' | ')}`,
  );
  return run.output;
}

/** Fills Playwright's and tsx's caches for the copy's paths as the launcher starts a run (`--list` sends nothing). */
async function compile(copy: ScratchCopy, mocks: EmbeddedMocks, c: Case, target: string): Promise<void> {
  const listed = await runCase(copy.dir, { ...c, via: 'launcher', args: ['--list'] }, { ...cleanEnv(), ...remoteEnv(mocks, target, c) });
  if (listed.code === 0) copy.markCompiled();
}

/**
 * Runs every case in three lanes, each lane one scratch copy reset between its cases (a fresh copy
 * per case made every process of every case compile the project again). The time-limited cases go
 * first, one to a lane: they mostly wait, and the third lane's runs use the CPU they leave. A
 * time-limited run needs CPU only to start and to write its reports within its limit's slack, and
 * its copy is compiled before its limit starts counting (`--list` sends no request; not needed when
 * an earlier self-test compiled nearly the same files at the copy's path), so that it needs little
 * even beside two busy lanes.
 */
export async function runnerCheck(record: Recorder, only?: RegExp): Promise<RunOutputs> {
  const cases = CASES.filter((c) => !only || only.test(c.name)).map((c, i) => ({ c, target: `case-${i}` }));
  const mocks = await startEmbeddedMocks(cases.map(({ c, target }): MockTarget => ({ name: target, ...(c.fault ? { fault: c.fault } : {}) })));
  const printed: Record<string, string> = {};
  const copies: ScratchCopy[] = [];
  const secrets = [...mocks.secrets];
  const queue = [...cases.filter(({ c }) => timeLimited(c)), ...cases.filter(({ c }) => !timeLimited(c))];
  try {
    const lane = async (): Promise<void> => {
      let copy: ScratchCopy | undefined;
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (copy) copy.reset();
        else copies.push((copy = new ScratchCopy(ROOT)));
        if (timeLimited(next.c) && !copy.compiled) await compile(copy, mocks, next.c, next.target);
        printed[`runner check: ${next.c.name}`] = await checkCase(record, mocks, next.c, next.target, copy.dir);
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    secrets.push(...[...mocks.handles.values()].flatMap((h) => h.signaturesSeen()));
  } finally {
    await mocks.close();
    for (const copy of copies) copy.remove();
  }
  return { secrets, printed, cookies: { requests: 0, chosen: 0, ambient: [] } };
}

if (require.main === module) {
  const only = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
  runnerCheck((name, ok, detail) => process.stdout.write(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}\n`), only).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
