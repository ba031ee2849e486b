/**
 * Runs `npm test`'s steps side by side where the machine has room. Most steps leave part of the
 * two cores idle (a Playwright run starting up, a time limit waited out, a single-threaded linter),
 * so a step starts, in list order, as soon as the steps it reads have ended and the cores it keeps
 * busy fit in the budget; a step that does not fit lets a later one that does go first.
 *
 * What a step prints is held back and printed as one block when it ends, so the log reads step by
 * step whatever ran beside it; a line when each step starts shows the progress. Writes are told
 * apart by the async context they are made in (AsyncLocalStorage), which follows a step into its
 * child processes' stream events and timers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { StepTimer, type SelfTestTimings } from '../bench/step-timer';

export interface ScheduledStep<C> {
  /** How `after` names this step. */
  key: string;
  title: string;
  /** The cores the step keeps busy: 2 for a Playwright run with its workers, 1 for one process. */
  cores: 1 | 2;
  /** The steps whose results this one reads: it starts when they have ended. */
  after?: readonly string[];
  run: (carried: C) => void | Promise<void>;
}

type Stream = 'stdout' | 'stderr';
type Chunk = { to: Stream; data: string | Uint8Array };
type Print = (to: Stream, data: string | Uint8Array) => void;

/** What a running step has printed and not yet shown; `shown` once an interruption has let it through. */
interface Held {
  chunks: Chunk[];
  shown?: Print;
}

const held = new AsyncLocalStorage<Held>();
let original: Record<Stream, (data: string | Uint8Array) => boolean> | undefined;

/** Routes what is written to stdout and stderr inside a step into that step's block. */
function holdStepOutput(): Record<Stream, (data: string | Uint8Array) => boolean> {
  if (original) return original;
  const make = (to: Stream): ((data: string | Uint8Array) => boolean) => {
    const stream = process[to];
    const write = stream.write.bind(stream) as (data: string | Uint8Array, ...rest: unknown[]) => boolean;
    stream.write = (data: string | Uint8Array, ...rest: unknown[]): boolean => {
      const step = held.getStore();
      if (!step) return write(data, ...rest);
      if (step.shown) step.shown(to, data);
      else step.chunks.push({ to, data });
      const done = rest.find((r): r is () => void => typeof r === 'function');
      if (done) process.nextTick(done);
      return true;
    };
    return write;
  };
  original = { stdout: make('stdout'), stderr: make('stderr') };
  return original;
}

export interface Schedule {
  /** Per-step wall times, and CPU where a step ran alone. */
  timings: SelfTestTimings;
}

interface Options<C> {
  budget: number;
  timingsFile: string;
  onError: (step: ScheduledStep<C>, error: unknown) => void;
  /** Where the progress lines and the steps' blocks go: the real stdout and stderr unless given. */
  print?: Print;
}

type Numbered<C> = ScheduledStep<C> & { number: number };

const nameOf = (step: { number: number; title: string }): string => `${step.number}. ${step.title.split(':')[0]}`;

/**
 * Runs every step once, at most `budget` cores' worth at a time (a step that needs more than the
 * budget runs alone). A step that throws is reported by `onError` and counts as ended, so the
 * steps after it still run and the run still ends with its tally. Interrupted (SIGINT, SIGTERM),
 * the running steps' output so far is shown at once, and from then on as it comes: nothing held
 * back is lost if the run then dies.
 */
export async function runSteps<C>(steps: ReadonlyArray<Numbered<C>>, carried: C, options: Options<C>): Promise<Schedule> {
  const streams = holdStepOutput();
  const print: Print = options.print ?? ((to, data) => void streams[to](data));
  const timer = new StepTimer();
  const ended = new Set<string>();
  const waiting = [...steps];
  const running = new Map<Numbered<C>, Held>();
  const inUse = (): number => [...running.keys()].reduce((n, s) => n + s.cores, 0);
  const showHeld = (): void => {
    for (const [step, h] of running) {
      if (h.shown) continue;
      print('stdout', `\n=== ${step.number}. ${step.title} (interrupted: its output so far) ===\n`);
      for (const c of h.chunks.splice(0)) print(c.to, c.data);
      h.shown = print;
    }
  };
  process.once('SIGINT', showHeld);
  process.once('SIGTERM', showHeld);
  try {
    await new Promise<void>((resolve) => {
      const startReady = (): void => {
        for (const step of [...waiting]) {
          const ready = (step.after ?? []).every((k) => ended.has(k) || !steps.some((s) => s.key === k));
          if (!ready || (inUse() + step.cores > options.budget && running.size > 0)) continue;
          waiting.splice(waiting.indexOf(step), 1);
          const h: Held = { chunks: [] };
          running.set(step, h);
          print('stdout', `--> started ${nameOf(step)}\n`);
          const part = timer.start(step.title);
          void held
            .run(h, async () => {
              try {
                // On a later turn: a step that works synchronously (a scan) must not hold back the start of the steps beside it.
                await new Promise((resolve) => setImmediate(resolve));
                await step.run(carried);
              } catch (error: unknown) {
                options.onError(step, error);
              }
            })
            .then(() => {
              const seconds = timer.end(part);
              if (!h.shown) print('stdout', `\n=== ${step.number}. ${step.title} ===\n`);
              for (const c of h.chunks) print(c.to, c.data);
              print('stdout', `(${nameOf(step)}: ${seconds.toFixed(1)} s)\n`);
              running.delete(step);
              ended.add(step.key);
              startReady();
              if (waiting.length === 0 && running.size === 0) resolve();
            });
        }
      };
      startReady();
      if (waiting.length === 0 && running.size === 0) resolve();
    });
  } finally {
    process.off('SIGINT', showHeld);
    process.off('SIGTERM', showHeld);
  }
  return { timings: timer.write(options.timingsFile) };
}
