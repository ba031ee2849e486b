/**
 * The one way specs call a target. Built on Playwright's APIRequestContext, with the guards the
 * raw API lacks: no redirects followed, no failOnStatusCode, configured keys only ever to the
 * configured HTTPS origin and never to a spending endpoint, errors scrubbed of credentials
 * (Playwright's call log lists every request header), and a redacted copy of each exchange
 * attached to the test's report.
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { test, type APIRequestContext } from '@playwright/test';
import { decodeSafe } from '../decode-safe';
import { redactor } from '../redact';
import { COOKIE_CHECK_HEADER } from './cookies';
import { keyedRequestRefusal, type KeyedAllowlist } from './spend-guard';
import { NOT_JUDGED, NOT_JUDGED_PREFIX, NotJudgedError, unreachableReason } from './not-judged';
import type { RequestCap } from './request-ledger';
import { answerLines, exchangeText } from './transcript';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

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
  timeoutMs?: number;
  /**
   * 429 handling for requests whose meaning depends on when they arrive (SAFE-05): `never` returns
   * the 429 to the caller (a copy of a simultaneous burst, which a later retry would no longer
   * be); an epoch time in ms retries only while the retry still leaves before it (a challenge's
   * expiry), and past it the check is not judged.
   */
  retry429?: 'never' | { until: number; why: string };
}

/**
 * A call whose header fields are listed one by one, so a name may repeat (AUTH-11), and whose
 * request line may be spelt in ways a URL object would normalise away (AUTH-14).
 */
export interface RawCall extends Omit<Call, 'headers' | 'method'> {
  /** Any method token, sent exactly as written (`get`, `FOOBAR`). */
  method?: string;
  headerLines: Array<[string, string]>;
  /**
   * The request-target byte for byte (`/v1//balance`, `/v1/x/../balance`, `/v1/%62alance`) on the
   * configured origin, in place of `path`: resolving it against the base would undo its spelling.
   */
  target?: string;
}

export interface Reply {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  /** Each Set-Cookie field on its own: joined with ", " they could not be split again (Expires holds a comma). */
  setCookies: string[];
  contentType: string;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  url: string;
  ms: number;
}

export class GuardError extends Error {
  override name = 'GuardError';
}

export interface ClientOptions {
  baseUrl: string;
  /** Every configured key (active, inactive, signing): guarded wherever they appear in a request. */
  configuredKeys: readonly string[];
  /** SAFE-03: what the key allowlist takes from the settings (the challenge endpoint); unset, no challenge endpoint is allowed. */
  keyedAllowlist?: Pick<KeyedAllowlist, 'challenge'>;
  /** Called once per request sent (retries included), for the run's request count. */
  onRequest?: () => void;
  /** The run's request cap, shared by every worker; unset means no cap. */
  requestCap?: RequestCap;
  /** How long this client (one test) may spend waiting out 429s before its check is not judged. */
  rateLimitBudgetMs?: number;
  /** Waits between retries, and the clock the budget is measured by; injectable so tests of the backoff never sleep. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Shows a wait as progress, so a throttled run never looks hung. Default: one console line. */
  onWait?: (ms: number, why: RetryDelay['why']) => void;
  /** What a check that cannot be judged does; by default the running test ends as not judged. */
  onNotJudged?: (reason: string) => never;
}

/** The most a body is read (SAFE-08): past it the check that asked fails, and the rest is not read. */
const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

function bodyTooLarge(what: string, bytes: number | undefined): BodyTooLargeError {
  return new BodyTooLargeError(
    `${what}: the answer's body is larger than ${MAX_BODY_BYTES} bytes${bytes !== undefined ? ` (${bytes} announced or read)` : ''}; it was not read further (SAFE-08: bounded work whatever the target sends)`,
  );
}

const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;

export interface RetryDelay {
  ms: number;
  why: 'Retry-After' | 'backoff';
}

