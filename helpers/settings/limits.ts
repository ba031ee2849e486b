/**
 * The run's limits: its time limits (SAFE-05, SAFE-08), each derived from the others when unset,
 * and the request cap (SAFE-05).
 */
import { oneLiveChallenge } from './challenge';
import type { Env, Refuse, Setting } from './parse';

/** The share of a test's time kept for the check itself (its requests and assertions), never spent waiting out 429s. */
const ROOM_FOR_THE_CHECK = 1 / 3;
const DEFAULT_TEST_TIMEOUT_SECONDS = 30;
const DEFAULT_RUN_TIMEOUT_SECONDS = 600;
/** About three times what a full run sends (npm run conformance against the mock: 406 requests). */
const DEFAULT_MAX_REQUESTS = 1250;
/**
 * Against the embedded mock the run is bound by this machine's CPU, and two workers keep two cores
 * busy; against a deployment it is bound by the target's latency, where each worker waits on one
 * check's round trips at a time, and four halve the waiting (issue 20: 39-41 s with two, 32 s with
 * four, against a target 250 ms away; `npm run bench -- --only remote-latency`).
 */
const DEFAULT_WORKERS = { mock: 2, remote: 4 } as const;
/** Requests in flight across all workers (issue 20): a real target's latency is what a run waits for. */
export const DEFAULT_CONCURRENCY = 8;
const MAX_CONCURRENCY = 64;

export interface RunLimits {
  rateLimitBudgetSeconds: number;
  testTimeoutSeconds: number;
  timeoutSeconds: number;
}

/**
 * The run's time limits, each derived from the others when unset, so that the rate-limit budget
 * always fits inside the test timeout with room for the check (SAFE-05): a budget longer than the
 * test would end the test in Playwright's timeout instead of a clean "not judged". Settings that
 * contradict are refused rather than silently adjusted.
 */
export function runLimits(env: Env = process.env, refuse: Refuse = () => {}): RunLimits {
  const seconds = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(value >= min) || value > max) {
      refuse(
        name,
        `must be a number of seconds from ${min} to ${max} (got "${raw}")`,
        'Give a duration in seconds, or unset it for the default (README.md, "Settings").',
      );
      return undefined;
    }
    return value;
  };
  const budget = seconds('CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS', 0, 3600);
  const test = seconds('CARDPLUSPAY_TEST_TIMEOUT_SECONDS', 3, 3600);
  const run = seconds('CARDPLUSPAY_TIMEOUT_SECONDS', 3, 86_400);
  const spendable = 1 - ROOM_FOR_THE_CHECK;
  const testTimeoutSeconds = test ?? Math.max(DEFAULT_TEST_TIMEOUT_SECONDS, Math.ceil((budget ?? 0) / spendable));
  const rateLimitBudgetSeconds = budget ?? Math.floor(testTimeoutSeconds * spendable);
  if (rateLimitBudgetSeconds > testTimeoutSeconds * spendable) {
    refuse(
      'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS',
      `(${rateLimitBudgetSeconds} s) does not fit inside CARDPLUSPAY_TEST_TIMEOUT_SECONDS (${testTimeoutSeconds} s) with a third of the test left for the check itself`,
      `Lower the budget to at most ${Math.floor(testTimeoutSeconds * spendable)}, raise the test timeout to at least ${Math.ceil(rateLimitBudgetSeconds / spendable)}, or set only one of them (the other is derived).`,
    );
  }
  const timeoutSeconds = run ?? Math.max(DEFAULT_RUN_TIMEOUT_SECONDS, testTimeoutSeconds * 2);
  if (timeoutSeconds < testTimeoutSeconds) {
    refuse(
      'CARDPLUSPAY_TIMEOUT_SECONDS',
      `(${timeoutSeconds} s) is shorter than one test's timeout (${testTimeoutSeconds} s)`,
      'Raise the run time limit, or lower CARDPLUSPAY_TEST_TIMEOUT_SECONDS.',
    );
  }
  return { rateLimitBudgetSeconds, testTimeoutSeconds, timeoutSeconds };
}

export const WORKERS: Setting = {
  name: 'CARDPLUSPAY_WORKERS',
  meaning: 'Playwright worker processes, each running one check at a time; the requests in flight across them are bounded by `CARDPLUSPAY_CONCURRENCY`',
  default: `\`${DEFAULT_WORKERS.remote}\` against a deployment, \`${DEFAULT_WORKERS.mock}\` against the embedded mock, \`1\` with \`CARDPLUSPAY_LIVE_CHALLENGES=one\`; never more than \`CARDPLUSPAY_CONCURRENCY\``,
  parse(raw, { env, refuse }) {
    const workers = raw === undefined || raw === '' ? defaultWorkers(env) : Number(raw);
    if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
      refuse(`must be a whole number from 1 to 16 (got "${raw ?? ''}")`, `Give how many checks may run in parallel, e.g. ${DEFAULT_WORKERS.remote}.`);
    }
    return { workers };
  },
};

