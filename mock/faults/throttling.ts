/**
 * Variants of the mock that throttle, stall or swamp the suite (SAFE-05, SAFE-07, SAFE-08). Unlike
 * the other areas, most of these do not break the contract: each says which verdict an honest
 * suite reaches against it (`expect`), and the settings the self-test runs it with, kept short so
 * the matrix stays fast.
 */
import { randomKey } from '../accounts';
import type { MockBehaviour } from '../behaviour';
import { fail, json, JSON_TYPE } from '../envelope';
import { brotliBomb, gzipBomb } from './bombs';
import { bendEndpoint, bendPart, type Fault } from './fault';
import { bodyOf, burst, decodesPast, firstBytes } from './probe-kit';

/** A token bucket of `perSecond` requests a second: past it, 429 with the given Retry-After. */
function rateLimit(perSecond: number, retryAfter: string): (behaviour: MockBehaviour) => MockBehaviour {
  return (behaviour) => {
    let tokens = perSecond;
    let last = Date.now();
    return {
      ...behaviour,
      gate: () => {
        const now = Date.now();
        tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return undefined;
        }
        return fail(429, 'Too Many Requests', {}, { 'retry-after': retryAfter });
      },
    };
  };
}

/** Short limits for the throttled variants: a check may wait 6 s of its 9, the whole run 60 s. */
const SHORT = { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '9', CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '6', CARDPLUSPAY_TIMEOUT_SECONDS: '60' };

/** A conformant API behind a limiter of 5 requests a second that answers 429 with `retryAfter`. */
function rateLimitedVariant(retryAfter: string, why: string): Fault {
  return {
    breaks: [],
    checks: ['AUTH-02', 'AUTH-03', 'AUTH-04', 'ENV-03'],
    expect: 'conforms',
    settings: { ...SHORT, CARDPLUSPAY_MAX_REQUESTS: '200' },
    summary: `Answers at most 5 requests a second; past that, 429 with Retry-After: ${retryAfter} (${why})`,
    probe: async (k) => (await burst(k, 12)).some((r) => r.status === 429 && r.headers['retry-after'] === retryAfter),
    bend: rateLimit(5, retryAfter),
  };
}

/**
 * GET balance with a valid key answers 200 with a JSON type and a body of `coding` that decodes to
 * 1 GiB of zeros, whatever Accept-Encoding asked for. The check that reads it must stop at the
 * suite's 1 MiB limit and fail (SAFE-08): those of the requirements about that answer, AUTH-01
 * (a success envelope for the valid key) and ENV-04 (the balance's shape). The other checks that
 * read it, ENV-01 and ENV-02 over every endpoint, fail too, as a side effect.
 */
function compressionBomb(coding: 'gzip' | 'br', body: () => Buffer): Fault {
  return {
    breaks: ['AUTH-01', 'ENV-04'],
    summary: `GET balance with a valid key answers 200 with Content-Encoding: ${coding} and about ${coding === 'gzip' ? '1 MiB' : '800 bytes'} that decode to 1 GiB of zeros`,
    probe: async (k) => decodesPast(k, coding, 64),
    activeBalance: 'reshaped',
    bend: bendEndpoint('balance', () => () => ({ status: 200, headers: { 'content-type': JSON_TYPE, 'content-encoding': coding }, body: body() })),
  };
}

