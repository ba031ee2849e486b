/**
 * SAFE-05 and SAFE-07: a target that asks for patience (429) or says it is unavailable (502, 503,
 * 504) gets it, within a budget; past the budget the check is not judged, never failed. A 500 is
 * an answer like any other: the check judges it.
 */

/** Statuses that mean "not now" rather than "no": waited out, then "not judged". */
const WAIT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Whether `status` says "not now" (429, 502, 503, 504): an answer that judges nothing about the request. */
export function isWaitStatus(status: number): boolean {
  return WAIT_STATUSES.has(status);
}

const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;

export interface RetryDelay {
  ms: number;
  why: 'Retry-After' | 'backoff';
}

/**
 * How long to wait after a 429 or 503 (SAFE-05): the server's Retry-After (delta-seconds or an
 * HTTP-date, RFC 9110 10.2.3), bounded. `0`, a date already past, an unreadable value or none would
 * mean an immediate retry, which floods a struggling target: those back off exponentially instead,
 * from 1 s, with up to half again of random jitter so parallel workers do not retry in step.
 * `backoffs` counts the backoffs this check already made.
 */
export function retryDelay(retryAfter: string | undefined, backoffs: number, random: () => number = Math.random, now: number = Date.now()): RetryDelay {
  const value = retryAfter?.trim();
  let told: number | undefined;
  if (value && /^\d+$/.test(value)) told = Number(value) * 1000;
  else if (value && !Number.isNaN(Date.parse(value))) told = Date.parse(value) - now;
  if (told !== undefined && told > 0) return { ms: Math.min(told, MAX_RETRY_AFTER_MS), why: 'Retry-After' };
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** backoffs);
  return { ms: Math.min(BACKOFF_CAP_MS, Math.round(step + (random() * step) / 2)), why: 'backoff' };
}

/** What the target said in words, for progress lines and not-judged reasons. */
export function waitReason(status: number): string {
  return status === 429 ? 'target rate-limited' : `target unavailable (${status})`;
}

export interface PolitenessOptions {
  /** How long one check may spend waiting before it is not judged. */
  budgetMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  /** Shows a wait as progress, so a throttled run never looks hung. */
  onWait: (ms: number, why: RetryDelay['why'], status: number) => void;
  /** Ends the check as not judged. */
  giveUp: (reason: string) => never;
}

/**
 * Retries `attempt` while it answers a wait status and the budget lasts. The budget is wall time
 * from the check's first such answer, shared by its parallel requests (`state`), so the waits of a
 * burst count once. `until` bounds retries of a request whose meaning depends on when it arrives
 * (a challenge's expiry); `never` returns the first answer as it is.
 */
export async function politely<R extends { status: number; headers: Record<string, string> }>(
  what: string,
  attempt: () => Promise<R>,
  options: PolitenessOptions,
  state: { waitingSince?: number },
  limit?: 'never' | { until: number; why: string },
): Promise<R> {
  let backoffs = 0;
  // A request sent already past its limit (an expired challenge's use) means the same retried later.
  const limited = typeof limit === 'object' && options.now() <= limit.until ? limit : undefined;
  for (let i = 1; ; i++) {
    const reply = await attempt();
    if (!WAIT_STATUSES.has(reply.status) || limit === 'never') return reply;
    const delay = retryDelay(reply.headers['retry-after'], backoffs, options.random, options.now());
    if (delay.why === 'backoff') backoffs++;
    state.waitingSince ??= options.now();
    const spent = options.now() - state.waitingSince;
    const reason = waitReason(reply.status);
    if (spent + delay.ms > options.budgetMs) {
      options.giveUp(
        `${reason}: ${what} still got ${reply.status} after ${i} attempt(s); the next wait (${(delay.ms / 1000).toFixed(1)} s) would pass the budget of ${options.budgetMs / 1000} s (CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS), ${(spent / 1000).toFixed(1)} s of it spent`,
      );
    }
    if (limited && options.now() + delay.ms > limited.until) {
      options.giveUp(`${reason}: ${what} got ${reply.status}, and a retry after ${(delay.ms / 1000).toFixed(1)} s would come too late: ${limited.why}`);
    }
    options.onWait(delay.ms, delay.why, reply.status);
    await options.sleep(delay.ms);
  }
}
