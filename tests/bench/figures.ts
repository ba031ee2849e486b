/**
 * The benchmark's figures: each a median of repeated runs next to its reference, collected by the
 * sections as they run, with the problems that void one, and printed as one table at the end.
 */
import { median } from './measure';

/** The targets, shown next to the figures; informational only. */
export const TARGETS = { conformanceRatio: 2.5, conformanceSeconds: 10, throughputRatio: 0.7, npmTestSeconds: 180 };

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

export const figures: Figure[] = [];
export const problems: string[] = [];

interface FigureInput extends Omit<Figure, 'value' | 'ratio' | 'reference' | 'met'> {
  reference?: { name: string; runs: number[] };
  /** Whether the target is met, given the ratio and the median. */
  ratioTarget?: (ratio: number, value: number) => boolean;
}

export function figure(f: FigureInput): Figure {
  const value = median(f.runs);
  const ref = f.reference ? { ...f.reference, value: median(f.reference.runs) } : undefined;
  const ratio = ref ? value / ref.value : undefined;
  const { ratioTarget, ...rest } = f;
  const out: Figure = { ...rest, value, reference: ref, ratio, met: ratioTarget ? ratioTarget(ratio ?? NaN, value) : undefined };
  figures.push(out);
  return out;
}

export function progress(text: string): void {
  process.stdout.write(`${text}\n`);
}

export const seconds = (ms: number): number => ms / 1000;

function fmt(value: number | undefined, unit = ''): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (unit === 'req/s' || unit === '/s') return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${unit}`.trim();
}

/** --stability N's whole conformance runs (suite-runs.ts), the table's last row. */
export interface StabilityResult {
  runs: number;
  failures: number;
  failed: Array<{ run: number; exit: number; log: string }>;
  wallS: number[];
}

export function printTable(machine: Record<string, unknown>, stabilityResult: StabilityResult | undefined): void {
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