/**
 * How long to wait after a 429 (SAFE-05): the server's Retry-After (delta-seconds or an HTTP-date,
 * RFC 9110 10.2.3), bounded. `0`, a date already past, an unreadable value or none would mean an
 * immediate retry, which floods a throttling target: those back off exponentially instead, from
 * 1 s, with up to half again of random jitter so parallel workers do not retry in step.
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

function printWait(ms: number, why: RetryDelay['why']): void {
  process.stdout.write(`waiting ${Math.round(ms / 100) / 10} s: target rate-limited (${why === 'backoff' ? 'no usable Retry-After: backing off' : 'Retry-After'})\n`);
}

export class ApiClient {
  private readonly base: URL;
  private agent?: https.Agent;

  constructor(
    private readonly ctx: APIRequestContext,
    private readonly options: ClientOptions,
  ) {
    this.base = new URL(options.baseUrl);
  }

  /** Sends one request through Playwright, never following a redirect. */
  async send(call: Call): Promise<Reply> {
    const method = call.method ?? 'GET';
    const headers = withDefaults(call.headers ?? {}, call);
    const url = this.urlFor(call);
    this.guard(method, url, Object.entries(headers), call);
    return inStep(`${method} ${relativeForTitle(url)}`, () => this.politely(`${method} ${describePath(url)}`, call, () => this.fetchOnce(method, url, headers, call)));
  }

  private async fetchOnce(method: Method, url: URL, headers: Record<string, string>, call: Call): Promise<Reply> {
    const what = `${method} ${describePath(url)}`;
    this.claimRequest(what);
    const started = Date.now();
    const payload = payloadOf(call);
    let res;
    try {
      res = await withEmptyJar(this.ctx, () =>
        this.ctx.fetch(url.href, { method, headers, data: payload, maxRedirects: 0, failOnStatusCode: false, timeout: call.timeoutMs ?? 15_000 }),
      );
    } catch (error) {
      throw this.failure(error, what);
    }
    // Playwright has already buffered the body in its driver; a body announced or found too
    // large is never copied into this process or parsed.
    const announced = Number(res.headers()['content-length']);
    if (announced > MAX_BODY_BYTES) {
      await res.dispose();
      throw bodyTooLarge(what, announced);
    }
    const body = await res.body();
    await res.dispose();
    if (body.length > MAX_BODY_BYTES) throw bodyTooLarge(what, body.length);
    const reply = toReply(res.status(), res.headersArray(), body, url.href, Date.now() - started);
    await attachExchange(method, url, playwrightWireHeaders(url, headers, payload), payload, reply);
    return reply;
  }

  /** Counts one request against the run's cap, or ends the check as not judged when the cap is reached. */
  private claimRequest(what: string): void {
    const cap = this.options.requestCap;
    if (cap && !cap.claim()) {
      this.giveUp(`request cap reached: the run already sent ${cap.max} requests (CARDPLUSPAY_MAX_REQUESTS), so ${what} was not sent`);
    }
    this.options.onRequest?.();
  }

  /** A failed request: not judged when the network failed (refused, reset, DNS, TLS, timeout), else scrubbed and rethrown. */
  private failure(error: unknown, what: string): Error {
    if (error instanceof BodyTooLargeError) return error;
    const reason = unreachableReason(error);
    if (reason) this.giveUp(`${reason} (${what})`);
    return scrub(error, what);
  }

  private giveUp(reason: string): never {
    return (this.options.onNotJudged ?? notJudged)(reason);
  }

  /**
   * Sends one request with node:https, for what APIRequestContext cannot express: a header name
   * given twice. Same guards, same redaction, same trust store (NODE_EXTRA_CA_CERTS).
   */
  async sendRaw(call: RawCall): Promise<Reply> {
    const method = call.method ?? 'GET';
    const url = call.target === undefined ? this.urlFor(call) : this.targetUrl(call.target);
    const target = call.target ?? `${url.pathname}${url.search}`;
    const given = new Set(call.headerLines.map(([n]) => n.toLowerCase()));
    // No Host is added by Node here (setHost is off, so a Host line can be placed or left out); HTTP/1.1 requires one.
    const payload = payloadOf(call);
    const defaults: Array<[string, string]> = [
      ['Host', url.host],
      ...Object.entries(withDefaults({}, call)),
      // Without it Node would send the body chunked; with it the transcript shows what went.
      ...(payload === undefined ? [] : ([['Content-Length', String(Buffer.byteLength(payload))]] as Array<[string, string]>)),
    ];
    const lines = [...call.headerLines, ...defaults.filter(([n]) => !given.has(n.toLowerCase()))];
    this.guard(method, url, lines, call);
    return inStep(`${method} ${relativeForTitle(url, call.target)}`, () => this.politely(`${method} ${describePath(url)}`, call, () => this.rawOnce(method, url, target, lines, call)));
  }

  private async rawOnce(method: string, url: URL, target: string, lines: Array<[string, string]>, call: RawCall): Promise<Reply> {
    const what = `${method} ${describePath(url)}`;
    this.claimRequest(what);
    const started = Date.now();
    try {
      const { status, rawHeaders, body } = await rawRequest(url, target, method, lines, payloadOf(call), call.timeoutMs ?? 15_000, this.agentFor(url));
      const pairs: Array<{ name: string; value: string }> = [];
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push({ name: rawHeaders[i]!, value: rawHeaders[i + 1]! });
      const reply = toReply(status, pairs, body, url.href, Date.now() - started);
      await attachExchange(method, url, withNodeDefaults(lines), payloadOf(call), reply, call.target);
      return reply;
    } catch (error) {
      throw this.failure(error, what);
    }
  }

  /**
   * When this client (one test) first met a 429: the budget is wall time from then, so waits of
   * parallel requests of one check (the concurrency checks) count once, not once each.
   */
  private throttledSince?: number;

  /**
   * SAFE-05: a 429 is the target asking for patience, not a verdict. Waits as told (or backs off)
   * and retries while the test's budget lasts; a wait that would not fit ends the check as not
   * judged at once, rather than after sleeping in vain.
   */
  private async politely(what: string, call: Pick<Call, 'retry429'>, attempt: () => Promise<Reply>): Promise<Reply> {
    const budget = this.options.rateLimitBudgetMs ?? 20_000;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = this.options.now ?? Date.now;
    let backoffs = 0;
    for (let i = 1; ; i++) {
      const reply = await attempt();
      if (reply.status !== 429 || call.retry429 === 'never') return reply;
      const delay = retryDelay(reply.headers['retry-after'], backoffs, this.options.random, now());
      if (delay.why === 'backoff') backoffs++;
      this.throttledSince ??= now();
      const spent = now() - this.throttledSince;
      if (spent + delay.ms > budget) {
        this.giveUp(
          `target rate-limited: ${what} still got 429 after ${i} attempt(s); the next wait (${(delay.ms / 1000).toFixed(1)} s) would pass the budget of ${budget / 1000} s (CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS), ${(spent / 1000).toFixed(1)} s of it spent`,
        );
      }
      const limit = call.retry429;
      if (limit && now() + delay.ms > limit.until) {
        this.giveUp(`target rate-limited: ${what} got 429, and a retry after ${(delay.ms / 1000).toFixed(1)} s would come too late: ${limit.why}`);
      }
      (this.options.onWait ?? printWait)(delay.ms, delay.why);
      await sleep(delay.ms);
    }
  }

  dispose(): void {
    this.agent?.destroy();
  }

  private agentFor(url: URL): http.Agent | undefined {
    if (url.protocol !== 'https:') return undefined;
    this.agent ??= new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: true });
    return this.agent;
  }

  /** The URL a verbatim target stands for, for the guards; the target itself goes out unchanged. */
  private targetUrl(target: string): URL {
    if (!/^\/[\x21-\x7e]*$/.test(target)) throw new GuardError('A verbatim request-target must start with "/" and hold only visible ASCII.');
    // Concatenated, not resolved: new URL('//v1/x', base) would read "v1" as a host.
    return new URL(`${this.base.origin}${target}`);
  }

  private urlFor(call: Call | RawCall): URL {
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(call.path)) throw new GuardError(`Path must be relative to the base URL, got an absolute one for ${call.method ?? 'GET'}.`);
    const base = call.baseUrl ? new URL(call.baseUrl.endsWith('/') ? call.baseUrl : `${call.baseUrl}/`) : this.base;
    const url = new URL(call.path.replace(/^\/+/, ''), base);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.append(k, v);
    return url;
  }

  /** SAFE-02, SAFE-03 and SAFE-04: refuse before anything leaves the process. */
  private guard(method: string, url: URL, headers: Array<[string, string]>, call: Call | RawCall): void {
    // Checked at every request, not only at start: Node honours the variable whenever it is set,
    // and Playwright's request has no option that overrides it.
    if (url.protocol === 'https:' && process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
      throw new GuardError('Refused: NODE_TLS_REJECT_UNAUTHORIZED=0 would switch certificate checks off for this request. Unset it; trust a private CA with CARDPLUSPAY_CA_FILE.');
    }
    const names = headers.map(([n]) => n.toLowerCase());
    if (names.includes('cookie') && !names.includes(COOKIE_CHECK_HEADER.toLowerCase())) {
      throw new GuardError(`Refused: a Cookie header goes out only from a check that names itself (deliberateCookie() in helpers/client/cookies.ts), so an ambient cookie can be told from a chosen one (SAFE-06).`);
    }
    const texts = [url.href, decodeSafe(url.href), ...headers.map(([n, v]) => `${n}: ${v}`), call.body ?? '', call.json !== undefined ? JSON.stringify(call.json) : ''];
    const carriesKey = this.options.configuredKeys.some((key) => key && texts.some((t) => t.includes(key)));
    if (!carriesKey) return;
    if (url.protocol !== 'https:') {
      throw new GuardError(`Refused: a configured key would travel over plain HTTP (${method} ${url.protocol}//${url.host}). Only throwaway keys may be sent there.`);
    }
    if (url.host !== this.base.host) {
      throw new GuardError(`Refused: a configured key would go to ${url.host}, not the configured target ${this.base.host}.`);
    }
    const target = (call as RawCall).target ?? `${url.pathname}${url.search}`;
    const refusal = keyedRequestRefusal({ method, target, headers }, { ...this.options.keyedAllowlist, base: this.base, keys: this.options.configuredKeys });
    if (refusal) throw new GuardError(`Refused: ${refusal}; the suite never sends it with a configured key, whatever a spec asks.`);
  }
}

