/**
 * A simulated clock for the flow control's unit tests (pacer.spec.ts, pacer-burst.spec.ts): time
 * moves only when told, timers fire in order as it passes them, and promise callbacks settle
 * between them, so a test of waits of seconds takes none.
 */
import type { Clock } from '../../helpers/client/flow/pacer';

export class SimClock implements Clock {
  private t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== handle);
  };
  /** Runs the next timer due, letting promise callbacks settle before and after it; false when none is left. */
  async step(): Promise<boolean> {
    await settle();
    if (this.timers.length === 0) return false;
    this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
    const next = this.timers.shift()!;
    this.t = Math.max(this.t, next.at);
    next.fn();
    await settle();
    return true;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
  /** Moves the clock on until `promise` settles. */
  async until<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const settled = promise.finally(() => (done = true));
    settled.catch(() => {});
    await settle();
    while (!done && (await this.step()));
    return settled;
  }
}

/** Lets every promise callback already queued run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
