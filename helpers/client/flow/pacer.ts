/**
 * The run's flow control (issue 20, SAFE-05): how many requests are in flight across all workers
 * (CARDPLUSPAY_CONCURRENCY), and one politeness state for the whole run. A 429, 502, 503 or 504
 * pauses every worker for its Retry-After, not only the one that saw it; a 429 or 503 also teaches
 * the run a pace (pace.ts), the least time between two request starts. A burst of copies meant to
 * arrive together (SIGN-10's race) goes, under a pace, once the run has left the target room for all.
 *
 * Pure logic with an injected clock: one instance lives in the runner process (flow-server.ts) and
 * grants every worker's requests; a process without one (a unit test, a worker cut off from it)
 * keeps its own (flow.ts).
 */
import { randomUUID } from 'node:crypto';
import { isWaitStatus, retryDelay } from '../politeness';
import { PACING_STATUSES, Pace } from './pace';

/** Bursts whose room was made but not all of whose copies have come: kept for the copies still on their way, a few at most. */
const MADE_BURSTS_KEPT = 64;

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

/** Copies of one request meant to arrive together: the copies of one burst name it alike. */
export interface Burst {
  /** Unique in the run (burstOf): copies from one check, however they reach the runner, are told from another check's. */
  id: string;
  /** How many copies the burst has: under a pace, the room it needs. */
  size: number;
}

/** A burst of `size` copies, named for the run's flow control. */
export function burstOf(size: number): Burst {
  return { id: randomUUID(), size };
}

