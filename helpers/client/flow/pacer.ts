/**
 * The run's flow control (issue 20, SAFE-05): how many requests are in flight across all workers
 * (CARDPLUSPAY_CONCURRENCY), and one politeness state for the whole run. A 429 or 503 pauses every
 * worker for its Retry-After, not only the one that saw it; a 429 (or a 503, which rate limiters
 * such as nginx's limit_req answer by default) also teaches the run a pace (the least time between
 * two request starts), learnt from the rate the target accepted just before it and slowed by a
 * quarter at each further one, so a rate-limited target sees a steady flow instead of bursts that
 * each end in a 429. The pace loosens slowly while the target keeps answering.
 *
 * Pure logic with an injected clock: one instance lives in the runner process (flow-server.ts) and
 * grants every worker's requests; a process without one (a unit test, a worker cut off from it)
 * keeps its own (flow.ts).
 */
import { isWaitStatus, retryDelay } from '../politeness';

/**
 * The answers that teach the pace: a rate limiter's. nginx's limit_req answers 503 unless told
 * otherwise, with no Retry-After; 502 and 504 speak of a broken upstream, not of the rate.
 */
const PACING_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/** The window over which the accepted rate is measured when a 429 arrives. */
const RATE_WINDOW_MS = 2_000;
/** Each further 429 under the current pace slows it by this factor. */
const SLOWER = 1.25;
/** After this many answers without a 429 the pace loosens by LOOSER. */
const LOOSEN_EVERY = 100;
const LOOSER = 0.95;
/** A pace this fine is no pace. */
const FINEST_INTERVAL_MS = 1;
/**
 * The pace never gets slower than this. A target that answers 429 for some other reason than the
 * rate (to signed requests only, to every other request) would otherwise slow it by a quarter at
 * each one without end, until the run judged nothing; slower than this, the target's own
 * Retry-After (the shared pause) is what holds the run back.
 */
const SLOWEST_INTERVAL_MS = 1_000;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface AcquireOptions {
  /**
   * Copies of one request meant to arrive together (SIGN-10's race): they take a slot each but do
   * not wait for one, nor for the pace, which would spread them out; they do wait out a pause.
   */
  burst?: boolean;
  /** Epoch ms after which the request is no use to its check (its budget, a challenge's expiry, the run's end). */
  notAfter?: number;
  /**
   * `notAfter` is when the request stops meaning what its check sends it for (a challenge's
   * expiry), not only how long the check may wait: it goes before requests without one, and a wait
   * of any kind that passes it, a free slot included, refuses it rather than sending it late, when
   * the target would rightly refuse what the check expects it to accept.
   */
  expires?: boolean;
}

/** A slot: handed back with what the answer was. */
export interface Grant {
  id: number;
  /** The pace in force when it was granted: a 429 to a request sent under an older pace teaches nothing new. */
  epoch: number;
}

export interface Outcome {
  /** Unset when no answer came (a guard refused, the connection failed). */
  status?: number;
  retryAfter?: string;
}

/** Grant ids are unique in the process, whichever Pacer gave them. */
let nextGrantId = 1;

export class Refused extends Error {
  override name = 'Refused';
}

interface Waiter {
  options: AcquireOptions;
  /** When it asked: a request already past its `notAfter` then is sent as it is, for its check to judge. */
  askedAt: number;
  resolve: (grant: Grant) => void;
  reject: (error: Refused) => void;
}

export class Pacer {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private readonly bursts: Waiter[] = [];
  private pauseUntil = 0;
  private pauseStatus = 0;
  private intervalMs = 0;
  private nextStartAt = 0;
  private epoch = 0;
  private backoffs = 0;
  private calmAnswers = 0;
  private accepted: number[] = [];
  private timer: unknown;

  constructor(
    readonly limit: number,
    private readonly clock: Clock = REAL_CLOCK,
    private readonly random: () => number = Math.random,
  ) {}

  /** Resolves with a slot once the run may send; rejects when the wait would outlast `notAfter`. */
  acquire(options: AcquireOptions = {}): Promise<Grant> {
    return new Promise((resolve, reject) => {
      const waiter = { options, askedAt: this.clock.now(), resolve, reject };
      if (options.burst) this.bursts.push(waiter);
      else this.queue.splice(this.placeOf(waiter), 0, waiter);
      this.pump();
    });
  }