export const THROTTLING_FAULTS = {
  'rate-limited-retry-after-1': rateLimitedVariant('1', 'the suite waits and conforms, under its request cap'),
  'rate-limited-retry-after-0': rateLimitedVariant('0', 'the suite backs off from 1 s instead of retrying at once'),
  'always-429': {
    breaks: [],
    checks: ['AUTH-01', 'AUTH-02', 'ENV-03'],
    expect: 'could-not-judge',
    settings: { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '6', CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '3', CARDPLUSPAY_TIMEOUT_SECONDS: '60' },
    summary: 'Answers 429 with Retry-After: 1 to everything (the suite cannot judge, and says so)',
    probe: async (k) => (await k.balance(k.active)).status === 429,
    activeBalance: 'unserved',
    bend: (behaviour) => ({ ...behaviour, gate: () => fail(429, 'Too Many Requests', {}, { 'retry-after': '1' }) }),
  },
  // The gate answers everything the API would; what is refused before it (unparsable, 413, HTTP/1.1 without Host) keeps its status.
  'always-503': {
    breaks: [],
    checks: ['AUTH-01', 'AUTH-02', 'AUTH-03', 'AUTH-04'],
    expect: 'could-not-judge',
    settings: { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '6', CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS: '3', CARDPLUSPAY_TIMEOUT_SECONDS: '60' },
    summary: 'Answers 503 with Retry-After: 120 and the error envelope to everything (the suite waits within its budget, then: not judged, target unavailable)',
    probe: async (k) => {
      const replies = [await k.balance(k.active), await k.balance(undefined), await k.call({ path: '/no-such-path' })];
      return replies.every(
        (r) => r.status === 503 && r.headers['retry-after'] === '120' && bodyOf(r).success === false && bodyOf(r).message === 'Service Unavailable',
      );
    },
    activeBalance: 'unserved',
    bend: (behaviour) => ({ ...behaviour, gate: () => fail(503, 'Service Unavailable', {}, { 'retry-after': '120' }) }),
  },
  // A front that sheds a burst of one request: its 503s to SIGN-10's extra copies say nothing of the challenge check, and the first two still race.
  'sheds-challenge-burst': {
    breaks: [],
    checks: ['SIGN-10'],
    expect: 'conforms',
    summary:
      'Answers 503 with Retry-After: 1 to the third and later requests carrying one challenge, as a front shedding a burst does (SIGN-10 still sees two copies race)',
    probe: async (k) => {
      const challenge = await k.issue();
      const signature = k.sign(challenge);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await k.signed(challenge, signature)).status);
      return statuses.join() === '200,401,503';
    },
    bend: (behaviour) => {
      const uses = new Map<string, number>();
      return {
        ...behaviour,
        gate: (req) => {
          const challenge = req.headers['x-api-challenge'];
          if (typeof challenge !== 'string') return undefined;
          uses.set(challenge, (uses.get(challenge) ?? 0) + 1);
          return uses.get(challenge)! > 2 ? fail(503, 'Service Unavailable', {}, { 'retry-after': '1' }) : undefined;
        },
      };
    },
  },
  'trickles-response-head': {
    breaks: [],
    checks: ['AUTH-01', 'AUTH-02'],
    expect: 'could-not-judge',
    // Short: only the suite's wall-clock deadline per exchange ends a trickle, inside the test's 6 s.
    settings: { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '6', CARDPLUSPAY_TIMEOUT_SECONDS: '60' },
    summary: "Reads each request, then sends the answer's head one byte a second and never finishes it (idle timeouts never fire; only a deadline ends it)",
    // One byte a second, the first at once: in 3.5 s a few bytes of the status line, no end of head, the connection open.
    probe: async (k) => {
      const { text, open } = await firstBytes(k, 3500);
      return open && text.length >= 2 && text.length <= 6 && 'HTTP/1.1 200 OK'.startsWith(text) && !text.includes('\r\n\r\n');
    },
    activeBalance: 'unserved',
    bend: (behaviour) => ({ ...behaviour, delivery: { kind: 'trickle-head', everyMs: 1000 } }),
  },
  'gzip-bomb': compressionBomb('gzip', gzipBomb),
  'brotli-bomb': compressionBomb('br', brotliBomb),
  'drops-every-connection': {
    breaks: [],
    checks: ['AUTH-01', 'AUTH-02'],
    expect: 'could-not-judge',
    summary: 'Completes the TLS handshake, then closes every connection without an answer (no target to judge)',
    probe: async (k) =>
      k.balance(k.active).then(
        () => false,
        () => true,
      ),
    activeBalance: 'unserved',
    bend: (behaviour) => ({ ...behaviour, gate: () => 'drop' }),
  },
  'huge-401-message': {
    breaks: ['ENV-03'],
    summary: 'The 401 message is an array of 60,000 strings (the suite must fail ENV-03 in seconds, not diff it for minutes)',
    probe: async (k) => (bodyOf(await k.balance(randomKey())).message as unknown[] | undefined)?.length === 60_000,
    bend: bendPart('key', () => ({
      refusal: () => json(401, { success: false, message: Array.from({ length: 60_000 }, (_, i) => `item ${i}`), data: {} }),
    })),
  },
} as const satisfies Record<string, Fault>;
