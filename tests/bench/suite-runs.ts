/**
 * The bench's sections that time the suite's own commands: `npm run conformance` against its
 * `--list` floor, `npm test` and its parts (reports/self-test/timings.json), and --stability's whole
 * conformance runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv } from '../../helpers/runner/env';
import { TARGETS, figure, problems, progress, seconds, type StabilityResult } from './figures';
import { median, npmCommand, timeCommand, type Sample } from './measure';
import type { Options } from './options';
import type { SelfTestTimings } from './step-timer';

const ROOT = path.resolve(__dirname, '..', '..');
export const LOG_DIR = path.join(ROOT, 'reports', 'bench-logs');
const TIMINGS_FILE = path.join(ROOT, 'reports', 'self-test', 'timings.json');

// ---------------------------------------------------------------------------------------------
// (a) a full conformance run against its --list floor

export async function conformance(options: Options): Promise<void> {
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
// (d) npm test and its parts

/** A part's short name: the step title up to its colon. */
const partName = (title: string): string => title.split(':')[0]!.trim();

export async function npmTest(options: Options): Promise<void> {
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

export async function stability(count: number): Promise<StabilityResult> {
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