/** Sent unless a check gives its own: Playwright's default names the OS and Node version. */
export const USER_AGENT = 'cardpluspay-conformance';

/**
 * The suite's own defaults, unless given: `Accept: application/json`, `Content-Type:
 * application/json` with a JSON body, a User-Agent of its own and `Accept-Encoding: identity`
 * (the raw client decodes nothing; one encoding for both clients keeps the bytes comparable).
 */
function withDefaults(headers: Record<string, string>, call: Call | RawCall): Record<string, string> {
  const has = (name: string): boolean => Object.keys(headers).some((n) => n.toLowerCase() === name);
  return {
    ...headers,
    ...(has('accept') ? {} : { Accept: 'application/json' }),
    ...(call.json !== undefined && !has('content-type') ? { 'Content-Type': 'application/json' } : {}),
    ...(has('user-agent') ? {} : { 'User-Agent': USER_AGENT }),
    ...(has('accept-encoding') ? {} : { 'Accept-Encoding': 'identity' }),
  };
}

function payloadOf(call: Pick<Call, 'json' | 'body'>): string | undefined {
  return call.json !== undefined ? JSON.stringify(call.json) : call.body;
}

/**
 * Requests of one context go one at a time, each with an empty cookie jar, and the jar is emptied
 * again before the next (SAFE-06). APIRequestContext stores every Set-Cookie and replays it on
 * later requests it has no option to stop; only an empty jar at the moment a request goes out
 * sends nothing, and only one request in flight per context keeps a reply's cookies from reaching
 * a request sent meanwhile. A check that means to send a cookie gives the Cookie header itself.
 */
