/**
 * Politeness (CLIENT-08, CLIENT-09). With `--rate-limit N` the checker puts a limiter in front of
 * the API: past N requests a second it answers 429 with Retry-After in whole seconds, and the same
 * request (method, path, key) keeps getting 429 until that time has passed; a client that sends it
 * again sooner fails. Whatever the setup, the same request refused with 401 LOOP_AFTER times in a
 * row within LOOP_WITHIN_MS is a retry loop. Both keep their state in bounded maps.
 */
import { fail, type Reply } from '../envelope';
import type { ApiRequest } from '../request';
import { sameRequest } from './arrival';
import { counted, named, type Rule } from './rules';
import { BoundedMap } from './tally';

/**
 * How much sooner than Retry-After a retry may arrive: the window starts when the mock decided the
 * 429, before the client read it, so an honest wait always arrives later; timers may fire a
 * millisecond early. An immediate retry arrives within a few milliseconds.
 */
export const RETRY_TOLERANCE_MS = 50;

/** A first try and three retries, all refused: a loop. One or two retries may be a client's honest second look. */
export const LOOP_AFTER = 4;
const LOOP_WITHIN_MS = 60_000;

interface Window {
  /** When the same request may be sent again (ms since the epoch). */
  until: number;
  retryAfter: number;
  /** The request that got the 429. */
  by: number;
}

/** The limiter and the CLIENT-08 rule share the windows: the rule opens them, the limiter keeps them shut. */
export function rateLimit(perSecond: number | undefined): { gate?: (req: ApiRequest) => Reply | undefined; rule: Rule } {
  const windows = new BoundedMap<string, Window>();
  const rule: Rule = {
    id: 'CLIENT-08',
    observe: (a, answer, t) => {
      if (perSecond === undefined || a.port !== 'api') return;
      const open = windows.get(a.sameAs);
      if (open && a.at < open.until - RETRY_TOLERANCE_MS) {
        t.broke(
          `${named(a)}: sent again ${open.retryAfter * 1000 - (open.until - a.at)} ms after the 429 to #${open.by}, whose Retry-After asked for ${open.retryAfter} s`,
        );
      } else if (open) {
        windows.delete(a.sameAs);
        t.count('retried after waiting');
      }
      if (answer.status === 429 && answer.retryAfterSeconds !== undefined) {
        t.held();
        windows.set(a.sameAs, { until: answer.at + answer.retryAfterSeconds * 1000, retryAfter: answer.retryAfterSeconds, by: a.seq });
      }
    },
    unasked: (setup) => (setup.rateLimit === undefined ? 'not asked: start the checker with --rate-limit N' : undefined),
    unseen: (setup) => ({
      status: 'not-judged',
      reason: `no 429 was answered: the client never sent more than ${setup.rateLimit ?? 'N'} requests a second (lower --rate-limit, or send a burst)`,
    }),
    held: (t) =>
      `${counted(t.observed, '429')} answered, none retried before its Retry-After (${t.counts.get('retried after waiting') ?? 0} retried after waiting)`,
  };
  if (perSecond === undefined) return { rule };

  let tokens = perSecond;
  let last = Date.now();
  const gate = (req: ApiRequest): Reply | undefined => {
    const now = Date.now();
    const key = req.headers['x-api-key'];
    const open = windows.get(sameRequest(req.method, req.path, Array.isArray(key) ? key.join(', ') : key));
    if (open && now < open.until) return tooMany(Math.ceil((open.until - now) / 1000));
    tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return undefined;
    }
    return tooMany(Math.max(1, Math.ceil((1 - tokens) / perSecond)));
  };
  return { gate, rule };
}

function tooMany(seconds: number): Reply {
  return fail(429, 'Too Many Requests', {}, { 'retry-after': String(seconds) });
}

interface Streak {
  count: number;
  since: number;
  first: number;
  flagged: boolean;
}

export function noRetryLoop(): Rule {
  const streaks = new BoundedMap<string, Streak>();
  return {
    id: 'CLIENT-09',
    observe: (a, answer, t) => {
      if (a.port !== 'api') return;
      if (answer.status !== 401) {
        // A 429 comes from the limiter, not the key check: it neither breaks nor extends a streak.
        if (answer.status !== 429) streaks.delete(a.sameAs);
        return;
      }
      let streak = streaks.get(a.sameAs);
      if (!streak || a.at - streak.since > LOOP_WITHIN_MS) streak = { count: 0, since: a.at, first: a.seq, flagged: false };
      streak.count += 1;
      streaks.set(a.sameAs, streak);
      if (streak.count < LOOP_AFTER || streak.flagged) return t.held();
      streak.flagged = true;
      t.broke(
        `${named(a)}: the same request refused with 401 ${streak.count} times in a row since #${streak.first}, within ${((a.at - streak.since) / 1000).toFixed(1)} s`,
      );
    },
    unseen: () => ({ status: 'skipped', reason: 'the client never got a 401' }),
    held: (t) => `${counted(t.observed, '401')} answered, none retried in a loop`,
  };
}
