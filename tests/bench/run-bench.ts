/**
 * `npm run bench`: how fast the suite and the mock are on this machine. Prints one table and
 * writes reports/bench.json. Every figure is the median of repeated runs, next to the reference it
 * is measured against in the same run:
 *   - `npm run conformance` against the embedded mock, against its floor `npm run conformance --
 *     --list` (same config, loads everything, runs nothing);
 *   - the mock's requests/s for an authenticated keep-alive GET balance (autocannon), against a
 *     bare node:https server answering the same bytes;
 *   - the signer's signatures/s against node:crypto's, the mock's verifications/s against node:crypto's;
 *   - `npm test` and each of its parts (wall and CPU time, from reports/self-test/timings.json).
 * Benchmarks are not tests: a slow machine fails nothing. The exit status is 1 only when a
 * measured command itself failed, because then the figure means nothing.
 *
 *   npm run bench -- [--repeat N] [--quick] [--stability N] [--only conformance,throughput,crypto,npm-test]
 *
 * --quick: one repeat, short load and crypto runs, npm test not re-run (its last timings shown).
 * --stability N: N whole `npm run conformance` runs against the conformant mock, counting failures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import autocannon from 'autocannon';
import { cleanEnv } from '../../helpers/runner/env';
import type { CryptoRates } from './crypto-rates';
import type { LoadTarget } from './load-target';
import { forkTs, median, npmCommand, timeCommand, type Sample } from './measure';
import type { SelfTestTimings } from './step-timer';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_FILE = path.join(ROOT, 'reports', 'bench.json');
const LOG_DIR = path.join(ROOT, 'reports', 'bench-logs');
const TIMINGS_FILE = path.join(ROOT, 'reports', 'self-test', 'timings.json');

const SECTIONS = ['conformance', 'throughput', 'crypto', 'npm-test'] as const;
type Section = (typeof SECTIONS)[number];

/** The issue's targets, shown next to the figures; informational only. */
const TARGETS = { conformanceRatio: 2.5, conformanceSeconds: 15, throughputRatio: 0.7, npmTestSeconds: 240 };

interface Options {
  repeat: number;
  quick: boolean;
  stability: number;
  only: Set<Section>;
  loadSeconds: number;
  cryptoMs: number;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const positive = (flag: string, fallback: number): number => {
    const raw = value(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number of at least 1, got "${raw}".`);
    return n;
  };
  const known = new Set(['--repeat', '--quick', '--stability', '--only']);
  for (const arg of argv)
    if (arg.startsWith('--') && !known.has(arg))
      throw new Error(`Unknown option ${arg}. Options: --repeat N, --quick, --stability N, --only ${SECTIONS.join(',')}.`);
  const quick = argv.includes('--quick');
  const onlyRaw = value('--only');
  const only = new Set<Section>();
  for (const name of onlyRaw ? onlyRaw.split(',') : SECTIONS) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got "${name}".`);
    only.add(name as Section);
  }
  return {
    repeat: positive('--repeat', quick ? 1 : 3),
    quick,
    stability: argv.includes('--stability') ? positive('--stability', 20) : 0,
    only,
    loadSeconds: quick ? 2 : 5,
    cryptoMs: quick ? 300 : 1000,
  };
}

