/**
 * The one way specs call a target: `send` for a request described as a record, `sendRaw` for one
 * whose header fields and request-target go out byte for byte as listed. Both go through the one
 * egress (helpers/client/egress.ts: deadlines, size limits, TLS, the key guards, the request cap),
 * wait out 429 and 503 politely (politeness.ts), attach a redacted transcript of each exchange to
 * the running test, and end a check that cannot be judged as such (not-judged.ts).
 */
import { redactor } from '../safety/redact';
import { GuardError, type Egress } from './egress';
import { EgressError, type HeaderLines, type WireAnswer } from './wire';
import { notJudged } from './not-judged';
import { politely, waitReason, type RetryDelay } from './politeness';
import { test } from '@playwright/test';
import { reproduction, type ReproOptions, type Stand } from '../cases/reproduce';
import { attachExchange, inStep, relativeForTitle } from './transcript';
import { toReply, type Reply } from './reply';
import type { Burst } from './flow/pacer';

export { GuardError } from './egress';
export type { Reply } from './reply';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface Call {
  method?: Method;
  /** Relative to the base URL, no leading slash: `balance`, `orders/12`. */
  path: string;
  /** Sent verbatim, names in the case given. `Accept: application/json` is added unless present. */
  headers?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  /** A raw body; give its Content-Type in headers. */
  body?: string;
  /** Another origin to send to (the plain-HTTP probe); guarded like any other. */
  baseUrl?: string;
  /** This exchange's wall-clock deadline (connect to last body byte). */
  timeoutMs?: number;
  /**
   * 429/503 handling for requests whose meaning depends on when they arrive (SAFE-05): `never`
   * returns the answer to the caller (a copy of a simultaneous burst, which a later retry would no
   * longer be); an epoch time in ms retries only while the retry still leaves before it (a
   * challenge's expiry), and past it the check is not judged. A request that first leaves already
   * past it (the use of an expired challenge) means the same later, and is retried like any other.
   */
  retry429?: 'never' | { until: number; why: string };
  /**
   * Epoch ms when the request stops meaning what its check sends it for (a challenge's expiry), for
   * one that is never retried: no wait of the run's flow control may pass it (the check is then not
   * judged). A time-limited `retry429` sets the same limit.
   */
  useBy?: number;
  /**
   * One of the copies of a burst meant to leave at once (SIGN-10's race; `burstOf(n)` names one): it
   * waits out the run's pause after a 429, and under the run's pace for room for every copy, but not
   * for a free slot under CARDPLUSPAY_CONCURRENCY, which would spread the copies out.
   */
  together?: Burst;
  /** Values derived from a configured key (a near-miss), and how the reproduction spells them. */
  stands?: readonly Stand[];
}

/**
 * A call whose header fields are listed one by one, so a name may repeat (AUTH-11), and whose
 * request line may be spelt in ways a URL object would normalise away (AUTH-14).
 */
export interface RawCall extends Omit<Call, 'headers' | 'method'> {
  /** Any method token, sent exactly as written (`get`, `FOOBAR`). */
  method?: string;
  headerLines: HeaderLines;
  /**
   * The request-target byte for byte (`/v1//balance`, `/v1/x/../balance`, `/v1/%62alance`) on the
   * configured origin, in place of `path`: resolving it against the base would undo its spelling.
   * The absolute form of that origin (`https://host/v1/balance`, RFC 9112 3.2.2) goes as given too.
   */
  target?: string;
  /** `1.0` sends the request line as HTTP/1.0 (AUTH-14); a keyed request goes only as HTTP/1.1. */
  httpVersion?: '1.0';
}

export interface ClientOptions {
  /** Called once per request sent (retries included), for the run's request count. */
  onRequest?: () => void;
  /** How long this client (one test) may spend waiting out 429s and 503s before its check is not judged. */
  rateLimitBudgetMs?: number;
  /** Waits between retries, and the clock the budget is measured by; injectable so tests of the backoff never sleep. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Shows a wait as progress, so a throttled run never looks hung. Default: one console line. */
  onWait?: (ms: number, why: RetryDelay['why'], status: number) => void;
  /** What a check that cannot be judged does; by default the running test ends as not judged. */
  onNotJudged?: (reason: string) => never;
  /** How reproductions spell the configured keys and trust the target; unset, none is made. */
  reproduce?: Omit<ReproOptions, 'title'>;
}

/** Sent unless a check gives its own: a name of the suite's, not the runtime's. */
export const USER_AGENT = 'cardpluspay-conformance';

