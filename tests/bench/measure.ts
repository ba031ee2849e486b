/**
 * Timing what the benchmark runs: wall time, and the CPU time of a child and everything it started.
 * CPU seconds are the figure that survives a busy machine: other work on the box stretches wall
 * time, not the CPU a run needs.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Linux counts child CPU in clock ticks, 100 a second on every common kernel config (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU of every child this process has waited for, and of their waited-for
 * descendants, in ms (Linux /proc/self/stat cutime + cstime); null where /proc is missing.
 */
export function reapedChildrenCpuMs(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** This process's own CPU (user + system) in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface Sample {
  wallMs: number;
  /** CPU of the command and all it started; null where it cannot be read. */
  cpuMs: number | null;
  code: number;
}

/** Runs a command to its end, output to `logFile`, and times it. */
export function timeCommand(cmd: string, args: readonly string[], options: SpawnOptions & { logFile: string }): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const log = fs.openSync(options.logFile, 'w');
    const cpuBefore = reapedChildrenCpuMs();
    const started = performance.now();
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', log, log] });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      fs.closeSync(log);
      const cpuAfter = reapedChildrenCpuMs();
      resolve({
        wallMs: performance.now() - started,
        cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
        code: code ?? (signal ? 1 : 0),
      });
    });
  });
}

/** `npm` as the user runs it: the npm that started this process, else the one on PATH. */
export function npmCommand(args: readonly string[]): [string, string[]] {
  const npmCli = process.env.npm_execpath;
  return npmCli && /\.c?js$/.test(npmCli) ? [process.execPath, [npmCli, ...args]] : ['npm', [...args]];
}

/** Node with tsx's loader, so a TypeScript child can talk back over IPC (the tsx CLI sits in between). */
export function forkTs(file: string, args: readonly string[] = []): ChildProcess {
  const loader = pathToFileURL(require.resolve('tsx')).href;
  return spawn(process.execPath, ['--import', loader, file, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