interface Figure {
  name: string;
  unit: string;
  /** Median of the runs, and every run. */
  value: number;
  runs: number[];
  reference?: { name: string; value: number; runs: number[] };
  /** value / reference. */
  ratio?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

const figures: Figure[] = [];
const problems: string[] = [];

interface FigureInput extends Omit<Figure, 'value' | 'ratio' | 'reference' | 'met'> {
  reference?: { name: string; runs: number[] };
  /** Whether the target is met, given the ratio and the median. */
  ratioTarget?: (ratio: number, value: number) => boolean;
}

function figure(f: FigureInput): Figure {
  const value = median(f.runs);
  const ref = f.reference ? { ...f.reference, value: median(f.reference.runs) } : undefined;
  const ratio = ref ? value / ref.value : undefined;
  const { ratioTarget, ...rest } = f;
  const out: Figure = { ...rest, value, reference: ref, ratio, met: ratioTarget ? ratioTarget(ratio ?? NaN, value) : undefined };
  figures.push(out);
  return out;
}

function progress(text: string): void {
  process.stdout.write(`${text}\n`);
}

const seconds = (ms: number): number => ms / 1000;

// ---------------------------------------------------------------------------------------------
// (a) a full conformance run against its --list floor

async function conformance(options: Options): Promise<void> {
  const full: Sample[] = [];
  const floor: Sample[] = [];
  for (let i = 0; i < options.repeat; i++) {
    // Alternating which goes first spreads any drift in the machine's load over both.
    const order = i % 2 === 0 ? (['floor', 'full'] as const) : (['full', 'floor'] as const);
    for (const kind of order) {
      const [cmd, args] = npmCommand(['run', '-s', 'conformance', ...(kind === 'floor' ? ['--', '--list'] : [])]);
      const sample = await timeCommand(cmd, args, { cwd: ROOT, env: cleanEnv(), logFile: path.join(LOG_DIR, `conformance-${kind}-${i + 1}.log`) });
      (kind === 'full' ? full : floor).push(sample);
      progress(
        `  conformance ${kind} ${i + 1}/${options.repeat}: ${seconds(sample.wallMs).toFixed(1)} s wall, ${sample.cpuMs === null ? '?' : seconds(sample.cpuMs).toFixed(1)} s CPU, exit ${sample.code}`,
      );
      if (sample.code !== 0)
        problems.push(`npm run conformance${kind === 'floor' ? ' -- --list' : ''} exited ${sample.code} (reports/bench-logs/conformance-${kind}-${i + 1}.log)`);
    }
  }
  figure({
    name: 'npm run conformance, embedded mock (wall)',
    unit: 's',
    runs: full.map((s) => seconds(s.wallMs)),
    reference: { name: '--list floor', runs: floor.map((s) => seconds(s.wallMs)) },
    target: `<= ${TARGETS.conformanceRatio}x floor and < ${TARGETS.conformanceSeconds} s`,
    ratioTarget: (ratio, value) => ratio <= TARGETS.conformanceRatio && value < TARGETS.conformanceSeconds,
  });
  if (full.every((s) => s.cpuMs !== null)) {
    figure({
      name: 'npm run conformance, embedded mock (CPU)',
      unit: 's',
      runs: full.map((s) => seconds(s.cpuMs!)),
      reference: { name: '--list floor', runs: floor.map((s) => seconds(s.cpuMs!)) },
      note: 'all processes: npm, runner, workers, mock',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// (b) requests/s of the mock against a bare node:https server

/**
 * autocannon 8 always turns rejectUnauthorized off in the options it gives tls.connect
 * (lib/httpClient.js), whatever tlsOptions say. Node still verifies the chain against `ca` and the
 * name and records the verdict in `socket.authorized`, so each connection is checked there, and an
 * unverified one is closed and voids the measurement.
 */
function verifiedConnections(onUnverified: (reason: string) => void): (client: unknown) => void {
  return (client) => {
    const c = client as { _connect: () => void; conn?: TLSSocket };
    const connect = c._connect.bind(c);
    c._connect = () => {
      connect();
      const socket = c.conn;
      socket?.once('secureConnect', () => {
        if (socket.authorized) return;
        onUnverified(String(socket.authorizationError));
        socket.destroy();
      });
    };
  };
}

/**
 * Before any load: one handshake with verification on, proving the server on that port holds a
 * certificate the mock's CA vouches for. autocannon may write a request before its own per-connection
 * check above can close an unverified connection, so that check alone would come too late.
 */
function verifyServer(url: string, ca: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Enough connections to keep the server busy: with fewer, the load generator's own speed is measured. */
const LOAD_CONNECTIONS = 50;

async function load(url: string, target: LoadTarget, secondsToRun: number): Promise<{ perSecond: number; answered: number }> {
  let unverified = '';
  const result = await autocannon({
    url,
    connections: LOAD_CONNECTIONS,
    duration: secondsToRun,
    headers: { 'x-api-key': target.apiKey },
    tlsOptions: { ca: target.ca },
    expectBody: target.body,
    setupClient: verifiedConnections((reason) => (unverified ||= reason)),
  });
  const answered = result['2xx'];
  if (unverified) problems.push(`a load connection to ${url} did not verify against the mock's CA (${unverified})`);
  if (result.non2xx || result.errors || result.timeouts || result.mismatches) {
    problems.push(
      `load on ${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} bodies other than the expected one`,
    );
  }
  return { perSecond: answered / result.duration, answered };
}

async function throughput(options: Options): Promise<void> {
  const child = forkTs(path.join(__dirname, 'load-target.ts'));
  const target = await new Promise<LoadTarget>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadTarget));
    child.once('exit', (code) => reject(new Error(`the load target exited ${code} before it was ready`)));
  });
  const cpuMicros = (): Promise<number> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
      child.send('cpu');
    });
  const rps = { mock: [] as number[], bare: [] as number[] };
  const cpuPerRequest = { mock: [] as number[], bare: [] as number[] };
  try {
    await verifyServer(target.mockUrl, target.ca);
    await verifyServer(target.bareUrl, target.ca);
    // Warm-up: JIT and TLS session state, so the first measured run is not the cold one.
    await load(target.mockUrl, target, 2);
    await load(target.bareUrl, target, 2);
    for (let i = 0; i < options.repeat; i++) {
      const order = i % 2 === 0 ? (['mock', 'bare'] as const) : (['bare', 'mock'] as const);
      for (const kind of order) {
        const before = await cpuMicros();
        const run = await load(kind === 'mock' ? target.mockUrl : target.bareUrl, target, options.loadSeconds);
        const cpu = (await cpuMicros()) - before;
        rps[kind].push(run.perSecond);
        cpuPerRequest[kind].push(cpu / Math.max(1, run.answered));
        progress(
          `  throughput ${kind} ${i + 1}/${options.repeat}: ${Math.round(run.perSecond)} req/s, ${cpuPerRequest[kind].at(-1)!.toFixed(1)} µs server CPU per request`,
        );
      }
    }
  } finally {
    child.send('stop');
  }
  figure({
    name: `mock GET balance, keep-alive, ${LOAD_CONNECTIONS} connections`,
    unit: 'req/s',
    runs: rps.mock,
    reference: { name: 'bare node:https, same bytes', runs: rps.bare },
    target: `>= ${TARGETS.throughputRatio * 100}% of bare`,
    ratioTarget: (ratio) => ratio >= TARGETS.throughputRatio,
  });
  figure({
    name: 'mock server CPU per request',
    unit: 'µs',
    runs: cpuPerRequest.mock,
    reference: { name: 'bare node:https', runs: cpuPerRequest.bare },
    note: 'the same load, in server CPU time: what other work on the machine does not distort',
  });
}