export class ApiClient {
  private readonly base: URL;
  /** When this client (one test) first had to wait: parallel requests of one check share the budget. */
  private readonly waiting: { waitingSince?: number } = {};

  constructor(
    private readonly egress: Egress,
    baseUrl: string,
    private readonly options: ClientOptions = {},
  ) {
    this.base = new URL(baseUrl);
  }

  /** Sends one request described as a record, never following a redirect. */
  send(call: Call): Promise<Reply> {
    return this.sendRaw({ ...call, headerLines: Object.entries(call.headers ?? {}) });
  }

  /** Sends one request with its header fields as listed (a name may repeat) and, if given, a verbatim request-target. */
  sendRaw(call: RawCall): Promise<Reply> {
    const method = call.method ?? 'GET';
    const url = call.target === undefined ? this.urlFor(call) : this.targetUrl(call.target);
    const payload = call.json !== undefined ? JSON.stringify(call.json) : call.body;
    const given = new Set(call.headerLines.map(([n]) => n.toLowerCase()));
    const defaults: HeaderLines = [
      // HTTP/1.1 requires a Host; listed here so a check can place it, leave it out or repeat it.
      ['Host', url.host],
      ...defaultHeaders(call, given),
      // Without it Node would send the body chunked; with it the transcript shows what went.
      ...(payload === undefined ? [] : ([['Content-Length', String(Buffer.byteLength(payload))]] as HeaderLines)),
    ];
    const headerLines = [...call.headerLines, ...defaults.filter(([n]) => !given.has(n.toLowerCase()))];
    const request = {
      method,
      url,
      target: call.target,
      headerLines,
      body: payload,
      deadlineMs: call.timeoutMs,
      httpVersion: call.httpVersion,
      together: call.together,
    };
    const what = `${method} ${url.pathname}`;
    const repro = this.reproductionOf(request, call.stands ?? []);
    return inStep(`${method} ${relativeForTitle(url, call.target)}`, () =>
      politely(what, () => this.once({ ...request, ...this.waitLimit(call) }, what, repro), this.politeness(), this.waiting, call.retry429),
    );
  }

  /**
   * Starts this check's rate-limit budget unless a wait already has, and says how much is left (ms):
   * a check that tries again itself after wait statuses (SIGN-10) then waits within it like a retry.
   */
  startWaiting(): number {
    const { budgetMs, now } = this.politeness();
    this.waiting.waitingSince ??= now();
    return budgetMs - (now() - this.waiting.waitingSince);
  }

  /**
   * How long the request may wait for the run's flow control (a pause after another check's 429
   * counts against this check's budget too): until a time-limited request's limit, which no wait
   * may pass (`expires`), else until the check's rate-limit budget is spent. A request already past
   * its limit when it leaves (SIGN-11's use of an expired challenge) means the same later: it waits
   * within the budget like any other, instead of being refused for the least wait.
   */
  private waitLimit({ retry429, useBy }: Pick<Call, 'retry429' | 'useBy'>): { notAfter: number; expires: boolean } {
    const { budgetMs, now } = this.politeness();
    const limit = useBy ?? (typeof retry429 === 'object' ? retry429.until : undefined);
    if (limit !== undefined && limit >= now()) return { notAfter: limit, expires: true };
    return { notAfter: (this.waiting.waitingSince ?? now()) + budgetMs, expires: false };
  }

  /** The command that sends this request again (issue 18), or '' when the client makes none. */
  private reproductionOf(
    request: { method: string; url: URL; target?: string; headerLines: HeaderLines; body?: string; httpVersion?: '1.0' },
    stands: readonly Stand[],
  ): string {
    const options = this.options.reproduce;
    if (!options) return '';
    const form = {
      method: request.method,
      origin: request.url.origin,
      target: request.target ?? `${request.url.pathname}${request.url.search}`,
      headerLines: request.headerLines,
      body: request.body,
      httpVersion: request.httpVersion,
    };
    return reproduction(form, { ...options, stands: [...stands, ...options.stands, ...signingStands(request.headerLines)], title: currentTitle() });
  }

  private async once(request: Parameters<Egress['exchange']>[0], what: string, repro: string): Promise<Reply> {
    let answer: WireAnswer;
    try {
      // A request that left counts, answered or not; one a guard, the cap or the run's end kept back does not.
      answer = await this.egress.exchange({ ...request, onSent: this.options.onRequest });
    } catch (error) {
      throw this.failure(error, what);
    }
    const reply = { ...toReply(answer, request.url.href), reproduction: repro };
    await attachExchange(request.method, request.url, answer.sent, request.body, reply, request.target, request.httpVersion);
    return reply;
  }