const jarQueues = new WeakMap<APIRequestContext, Promise<unknown>>();

async function withEmptyJar<T>(ctx: APIRequestContext, send: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    await ctx.clearCookies();
    try {
      return await send();
    } finally {
      await ctx.clearCookies().catch(() => undefined);
    }
  };
  const result = (jarQueues.get(ctx) ?? Promise.resolve()).then(run, run);
  jarQueues.set(ctx, result.catch(() => undefined));
  return result;
}

type HeaderLines = Array<[string, string]>;

/** Sets a field the way Playwright's request does: an existing name keeps its spelling. */
function setLine(lines: HeaderLines, name: string, value: string, keepExisting = false): void {
  const existing = lines.find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (!existing) lines.push([name, value]);
  else if (!keepExisting) existing[1] = value;
}

/** What node:http adds to any request through a keep-alive agent: Host and Connection, when absent. */
function withNodeDefaults(lines: HeaderLines, host?: string): HeaderLines {
  const out: HeaderLines = lines.map(([n, v]) => [n, v]);
  if (host !== undefined) setLine(out, 'Host', host, true);
  setLine(out, 'Connection', 'keep-alive', true);
  return out;
}

/**
 * The header fields Playwright's request puts on the wire for these headers, in its order and
 * spelling: its three defaults (each replaced by the suite's own), then the given fields, a
 * Content-Type and Content-Length for a body, then node:http's Host and Connection. A unit test
 * holds this to what a server receives, so a transcript shows every field that was sent.
 */
function playwrightWireHeaders(url: URL, headers: Record<string, string>, payload: string | undefined): HeaderLines {
  const lines: HeaderLines = [
    ['user-agent', "(Playwright's default)"],
    ['accept', '*/*'],
    ['accept-encoding', 'gzip,deflate,br'],
  ];
  for (const [n, v] of Object.entries(headers)) setLine(lines, n, v);
  if (payload !== undefined) {
    setLine(lines, 'content-type', 'application/octet-stream', true);
    setLine(lines, 'content-length', String(Buffer.byteLength(payload)));
  }
  return withNodeDefaults(lines, url.host);
}

