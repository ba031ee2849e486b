/**
 * The bench's breakdown section: where the wall time of `npm run conformance` against the embedded
 * mock goes, from marks the run leaves anyway, without changing it or adding a reporter:
 *   - Playwright's own task log (DEBUG=pw:test:task: each task's start and end, ISO-stamped by the
 *     runner process): config loaded (its first task), global setup, test files loaded, onBegin,
 *     the test phase, the teardowns;
 *   - the time each output line reached the bench (a line timer): the global setup's line that the
 *     embedded mock is up splits mock start from the preflight;
 *   - the Allure results' start and stop of every test: first test begin, last test end;
 *   - the reports' mtimes: the summary written (the last reporter that writes), and reports/ itself,
 *     changed last by the promotion of the staged set;
 *   - the process's exit.
 * A mark that is missing merges its phase into the next one; phases are medians over the repeats.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from '../support/run-suite';
import { REPORTS, SUMMARY_FILE, outcome, freshSummary, runEnv } from './conformance-run';
import { figure, problems, progress } from './figures';
import { median, npmCommand } from './measure';
import type { Options } from './options';
import { LOG_DIR } from './suite-runs';

/** One output line and when it reached the bench (epoch ms). */
interface Line {
  at: number;
  text: string;
}

interface Mark {
  /** The phase that ends at this mark. */
  phase: string;
  at: number | undefined;
}

/** Runs `npm run conformance` with Playwright's task log on, and keeps every line with its arrival time. */
function timedRun(logFile: string): Promise<{ started: number; ended: number; code: number; lines: Line[] }> {
  const [cmd, args] = npmCommand(['run', '-s', 'conformance']);
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: ROOT, env: runEnv({ DEBUG: 'pw:test:task' }), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (text) => lines.push({ at: Date.now(), text }));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const ended = Date.now();
      fs.writeFileSync(logFile, lines.map((l) => `+${((l.at - started) / 1000).toFixed(3)} ${l.text}\n`).join(''));
      resolve({ started, ended, code: code ?? 1, lines });
    });
  });
}

/** When Playwright's task log says `"title" started|finished` (its own stamp); the first match when `title` is unset. */
function task(lines: readonly Line[], title: string | undefined, event: 'started' | 'finished', last = false): number | undefined {
  const found = (last ? [...lines].reverse() : lines).find((l) => {
    const m = /^(\S+Z) pw:test:task "([^"]+)" (started|finished)$/.exec(l.text);
    return m !== null && (title === undefined || m[2] === title) && m[3] === event;
  });
  return found ? Date.parse(found.text.slice(0, found.text.indexOf(' '))) : undefined;
}

/** First begin and last end of the tests, from their Allure results (the requirement matrix's own result, not a test, is left out). */
function testSpan(): { first?: number; last?: number } {
  const dir = path.join(REPORTS, 'allure-results');
  let first: number | undefined;
  let last: number | undefined;
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!name.endsWith('-result.json')) continue;
    const r = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { start?: number; stop?: number; labels?: Array<{ name: string; value: string }> };
    if (!r.labels?.some((l) => l.name === 'framework' && l.value === 'playwright')) continue;
    if (r.start !== undefined) first = Math.min(first ?? Infinity, r.start);
    if (r.stop !== undefined) last = Math.max(last ?? -Infinity, r.stop);
  }
  return { first, last };
}

const mtime = (file: string): number | undefined => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined);

function marks(run: Awaited<ReturnType<typeof timedRun>>): Mark[] {
  const span = testSpan();
  const mockUp = run.lines.find((l) => l.text.startsWith('No CARDPLUSPAY_BASE_URL'))?.at;
  return [
    { phase: 'start-up to config loaded (npm, launcher, Playwright, config)', at: task(run.lines, undefined, 'started') },
    { phase: 'global setup: embedded mock start', at: mockUp },
    { phase: 'global setup: preflight', at: task(run.lines, 'global setup', 'finished') },
    { phase: 'test files loaded, run begins (onBegin)', at: task(run.lines, 'report begin', 'finished') },
    { phase: 'workers start, to the first test begin', at: span.first },
    { phase: 'tests: first begin to last end', at: span.last },
    { phase: 'workers stop, global teardown (mock closed)', at: task(run.lines, undefined, 'finished', true) },
    { phase: 'reporters write the reports (summary last)', at: mtime(SUMMARY_FILE) },
    { phase: 'output backstop, staged reports promoted', at: mtime(REPORTS) },
    { phase: 'exit', at: run.ended },
  ];
}

/** Each phase's seconds: from the last mark before it; a missing mark merges its phase into the next; a mark out of order counts 0. */
function phases(started: number, list: readonly Mark[]): Map<string, number> {
  const out = new Map<string, number>();
  let from = started;
  let pending: string[] = [];
  for (const m of list) {
    pending.push(m.phase);
    if (m.at === undefined) continue;
    out.set(pending.join(' + '), Math.max(0, m.at - from) / 1000);
    from = Math.max(from, m.at);
    pending = [];
  }
  return out;
}

export async function breakdown(options: Options): Promise<void> {
  const byPhase = new Map<string, number[]>();
  const totals: number[] = [];
  for (let i = 0; i < options.repeat; i++) {
    const log = `breakdown-${i + 1}.log`;
    const run = await timedRun(path.join(LOG_DIR, log));
    const summary = freshSummary(run.started);
    if (run.code !== 0 || !summary) problems.push(`npm run conformance exited ${run.code} (${outcome(summary)}; reports/bench-logs/${log})`);
    const list = marks(run);
    // Not a problem: the phases still add up, only coarser.
    if (list[0]!.at === undefined) progress(`  no Playwright task log in reports/bench-logs/${log}: start-up and global setup are measured as one`);
    for (const [phase, s] of phases(run.started, list)) byPhase.set(phase, [...(byPhase.get(phase) ?? []), s]);
    totals.push((run.ended - run.started) / 1000);
    progress(`  breakdown ${i + 1}/${options.repeat}: ${totals.at(-1)!.toFixed(1)} s wall, exit ${run.code}, ${outcome(summary)}`);
  }
  const total = median(totals);
  figure({ name: "npm run conformance, embedded mock, Playwright's task log on (wall)", unit: 's', runs: totals, note: 'the breakdown below' });
  const width = Math.max(...[...byPhase.keys()].map((k) => k.length));
  progress(`  where the wall time of npm run conformance goes (median of ${options.repeat}, total ${total.toFixed(1)} s):`);
  for (const [phase, runs] of byPhase) {
    const s = median(runs);
    progress(`    ${phase.padEnd(width)}  ${s.toFixed(2).padStart(6)} s  ${((100 * s) / total).toFixed(0).padStart(3)} %`);
    figure({ name: `  breakdown: ${phase}`, unit: 's', runs, note: `${((100 * s) / total).toFixed(0)} % of ${total.toFixed(1)} s` });
  }
}