  /** Hands a slot back; a 429, 502, 503 or 504 pauses every worker, and a 429 or 503 sets or slows the pace. */
  release(grant: Grant, outcome: Outcome = {}): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const now = this.clock.now();
    if (outcome.status !== undefined && isWaitStatus(outcome.status)) {
      const delay = retryDelay(outcome.retryAfter, this.backoffs, this.random, now);
      if (delay.why === 'backoff') this.backoffs++;
      if (now + delay.ms > this.pauseUntil) [this.pauseUntil, this.pauseStatus] = [now + delay.ms, outcome.status];
      if (PACING_STATUSES.has(outcome.status) && grant.epoch === this.epoch) this.slowDown(now);
    } else if (outcome.status !== undefined) {
      this.backoffs = 0;
      this.accepted.push(now);
      if (++this.calmAnswers >= LOOSEN_EVERY && this.intervalMs > 0) {
        this.calmAnswers = 0;
        this.intervalMs = this.intervalMs * LOOSER < FINEST_INTERVAL_MS ? 0 : this.intervalMs * LOOSER;
      }
    }
    this.pump();
  }

  /** What the run is holding back for, for progress lines; undefined when it is not. */
  state(): { inFlight: number; queued: number; pausedForMs: number; intervalMs: number } {
    return {
      inFlight: this.inFlight,
      queued: this.queue.length + this.bursts.length,
      pausedForMs: Math.max(0, this.pauseUntil - this.clock.now()),
      intervalMs: this.intervalMs,
    };
  }

  /** The first 429 sets a pace from the rate accepted in the last window; each later one slows it. */
  private slowDown(now: number): void {
    this.accepted = this.accepted.filter((t) => t > now - RATE_WINDOW_MS);
    const span = this.accepted.length > 1 ? Math.max(now - this.accepted[0]!, RATE_WINDOW_MS / 2) : RATE_WINDOW_MS;
    const learnt = this.accepted.length > 0 ? span / this.accepted.length : RATE_WINDOW_MS;
    this.intervalMs = Math.min(SLOWEST_INTERVAL_MS, this.intervalMs === 0 ? learnt : Math.max(this.intervalMs * SLOWER, learnt));
    this.epoch++;
    this.calmAnswers = 0;
  }

  private pump(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    this.refuseTheLate(now);
    // A burst's copies wait for nothing but a pause: queued behind the limit they would not be simultaneous.
    while (this.bursts.length > 0 && this.pauseUntil <= now) this.grant(this.bursts.shift()!);
    let wakeAt = this.bursts.length > 0 ? this.pauseUntil : Infinity;
    while (this.queue.length > 0 && this.inFlight < this.limit) {
      const readyAt = Math.max(this.pauseUntil, this.nextStartAt);
      if (readyAt > now) {
        wakeAt = Math.min(wakeAt, readyAt);
        break;
      }
      this.grant(this.queue.shift()!);
      if (this.intervalMs > 0) this.nextStartAt = now + this.intervalMs;
    }
    for (const waiter of this.queue) if (expiresInTime(waiter)) wakeAt = Math.min(wakeAt, waiter.options.notAfter! + 1);
    if (wakeAt !== Infinity) this.timer = this.clock.setTimeout(() => this.pump(), wakeAt - now);
  }

  /** Expiring requests first, the soonest to expire first; the rest in the order they asked. */
  private placeOf(waiter: Waiter): number {
    if (!waiter.options.expires) return this.queue.length;
    const at = this.queue.findIndex((w) => !w.options.expires || w.options.notAfter! > waiter.options.notAfter!);
    return at === -1 ? this.queue.length : at;
  }

  private grant(waiter: Waiter): void {
    this.inFlight++;
    waiter.resolve({ id: nextGrantId++, epoch: this.epoch });
  }

  /** Refuses, at once, every waiter that would have to wait past its `notAfter`. */
  private refuseTheLate(now: number): void {
    for (const [list, burst] of [
      [this.queue, false],
      [this.bursts, true],
    ] as const) {
      for (let i = list.length - 1; i >= 0; i--) {
        const waiter = list[i]!;
        const { notAfter } = waiter.options;
        if (notAfter === undefined) continue;
        if (expiresInTime(waiter) && now > notAfter) {
          list.splice(i, 1)[0]!.reject(new Refused(expiredWaiting(now - waiter.askedAt, this.limit)));
          continue;
        }
        const readyAt = Math.max(now, this.pauseUntil, burst ? 0 : this.nextStartAt);
        // A request that need not wait goes, late or not: what it means late is its check's to judge.
        if (readyAt <= now || readyAt <= notAfter) continue;
        list.splice(i, 1)[0]!.reject(new Refused(this.refusal(readyAt - now)));
      }
    }
  }

  private refusal(waitMs: number): string {
    const seconds = (waitMs / 1000).toFixed(1);
    if (this.pauseUntil - this.clock.now() >= waitMs - 1)
      return `the run is holding back for ${seconds} s after the target answered ${this.pauseStatus}, longer than this request may wait`;
    return `the run's pace for this target (one request every ${Math.round(this.intervalMs)} ms, learnt from its 429s) would send this request ${seconds} s from now, too late`;
  }
}

/** An expiring request that was in time when it asked: a wait that outlasts it refuses it. */
function expiresInTime(waiter: Waiter): boolean {
  const { expires, notAfter } = waiter.options;
  return expires === true && notAfter !== undefined && waiter.askedAt <= notAfter;
}

function expiredWaiting(waitedMs: number, limit: number): string {
  return `it waited ${(waitedMs / 1000).toFixed(1)} s for the run's flow control (at most ${limit} requests in flight, CARDPLUSPAY_CONCURRENCY) and would now arrive after its use had passed`;
}