  /** A request that got no answer to judge ends the check as not judged; one the target answered wrongly fails it. */
  private failure(error: unknown, what: string): Error {
    if (error instanceof GuardError) return error;
    if (error instanceof EgressError) {
      if (['unreachable', 'deadline', 'run-deadline', 'request-cap', 'paused'].includes(error.kind)) {
        this.giveUp(error.kind === 'deadline' ? `timeout: ${error.message} (${what})` : `${error.message} (${what})`);
      }
      return new Error(`${what} failed: ${redactor.redact(error.message)}`);
    }
    const original = error instanceof Error ? error : new Error(String(error));
    return new Error(`${what} failed: ${redactor.redact(original.message)}`);
  }

  /** Ends the running check as not judged (SAFE-07), as this client was told to. */
  giveUp(reason: string): never {
    return (this.options.onNotJudged ?? notJudged)(reason);
  }

  private politeness(): Parameters<typeof politely>[2] {
    return {
      budgetMs: this.options.rateLimitBudgetMs ?? 20_000,
      sleep: this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
      now: this.options.now ?? Date.now,
      random: this.options.random,
      onWait: this.options.onWait ?? printWait,
      giveUp: (reason) => this.giveUp(reason),
    };
  }

  /**
   * The URL a verbatim target stands for, for the guards; the target itself goes out unchanged. An
   * absolute-form target may name only the configured origin, spelt as the base URL spells it: the
   * connection goes there, so a target naming another host would show the guards one host and the
   * server another.
   */
  private targetUrl(target: string): URL {
    const origin = this.base.origin;
    const path = target.startsWith(`${origin}/`) ? target.slice(origin.length) : target;
    if (!/^\/[\x21-\x7e]*$/.test(path)) {
      throw new GuardError(
        `A verbatim request-target must start with "/" or "${origin}/" (the absolute form of the configured origin) and hold only visible ASCII.`,
      );
    }
    // Concatenated, not resolved: new URL('//v1/x', base) would read "v1" as a host.
    return new URL(`${origin}${path}`);
  }

  private urlFor(call: Call | RawCall): URL {
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(call.path))
      throw new GuardError(`Path must be relative to the base URL, got an absolute one for ${call.method ?? 'GET'}.`);
    const base = call.baseUrl ? new URL(call.baseUrl.endsWith('/') ? call.baseUrl : `${call.baseUrl}/`) : this.base;
    const url = new URL(call.path.replace(/^\/+/, ''), base);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.append(k, v);
    return url;
  }
}

function printWait(ms: number, why: RetryDelay['why'], status: number): void {
  process.stdout.write(
    `waiting ${Math.round(ms / 100) / 10} s: ${waitReason(status)} (${why === 'backoff' ? 'no usable Retry-After: backing off' : 'Retry-After'})\n`,
  );
}

/**
 * The suite's own defaults, unless given: `Accept: application/json`, `Content-Type:
 * application/json` with a JSON body, a User-Agent of its own and `Accept-Encoding: identity`
 * (the suite asks for no compression; an answer compressed anyway is decoded within the size limit).
 */
function defaultHeaders(call: Pick<Call, 'json'>, given: ReadonlySet<string>): HeaderLines {
  const out: HeaderLines = [];
  if (!given.has('accept')) out.push(['Accept', 'application/json']);
  if (call.json !== undefined && !given.has('content-type')) out.push(['Content-Type', 'application/json']);
  if (!given.has('user-agent')) out.push(['User-Agent', USER_AGENT]);
  if (!given.has('accept-encoding')) out.push(['Accept-Encoding', 'identity']);
  return out;
}

/**
 * A signed request's challenge is single-use and its signature a secret (SAFE-01): a reproduction
 * names them as variables, to be filled with a fresh challenge and its signature.
 */
function signingStands(headerLines: HeaderLines): Stand[] {
  const valueOf = (name: string): string | undefined => headerLines.find(([n]) => n.toLowerCase() === name)?.[1];
  const signature = valueOf('x-api-signature');
  const challenge = valueOf('x-api-challenge');
  return [...(signature ? [{ value: signature, shell: '"$FRESH_SIGNATURE"' }] : []), ...(challenge ? [{ value: challenge, shell: '"$FRESH_CHALLENGE"' }] : [])];
}

/** The running test's title, for a reproduction's replay line; undefined outside a test. */
function currentTitle(): string | undefined {
  try {
    return test.info().title;
  } catch {
    return undefined;
  }
}
