/**
 * The run's pace for one target (issue 20, SAFE-05): the least time between two request starts,
 * which the flow control (pacer.ts) keeps. A 429 (or a 503, which rate limiters such as nginx's
 * limit_req answer by default) sets it from the rate the target accepted just before it, and each
 * further one slows it by a quarter, so a rate-limited target sees a steady flow instead of bursts
 * that each end in a 429. It loosens while the target keeps answering: slowly, since each 429 it
 * draws pauses the whole run for the target's Retry-After; quickly only until a pace draws a 429,
 * and while that pause is short. A first pace is learnt from a window in which the run may have sent
 * less than the target accepts (its start), so it can be well slower than the limit (131 ms against
 * a 10-per-second limit's 100), and loosening only slowly kept a whole run there.
 */

/**
 * The answers that teach the pace: a rate limiter's. nginx's limit_req answers 503 unless told
 * otherwise, with no Retry-After; 502 and 504 speak of a broken upstream, not of the rate.
 */
export const PACING_STATUSES: ReadonlySet<number> = new Set([429, 503]);
/** The window over which the accepted rate is measured when a 429 arrives. */
const RATE_WINDOW_MS = 2_000;
/** Each further 429 under the current pace slows it by this factor. */
const SLOWER = 1.25;
/** After this many answers without a 429 the pace loosens by LOOSER, once a pace has drawn a 429. */
const LOOSEN_EVERY = 100;
const LOOSER = 0.95;
/** Before any pace drew a 429, it loosens after this many, while a 429's pause is at most CHEAP_PAUSE_MS. */
const LOOSEN_EVERY_FIRST = 20;
/** Retry-After: 1, or a first backoff (1-1.5 s). A target asking for 5 s gets the slow loosening. */
const CHEAP_PAUSE_MS = 2_000;
/** A pace this fine is no pace. */
const FINEST_INTERVAL_MS = 1;
/**
 * The pace never gets slower than this. A target that answers 429 for some other reason than the
 * rate (to signed requests only, to every other request) would otherwise slow it by a quarter at
 * each one without end, until the run judged nothing; slower than this, the target's own
 * Retry-After (the shared pause) is what holds the run back.
 */
const SLOWEST_INTERVAL_MS = 1_000;
/**
 * A 429 that shows no rate is doubted once: the next one to a request sent after it sets the pace
 * (a target that accepts less than one request a second never shows two in the window). The doubt
 * comes back after this many answers accepted without a 429.
 */
const DOUBT_AGAIN_AFTER = 20;

export class Pace {
  /** The least time between two starts; 0 is no pace. */
  intervalMs = 0;
  /** Counts the paces set: a 429 to a request sent under an older one teaches nothing new. */
  epoch = 0;
  private calmAnswers = 0;
  private accepted: number[] = [];
  /** A 429 that showed no rate set no pace; answers accepted since, to forget it. */
  private doubted: number | undefined;
  /** A 429 came under a pace: the limit lies between that pace and the one it set. */
  private bracketed = false;
  /** The pause the last 429 asked for was short: probing for the limit costs little. */
  private cheap = true;
  /** The pace the last 429 set, before it loosened. */
  private setMs = 0;

  /**
   * The room a burst of `size` copies is given (pacer.ts): `size` intervals of the pace, never finer
   * than the one the last 429 set when the copies can wait that long (`withinMs`). Loosening probes
   * the limit one request at a time, where a 429 costs that request a retry; a burst whose room
   * falls short loses copies of its race (SIGN-10), and the run a pause. A burst that cannot wait so
   * long (a short challenge lifetime under a slow limit) takes the pace as it is rather than none.
   */
  burstRoomMs(size: number, withinMs: number): number {
    const safe = size * Math.max(this.intervalMs, this.setMs);
    return safe <= withinMs ? safe : size * this.intervalMs;
  }

  /** An answer that was not a wait status: the rate the target accepts, and after enough of them a looser pace. */
  answered(now: number): void {
    this.accepted.push(now);
    if (this.doubted !== undefined && ++this.doubted >= DOUBT_AGAIN_AFTER) this.doubted = undefined;
    if (++this.calmAnswers >= (this.bracketed || !this.cheap ? LOOSEN_EVERY : LOOSEN_EVERY_FIRST) && this.intervalMs > 0) {
      this.calmAnswers = 0;
      this.intervalMs = this.intervalMs * LOOSER < FINEST_INTERVAL_MS ? 0 : this.intervalMs * LOOSER;
    }
  }

  /**
   * The first 429 sets a pace from the rate accepted in the last window; each later one slows it. A
   * first 429 with fewer than two answers accepted in the window says "not now" (the shared pause)
   * but no rate: a pace learnt from it would be the slowest, and loosen only over hundreds of answers.
   * A second one, to a request sent after the first (a new epoch), before the target accepted
   * DOUBT_AGAIN_AFTER answers, is a rate: a target slower than the window shows (one answer in two
   * seconds) paced at the slowest, instead of every worker at once after each pause. `pauseMs` is
   * the pause it asked for (its Retry-After, or the backoff): what probing for the limit costs.
   */
  limited(now: number, pauseMs: number): void {
    this.cheap = pauseMs <= CHEAP_PAUSE_MS;
    this.accepted = this.accepted.filter((t) => t > now - RATE_WINDOW_MS);
    if (this.intervalMs === 0 && this.accepted.length < 2 && this.doubted === undefined) {
      this.doubted = 0;
      this.epoch++;
      return;
    }
    this.doubted = undefined;
    const span = this.accepted.length > 1 ? Math.max(now - this.accepted[0]!, RATE_WINDOW_MS / 2) : RATE_WINDOW_MS;
    const learnt = this.accepted.length > 0 ? span / this.accepted.length : RATE_WINDOW_MS;
    if (this.intervalMs > 0) this.bracketed = true;
    this.intervalMs = Math.min(SLOWEST_INTERVAL_MS, this.intervalMs === 0 ? learnt : Math.max(this.intervalMs * SLOWER, learnt));
    this.setMs = this.intervalMs;
    this.epoch++;
    this.calmAnswers = 0;
  }
}