// ---------------------------------------------------------------------------------------------
// (c) signatures/s and verifications/s

async function cryptoRates(options: Options): Promise<void> {
  const runs: CryptoRates[] = [];
  for (let i = 0; i < options.repeat; i++) {
    const child = forkTs(path.join(__dirname, 'crypto-rates.ts'), [String(options.cryptoMs)]);
    runs.push(
      await new Promise<CryptoRates>((resolve, reject) => {
        child.once('message', (m) => resolve(m as CryptoRates));
        child.once('exit', (code) => reject(new Error(`crypto-rates exited ${code} without a result`)));
      }),
    );
    progress(
      `  crypto ${i + 1}/${options.repeat}: signer ${Math.round(runs.at(-1)!.signerPerSecond)}/s, mock verify ${Math.round(runs.at(-1)!.mockVerifyPerSecond)}/s`,
    );
  }
  figure({
    name: 'signer signatures (signChallenge)',
    unit: '/s',
    runs: runs.map((r) => r.signerPerSecond),
    reference: { name: 'node:crypto sign', runs: runs.map((r) => r.cryptoSignPerSecond) },
    note: 'RSA-2048; includes registering each signature with the redactor',
  });
  figure({
    name: "mock's verify (RequestSigning.verify)",
    unit: '/s',
    runs: runs.map((r) => r.mockVerifyPerSecond),
    reference: { name: 'node:crypto verify', runs: runs.map((r) => r.cryptoVerifyPerSecond) },
    note: 'accepted signed requests: header checks, challenge lookup and single-use marking included',
  });
}