export interface AcquireOptions {
  /**
   * One of the copies of a burst (SIGN-10's race): they take a slot each but do not wait for one,
   * which would spread them out. They do wait out a pause, and under a pace they go together once
   * the target has had room for all of them: `size` pace intervals after the last start, during
   * which nothing else starts.
   */
  burst?: Burst;
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
  /** The copies of each burst still waiting, by burst id, in the order the bursts first asked. */
  private readonly bursts = new Map<string, Waiter[]>();
  /** Bursts that went with fewer copies than their size: how many more may come, and go at once, in the room already made. */
  private readonly made = new Map<string, number>();
  /** A burst went under the pace while requests were queued: the queue's next start comes before the next burst's room. */
  private queueOwed = false;
  private pauseUntil = 0;
  private pauseStatus = 0;
  private readonly pace = new Pace();
  private nextStartAt = 0;
  private backoffs = 0;
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
      const copies = options.burst && this.bursts.get(options.burst.id);
      if (copies) copies.push(waiter);
      else if (options.burst) this.bursts.set(options.burst.id, [waiter]);
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
      if (PACING_STATUSES.has(outcome.status) && grant.epoch === this.pace.epoch) this.pace.limited(now, delay.ms);
    } else if (outcome.status !== undefined) {
      this.backoffs = 0;
      this.pace.answered(now);
    }
    this.pump();
  }

  /** What the run is holding back for, for progress lines; undefined when it is not. */
  state(): { inFlight: number; queued: number; pausedForMs: number; intervalMs: number } {
    return {
      inFlight: this.inFlight,
      queued: this.queue.length + [...this.bursts.values()].reduce((n, copies) => n + copies.length, 0),
      pausedForMs: Math.max(0, this.pauseUntil - this.clock.now()),
      intervalMs: this.pace.intervalMs,
    };
  }

  private pump(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    this.refuseTheLate(now);
    let wakeAt = Math.min(this.grantBursts(now), this.grantQueue(now));
    for (const waiter of this.queue) if (expiresInTime(waiter)) wakeAt = Math.min(wakeAt, waiter.options.notAfter! + 1);
    if (wakeAt !== Infinity) this.timer = this.clock.setTimeout(() => this.pump(), wakeAt - now);
  }

  /**
   * When each waiting burst may go. Without a pace, or once its room was made, when no pause holds
   * the run back: queued behind the limit its copies would not be simultaneous. Under a pace, in the
   * order the bursts asked, each its room (pace.ts) after the start before it (after one queued
   * request's start when the queue is owed one).
   */
  private burstTimes(): Array<{ id: string; at: number }> {
    const times: Array<{ id: string; at: number }> = [];
    let cursor = this.queueOwed && this.queue.length > 0 ? this.nextStartAt + this.pace.intervalMs : this.nextStartAt;
    for (const [id, copies] of this.bursts) {
      if (this.pace.intervalMs === 0 || this.made.has(id)) {
        times.push({ id, at: this.pauseUntil });
        continue;
      }
      const from = cursor - this.pace.intervalMs;
      const room = this.pace.burstRoomMs(copies[0]!.options.burst!.size, Math.min(...copies.map((c) => c.options.notAfter ?? Infinity)) - from);
      const at = Math.max(this.pauseUntil, from + room);
      times.push({ id, at });
      cursor = at + this.pace.intervalMs;
    }
    return times;
  }

  /** Grants every burst that may go now, a whole one at a time; returns when the next one may. */
  private grantBursts(now: number): number {
    for (;;) {
      const times = this.burstTimes();
      const due = times.find((t) => t.at <= now);
      if (!due) return Math.min(Infinity, ...times.map((t) => t.at));
      this.grantBurst(due.id, now);
    }
  }

  private grantBurst(id: string, now: number): void {
    const copies = this.bursts.get(id)!;
    this.bursts.delete(id);
    const roomMade = this.made.get(id);
    for (const copy of copies) this.grant(copy);
    const toCome = (roomMade ?? copies[0]!.options.burst!.size) - copies.length;
    this.made.delete(id);
    if (toCome > 0) this.made.set(id, toCome);
    if (this.made.size > MADE_BURSTS_KEPT) this.made.delete(this.made.keys().next().value!);
    if (this.pace.intervalMs === 0) return;
    // The pace goes on after the burst, as after the last of as many single requests.
    this.nextStartAt = Math.max(this.nextStartAt, now + this.pace.intervalMs);
    if (roomMade === undefined) this.queueOwed = this.queue.length > 0;
  }

  /**
   * When the queue may start its next request: after a pause and the pace, and under a pace after a
   * burst still making room, which holds the queue back (another start would take the room) unless
   * the queue is owed a start, so that bursts one after another never starve it.
   */
  private queueReadyAt(): number {
    const paced = Math.max(this.pauseUntil, this.nextStartAt);
    if (this.pace.intervalMs === 0 || this.queueOwed) return paced;
    const making = this.burstTimes().find((t) => !this.made.has(t.id));
    return making === undefined ? paced : Math.max(paced, making.at + this.pace.intervalMs);
  }

  /** Grants queued requests while slots and the pace allow; returns when the next one may go, if it waits for time. */
  private grantQueue(now: number): number {
    while (this.queue.length > 0 && this.inFlight < this.limit) {
      const readyAt = this.queueReadyAt();
      if (readyAt > now) return readyAt;
      this.grant(this.queue.shift()!);
      this.queueOwed = false;
      if (this.pace.intervalMs > 0) this.nextStartAt = now + this.pace.intervalMs;
    }
    return Infinity;
  }

  /** Expiring requests first, the soonest to expire first; the rest in the order they asked. */
  private placeOf(waiter: Waiter): number {
    if (!waiter.options.expires) return this.queue.length;
    const at = this.queue.findIndex((w) => !w.options.expires || w.options.notAfter! > waiter.options.notAfter!);
    return at === -1 ? this.queue.length : at;
  }

  private grant(waiter: Waiter): void {
    this.inFlight++;
    waiter.resolve({ id: nextGrantId++, epoch: this.pace.epoch });
  }

  /** Refuses, at once, every waiter that would have to wait past its `notAfter`: bursts first, whose refusal may let the queue go sooner. */
  private refuseTheLate(now: number): void {
    while (this.refuseLateCopies(now));
    const readyAt = Math.max(now, this.queueReadyAt());
    // A wait for the pace spends no rate-limit budget, only the check's time (issue 20); a pause does.
    const paused = Math.max(now, this.pauseUntil);
    for (let i = this.queue.length - 1; i >= 0; i--)
      if (this.refusedAsLate(this.queue[i]!, now, this.queue[i]!.options.expires ? readyAt : paused)) this.queue.splice(i, 1);
  }

  /** Refuses the late copies of the first burst that has any; true when it did, so that the times behind it are weighed again. */
  private refuseLateCopies(now: number): boolean {
    for (const { id, at } of this.burstTimes()) {
      const copies = this.bursts.get(id)!;
      const kept = copies.filter((copy) => !this.refusedAsLate(copy, now, Math.max(now, at)));
      if (kept.length === copies.length) continue;
      if (kept.length > 0) this.bursts.set(id, kept);
      else this.bursts.delete(id);
      return true;
    }
    return false;
  }

  /** Rejects `waiter` when it would go, at `readyAt`, past its `notAfter`, or has already waited past it; true when it did. */
  private refusedAsLate(waiter: Waiter, now: number, readyAt: number): boolean {
    const { notAfter, burst } = waiter.options;
    if (notAfter === undefined) return false;
    if (expiresInTime(waiter) && now > notAfter) {
      waiter.reject(new Refused(expiredWaiting(now - waiter.askedAt, this.limit)));
      return true;
    }
    // A request that need not wait goes, late or not: what it means late is its check's to judge.
    if (readyAt <= now || readyAt <= notAfter) return false;
    waiter.reject(new Refused(this.refusal(readyAt - now, burst)));
    return true;
  }

  private refusal(waitMs: number, burst: Burst | undefined): string {
    const seconds = (waitMs / 1000).toFixed(1);
    if (this.pauseUntil - this.clock.now() >= waitMs - 1)
      return `the run is holding back for ${seconds} s after the target answered ${this.pauseStatus}, longer than this request may wait`;
    const pace = `the run's pace for this target (one request every ${Math.round(this.pace.intervalMs)} ms, learnt from its 429s)`;
    if (burst) return `${pace} leaves room for a burst of ${burst.size} copies only ${seconds} s from now, too late`;
    return `${pace} would send this request ${seconds} s from now, too late`;
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
