/**
 * `npm run bench`: how fast the suite and the mock are on this machine. Prints one table and
 * writes reports/bench.json. Every figure is the median of repeated runs, next to the reference it
 * is measured against in the same run:
 *   - `npm run conformance` against the embedded mock, against its floor `npm run conformance --
 *     --list` (same config, loads everything, runs nothing);
 *   - the mock's requests/s for an authenticated keep-alive GET balance (autocannon), against a
 *     bare node:https server answering the same bytes;
 *   - the signer's signatures/s against node:crypto's, the mock's verifications/s against node:crypto's;
 *   - `npm test` and each of its parts (wall and CPU time, from reports/self-test/timings.json);
 *   - `npm run conformance` against a mock behind a local HTTPS front that adds latency
 *     (remote-latency) or a rate limit (remote-rate), against what the suite's requests need;
 *   - where a conformance run's wall time goes, phase by phase (breakdown).
 * Each section has its file (throughput.ts, crypto.ts, suite-runs.ts, remote.ts, breakdown.ts); the
 * figures and the table are in figures.ts, the options in options.ts.
 * Benchmarks are not tests: a slow machine fails nothing. The exit status is 1 only when a
 * measured command itself failed, because then the figure means nothing.
 *
 *   npm run bench -- [--repeat N] [--quick] [--stability N] [--latency-ms N]
 *                    [--only conformance,throughput,crypto,npm-test,remote-latency,remote-rate,breakdown]
 *
 * --quick: one repeat, short load and crypto runs, npm test not re-run (its last timings shown).
 * --stability N: N whole `npm run conformance` runs against the conformant mock, counting failures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { breakdown } from './breakdown';
import { cryptoRates } from './crypto';
import { TARGETS, figures, printTable, problems, progress } from './figures';
import { parseArgs } from './options';
import { remoteLatency, remoteRate } from './remote';
import { LOG_DIR, conformance, npmTest, stability } from './suite-runs';
import { throughput } from './throughput';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_FILE = path.join(ROOT, 'reports', 'bench.json');

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
  if (options.only.has('breakdown')) await breakdown(options);
  if (options.only.has('remote-latency')) await remoteLatency(options);
  if (options.only.has('remote-rate')) await remoteRate(options);
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