// ---------------------------------------------------------------------------------------------
// (d) npm test and its parts

/** A part's short name: the step title up to its colon. */
const partName = (title: string): string => title.split(':')[0]!.trim();

async function npmTest(options: Options): Promise<void> {
  const totals: Sample[] = [];
  const parts = new Map<string, { wall: number[]; cpu: number[] }>();
  if (options.quick) {
    if (!fs.existsSync(TIMINGS_FILE)) {
      progress('  npm test: not run (--quick), and no earlier timings in reports/self-test/timings.json');
      return;
    }
    const last = JSON.parse(fs.readFileSync(TIMINGS_FILE, 'utf8')) as SelfTestTimings;
    addTimings(parts, last);
    totals.push({ wallMs: last.totalS * 1000, cpuMs: last.cpuS === null ? null : last.cpuS * 1000, code: 0 });
    progress(`  npm test: not re-run (--quick); timings of the run at ${last.measuredAt}`);
  } else {
    for (let i = 0; i < options.repeat; i++) {
      fs.rmSync(TIMINGS_FILE, { force: true });
      const [cmd, args] = npmCommand(['test']);
      const sample = await timeCommand(cmd, args, { cwd: ROOT, env: cleanEnv(), logFile: path.join(LOG_DIR, `npm-test-${i + 1}.log`) });
      totals.push(sample);
      progress(
        `  npm test ${i + 1}/${options.repeat}: ${seconds(sample.wallMs).toFixed(1)} s wall, ${sample.cpuMs === null ? '?' : seconds(sample.cpuMs).toFixed(1)} s CPU, exit ${sample.code}`,
      );
      if (sample.code !== 0) problems.push(`npm test exited ${sample.code} (reports/bench-logs/npm-test-${i + 1}.log)`);
      if (fs.existsSync(TIMINGS_FILE)) addTimings(parts, JSON.parse(fs.readFileSync(TIMINGS_FILE, 'utf8')) as SelfTestTimings);
    }
  }
  const note = options.quick ? 'last npm test run, not re-run (--quick)' : undefined;
  figure({
    name: 'npm test, all faults (wall)',
    unit: 's',
    runs: totals.map((s) => seconds(s.wallMs)),
    target: `< ${TARGETS.npmTestSeconds} s`,
    ratioTarget: (_r, v) => v < TARGETS.npmTestSeconds,
    note,
  });
  if (totals.every((s) => s.cpuMs !== null))
    figure({ name: 'npm test, all faults (CPU)', unit: 's', runs: totals.map((s) => seconds(s.cpuMs!)), note: 'all processes' });
  for (const [name, p] of parts) {
    figure({ name: `  ${name} (wall)`, unit: 's', runs: p.wall, note: p.cpu.length === p.wall.length ? `CPU ${median(p.cpu).toFixed(1)} s` : undefined });
  }
}

function addTimings(parts: Map<string, { wall: number[]; cpu: number[] }>, timings: SelfTestTimings): void {
  for (const p of timings.parts) {
    const entry = parts.get(partName(p.part)) ?? { wall: [], cpu: [] };
    entry.wall.push(p.wallS);
    if (p.cpuS !== null) entry.cpu.push(p.cpuS);
    parts.set(partName(p.part), entry);
  }
}