/**
 * The workers when CARDPLUSPAY_WORKERS is unset: the default for the kind of target (a deployment
 * when a base URL is given and the runner did not start the mock), but never more than the requests
 * that may be in flight, so that a user who lowers the concurrency for a fragile target gets a run
 * that honours it without also having to set the workers.
 */
export function defaultWorkers(env: Env): number {
  if (oneLiveChallenge(env)) return 1;
  const kind = env.CARDPLUSPAY_BASE_URL && env.CARDPLUSPAY_TARGET !== 'mock' ? 'remote' : 'mock';
  const concurrency = Number(env.CARDPLUSPAY_CONCURRENCY);
  return Number.isInteger(concurrency) && concurrency >= 1 ? Math.min(DEFAULT_WORKERS[kind], concurrency) : DEFAULT_WORKERS[kind];
}

export const CONCURRENCY: Setting = {
  name: 'CARDPLUSPAY_CONCURRENCY',
  meaning:
    "requests in flight at once across all workers (a family's members and a check's independent requests go out together up to it); one 429 or 503 pauses them all, and a 429 or 503 sets a pace for the rest of the run (docs/configuration.md, \"Load on the target\"). SIGN-10's copies of one challenge leave together whatever it says",
  default: `\`${DEFAULT_CONCURRENCY}\` (\`1\` with \`CARDPLUSPAY_LIVE_CHALLENGES=one\`); \`CARDPLUSPAY_WORKERS\` defaults to at most this`,
  parse(raw, { env, draft, refuse }) {
    const concurrency = raw === undefined || raw === '' ? (oneLiveChallenge(env) ? 1 : DEFAULT_CONCURRENCY) : Number(raw);
    if (!/^\d+$/.test(raw || '1') || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      refuse(
        `must be a whole number from 1 to ${MAX_CONCURRENCY} (got "${raw ?? ''}")`,
        `Give how many requests may be in flight at once, e.g. ${DEFAULT_CONCURRENCY}.`,
      );
      return {};
    }
    const setByLiveChallenges = (raw === undefined || raw === '') && oneLiveChallenge(env);
    if (env.CARDPLUSPAY_WORKERS && draft.workers !== undefined && draft.workers > concurrency && !setByLiveChallenges) {
      refuse(
        `(${concurrency}) is lower than CARDPLUSPAY_WORKERS (${draft.workers}): each worker needs a request in flight`,
        'Lower CARDPLUSPAY_WORKERS to at most the concurrency, or unset it (it then defaults to at most the concurrency).',
      );
    }
    return { concurrency };
  },
};

export const TEST_TIMEOUT_SECONDS: Setting = {
  name: 'CARDPLUSPAY_TEST_TIMEOUT_SECONDS',
  meaning: "one check's time limit",
  default: `\`${DEFAULT_TEST_TIMEOUT_SECONDS}\`, or 1.5 x the budget when only the budget is set`,
  parse: (_raw, { env, refuseAs }) => runLimits(env, refuseAs),
};

export const RATE_LIMIT_BUDGET_SECONDS: Setting = {
  name: 'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS',
  meaning:
    'how long one check may wait out `429` answers (wall time from its first 429) before it is "not judged: target rate-limited"; must leave a third of the test timeout for the check itself, or the run is refused',
  default: `two thirds of the test timeout (\`${Math.floor(DEFAULT_TEST_TIMEOUT_SECONDS * (1 - ROOM_FOR_THE_CHECK))}\`)`,
  readWith: TEST_TIMEOUT_SECONDS.name,
};

export const TIMEOUT_SECONDS: Setting = {
  name: 'CARDPLUSPAY_TIMEOUT_SECONDS',
  meaning:
    "the whole run's time limit (SAFE-08): it ends with a verdict and every report written; checks not run count as not judged; at least the test timeout",
  default: `\`${DEFAULT_RUN_TIMEOUT_SECONDS}\``,
  readWith: TEST_TIMEOUT_SECONDS.name,
};

export const MAX_REQUESTS: Setting = {
  name: 'CARDPLUSPAY_MAX_REQUESTS',
  meaning: 'the most requests one run sends, across all workers (SAFE-05); past it the remaining checks are "not judged: request cap reached"',
  default: `\`${DEFAULT_MAX_REQUESTS}\` (a full run sends about 406)`,
  parse(raw, { refuse }) {
    const maxRequests = raw === undefined || raw === '' ? DEFAULT_MAX_REQUESTS : Number(raw);
    // An empty value is refused here (unlike elsewhere): "unset it" is the way to the default.
    if (!/^\d+$/.test(raw ?? String(DEFAULT_MAX_REQUESTS)) || !(maxRequests >= 1)) {
      refuse(`must be a whole number of at least 1 (got "${raw ?? ''}")`, `Give the most requests one run may send, e.g. ${DEFAULT_MAX_REQUESTS}.`);
    }
    return { maxRequests };
  },
};