function toReply(status: number, pairs: Array<{ name: string; value: string }>, body: Buffer, url: string, ms: number): Reply {
  const headers: Record<string, string> = {};
  for (const { name, value } of pairs) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  const setCookies = pairs.filter(({ name }) => name.toLowerCase() === 'set-cookie').map(({ value }) => value);
  return { status, headers, setCookies, contentType: headers['content-type'] ?? '', text, json, url, ms };
}

function describePath(url: URL): string {
  return url.pathname;
}

/** Rethrows with every credential masked: Playwright's call log lists the request headers. */
function scrub(error: unknown, what: string): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  if (original instanceof GuardError) return original;
  const scrubbed = new Error(`${what} failed: ${redactor.redact(original.message)}`);
  scrubbed.name = original.name;
  scrubbed.stack = `${scrubbed.name}: ${scrubbed.message}\n${redactor.redact((original.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n'))}`;
  return scrubbed;
}

function rawRequest(
  url: URL,
  target: string,
  method: string,
  lines: ReadonlyArray<[string, string]>,
  body: string | undefined,
  timeoutMs: number,
  agent: http.Agent | undefined,
): Promise<{ status: number; rawHeaders: string[]; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    // rejectUnauthorized is given, not defaulted: the default follows NODE_TLS_REJECT_UNAUTHORIZED.
    const req = mod.request({ ...urlToHttpOptions(url), path: target, method, agent, timeout: timeoutMs, setHost: false, ...(url.protocol === 'https:' ? { rejectUnauthorized: true } : {}) });
    // appendHeader keeps repeated names as separate lines, in the order given per name.
    for (const [name, value] of lines) req.appendHeader(name, value);
    // Node upper-cases the method it is given; the header block is built only at end(), so the
    // method set here is the one on the wire.
    req.method = method;
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy();
          reject(bodyTooLarge(`${method} ${url.pathname}`, size));
          return;
        }
        chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

/**
 * Runs one exchange as a report step named after it (`GET /v1/balance`), so the report reads as
 * the story of the test: each request with its redacted transcript inside, then the checks.
 * Outside a test (a fixture's setup, a script) it just runs.
 */
function inStep<T>(title: string, body: () => Promise<T>): Promise<T> {
  try {
    test.info();
  } catch {
    return body();
  }
  return test.step(title, body, { box: true });
}

/** Attaches a redacted transcript of one exchange (every header field that went) to the running test, if there is one. */
async function attachExchange(method: string, url: URL, headers: HeaderLines, payload: string | undefined, reply: Reply, target?: string): Promise<void> {
  let info: ReturnType<typeof test.info>;
  try {
    info = test.info();
  } catch {
    return;
  }
  const sent = [`→ ${method} ${target === undefined ? url.href : `${url.origin}${target}`}`, ...headers.map(([n, v]) => `${n}: ${printable(v)}`)];
  if (payload !== undefined) sent.push('', payload);
  const transcript = redactor.redact(exchangeText(sent, answerLines(`← ${reply.status} (${reply.ms} ms)`, reply.headers, reply.text)));
  await info.attach(`${method} ${relativeForTitle(url, target)} → ${reply.status}`, { body: transcript, contentType: 'text/plain' });
}

/**
 * Ends the running check as not judged (SAFE-07): annotates it with the reason and skips it (a
 * skip, not a failure, so Playwright does not restart the worker, and a failure already recorded
 * by a soft assertion still wins). Outside a test, throws NotJudgedError.
 */
export function notJudged(reason: string): never {
  let info: ReturnType<typeof test.info> | undefined;
  try {
    info = test.info();
  } catch {
    info = undefined;
  }
  if (info) {
    info.annotations.push({ type: NOT_JUDGED, description: reason });
    info.skip(true, `${NOT_JUDGED_PREFIX}${reason}`);
  }
  throw new NotJudgedError(reason);
}

/** Shows control and non-ASCII characters so a reviewer sees what was sent (a NBSP, a tab). */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The path for a step title; a verbatim target is shown as spelt, since its spelling is the point. */
function relativeForTitle(url: URL, target?: string): string {
  const [path, query] = target === undefined ? [url.pathname, url.search] : [target.replace(/\?.*$/s, ''), target.includes('?') ? '?' : ''];
  return redactor.redact(`${url.protocol === 'http:' ? 'http:' : ''}${path}${query ? '?…' : ''}`);
}