// ---------------------------------------------------------------------------------------------
// --stability N

interface StabilityResult {
  runs: number;
  failures: number;
  failed: Array<{ run: number; exit: number; log: string }>;
  wallS: number[];
}

async function stability(count: number): Promise<StabilityResult> {
  const result: StabilityResult = { runs: count, failures: 0, failed: [], wallS: [] };
  for (let i = 1; i <= count; i++) {
    const log = path.join(LOG_DIR, `stability-${i}.log`);
    const [cmd, args] = npmCommand(['run', '-s', 'conformance']);
    const sample = await timeCommand(cmd, args, { cwd: ROOT, env: cleanEnv(), logFile: log });
    result.wallS.push(seconds(sample.wallMs));
    if (sample.code !== 0) {
      result.failures++;
      result.failed.push({ run: i, exit: sample.code, log: path.relative(ROOT, log) });
    }
    progress(`  stability ${i}/${count}: exit ${sample.code}, ${seconds(sample.wallMs).toFixed(1)} s`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------

function fmt(value: number | undefined, unit = ''): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (unit === 'req/s' || unit === '/s') return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${unit}`.trim();
}

function printTable(machine: Record<string, unknown>, stabilityResult: StabilityResult | undefined): void {
  const rows: string[][] = [['figure', 'median', 'reference (median)', 'ratio', 'target', 'runs / note']];
  for (const f of figures) {
    rows.push([
      f.name,
      fmt(f.value, f.unit),
      f.reference ? `${fmt(f.reference.value, f.unit)} ${f.reference.name}` : '',
      f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
      f.target ? `${f.target}: ${f.met ? 'met' : 'NOT met'}` : '',
      [f.runs.length > 1 ? `n=${f.runs.length}` : '', f.note ?? ''].filter(Boolean).join('; '),
    ]);
  }
  if (stabilityResult)
    rows.push([
      `stability: ${stabilityResult.runs} whole conformance runs`,
      `${stabilityResult.failures} failed`,
      '',
      '',
      '0 failures: ' + (stabilityResult.failures === 0 ? 'met' : 'NOT met'),
      `median ${median(stabilityResult.wallS).toFixed(1)} s per run`,
    ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  progress(
    `\nBenchmark on ${String(machine.cpus)} x ${String(machine.cpuModel)}, Node ${String(machine.node)}; load average ${String(machine.loadBefore)} before, ${String(machine.loadAfter)} after`,
  );
  rows.forEach((r, i) => {
    progress(
      r
        .map((c, j) => c.padEnd(widths[j]!))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) progress(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const load1 = (): string =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const machine: Record<string, unknown> = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadBefore: load1(),
  };
  const started = Date.now();
  progress(
    `npm run bench: repeat ${options.repeat}${options.quick ? ', quick' : ''}${options.stability ? `, stability ${options.stability}` : ''}; sections ${[...options.only].join(', ')}`,
  );
  if (options.only.has('throughput')) await throughput(options);
  if (options.only.has('crypto')) await cryptoRates(options);
  if (options.only.has('conformance')) await conformance(options);
  if (options.only.has('npm-test')) await npmTest(options);
  const stabilityResult = options.stability ? await stability(options.stability) : undefined;
  if (stabilityResult && stabilityResult.failures > 0)
    problems.push(`${stabilityResult.failures} of ${stabilityResult.runs} conformance runs failed: ${stabilityResult.failed.map((f) => f.log).join(', ')}`);
  machine.loadAfter = load1();

  printTable(machine, stabilityResult);
  const report = {
    measuredAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine,
    options: { ...options, only: [...options.only] },
    targets: TARGETS,
    figures,
    stability: stabilityResult,
    problems,
  };
  fs.writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  progress(`\nWritten: ${path.relative(ROOT, OUT_FILE)} (logs in ${path.relative(ROOT, LOG_DIR)}/). Benchmarks are not tests: a slow figure fails nothing.`);
  for (const p of problems) progress(`  problem: ${p}`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
