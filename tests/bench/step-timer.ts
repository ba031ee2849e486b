/**
 * Per-part timings of `npm test`, for the benchmark: when each step started and how long it took,
 * and its CPU time (the runner's own, which includes the mocks it hosts, plus every child it waited
 * for) where it ran alone. Steps run side by side (tests/support/step-scheduler.ts), and the CPU of
 * one cannot be told from its neighbours'; the whole run's CPU is always given. Written next to the
 * other self-test outputs as reports/self-test/timings.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ownCpuMs, reapedChildrenCpuMs } from './measure';

export interface PartTiming {
  part: string;
  /** When the step started, in seconds from the start of npm test. */
  startS?: number;
  wallS: number;
  /** null where the step ran beside another, or child CPU cannot be read (no /proc). */
  cpuS: number | null;
}

export interface SelfTestTimings {
  measuredAt: string;
  totalS: number;
  cpuS: number | null;
  parts: PartTiming[];
}

function cpuNowMs(): number | null {
  const children = reapedChildrenCpuMs();
  return children === null ? null : children + ownCpuMs();
}

interface Running {
  part: string;
  at: number;
  cpu: number | null;
  /** Another step ran at some time beside this one. */
  shared: boolean;
}

export class StepTimer {
  private readonly parts: PartTiming[] = [];
  private readonly startedAt = Date.now();
  private readonly startCpu = cpuNowMs();
  private readonly running = new Set<Running>();

  start(part: string): Running {
    const run: Running = { part, at: Date.now(), cpu: cpuNowMs(), shared: this.running.size > 0 };
    for (const r of this.running) r.shared = true;
    this.running.add(run);
    return run;
  }

  /** Ends a part; gives its wall time in seconds. */
  end(run: Running): number {
    this.running.delete(run);
    const cpu = cpuNowMs();
    const wallS = (Date.now() - run.at) / 1000;
    this.parts.push({
      part: run.part,
      startS: (run.at - this.startedAt) / 1000,
      wallS,
      cpuS: run.shared || cpu === null || run.cpu === null ? null : (cpu - run.cpu) / 1000,
    });
    return wallS;
  }

  write(file: string): SelfTestTimings {
    const cpu = cpuNowMs();
    const timings: SelfTestTimings = {
      measuredAt: new Date(this.startedAt).toISOString(),
      totalS: (Date.now() - this.startedAt) / 1000,
      cpuS: cpu === null || this.startCpu === null ? null : (cpu - this.startCpu) / 1000,
      parts: this.parts,
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(timings, null, 2)}\n`);
    return timings;
  }
}
