/**
 * Per-part timings of `npm test`, for the benchmark: wall time, and CPU time (the runner's own,
 * which includes the mocks it hosts, plus every child it waited for). Written next to the other
 * self-test outputs as reports/self-test/timings.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ownCpuMs, reapedChildrenCpuMs } from './measure';

export interface PartTiming {
  part: string;
  wallS: number;
  /** null where child CPU cannot be read (no /proc). */
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

export class StepTimer {
  private readonly parts: PartTiming[] = [];
  private readonly startedAt = Date.now();
  private readonly startCpu = cpuNowMs();
  private current: { part: string; at: number; cpu: number | null } | undefined;

  /** Ends the running part, if any, and starts `part`. */
  mark(part: string): void {
    this.end();
    this.current = { part, at: Date.now(), cpu: cpuNowMs() };
  }

  write(file: string): SelfTestTimings {
    this.end();
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

  private end(): void {
    if (!this.current) return;
    const cpu = cpuNowMs();
    this.parts.push({
      part: this.current.part,
      wallS: (Date.now() - this.current.at) / 1000,
      cpuS: cpu === null || this.current.cpu === null ? null : (cpu - this.current.cpu) / 1000,
    });
    this.current = undefined;
  }
}
