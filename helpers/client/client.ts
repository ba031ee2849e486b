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

/** Operations that spend balance or change the account: never sent with a configured key (SAFE-03). */
const SPENDING: ReadonlyArray<{ method: Method; path: RegExp; what: string }> = [
  { method: 'POST', path: /^orders$/, what: 'POST orders buys gift cards' },
];

export interface ClientOptions {
  baseUrl: string;
  /** Every configured key (active, inactive, signing): guarded wherever they appear in a request. */
  configuredKeys: readonly string[];
  /** Called once per request sent (retries included), for the run's request count. */
  onRequest?: () => void;
  /** How long one call may keep meeting 429s before it is given up as "target rate-limited". */
  rateLimitBudgetMs?: number;
  /** Waits between retries; injectable so tests of the backoff never sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** What giving up does; by default the running test is skipped with the reason. */
  onRateLimited?: (reason: string) => never;
}

/** Thrown when a call outside a test runs out of rate-limit budget (inside one, the test is skipped). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
}

/** Skips the running test as "target rate-limited"; outside a test, throws RateLimitedError. */
function skipAsRateLimited(reason: string): never {
  let info: ReturnType<typeof test.info>;
  try {
    info = test.info();
  } catch {
    throw new RateLimitedError(reason);
  }
  info.skip(true, reason);
  throw new RateLimitedError(reason);
}

const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

/**
 * How long to wait after a 429: the server's Retry-After (delta-seconds or an HTTP-date, RFC 9110
 * 10.2.3), bounded; otherwise exponential backoff with jitter (half fixed, half random).
 */
export function retryDelayMs(retryAfter: string | undefined, attempt: number, random: () => number = Math.random, now: number = Date.now()): number {
  const value = retryAfter?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
  }
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
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
    return inStep(`${method} ${relativeForTitle(url)}`, () => this.politely(`${method} ${describePath(url)}`, () => this.fetchOnce(method, url, headers, call)));
  }

  private async fetchOnce(method: Method, url: URL, headers: Record<string, string>, call: Call): Promise<Reply> {
    this.options.onRequest?.();
    const started = Date.now();
    try {
      const res = await this.ctx.fetch(url.href, {
        method,
        headers,
        data: call.json !== undefined ? JSON.stringify(call.json) : call.body,
        maxRedirects: 0,
        failOnStatusCode: false,
        timeout: call.timeoutMs ?? 15_000,
      });
      const body = await res.body();
      const reply = toReply(res.status(), res.headersArray(), body, url.href, Date.now() - started);
      await attachExchange(method, url, Object.entries(headers), call, reply);
      return reply;
    } catch (error) {
      throw scrub(error, `${method} ${describePath(url)}`);
    }
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
    const defaults: Array<[string, string]> = [['Host', url.host], ...Object.entries(withDefaults({}, call))];
    const lines = [...call.headerLines, ...defaults.filter(([n]) => !given.has(n.toLowerCase()))];
    this.guard(method, url, lines, call);
    return inStep(`${method} ${relativeForTitle(url, call.target)}`, () => this.politely(`${method} ${describePath(url)}`, () => this.rawOnce(method, url, target, lines, call)));
  }

  private async rawOnce(method: string, url: URL, target: string, lines: Array<[string, string]>, call: RawCall): Promise<Reply> {
    this.options.onRequest?.();
    const started = Date.now();
    try {
      const { status, rawHeaders, body } = await rawRequest(url, target, method, lines, call.json !== undefined ? JSON.stringify(call.json) : call.body, call.timeoutMs ?? 15_000, this.agentFor(url));
      const pairs: Array<{ name: string; value: string }> = [];
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push({ name: rawHeaders[i]!, value: rawHeaders[i + 1]! });
      const reply = toReply(status, pairs, body, url.href, Date.now() - started);
      await attachExchange(method, url, lines, call, reply, call.target);
      return reply;
    } catch (error) {
      throw scrub(error, `${method} ${describePath(url)}`);
    }
  }

  /**
   * SAFE-05: a 429 is the target asking for patience, not a verdict. Waits as told (or backs off)
   * and retries within the budget; past it, the test is skipped as "target rate-limited".
   */
  private async politely(what: string, attempt: () => Promise<Reply>): Promise<Reply> {
    const budget = this.options.rateLimitBudgetMs ?? 60_000;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let waited = 0;
    for (let i = 0; ; i++) {
      const reply = await attempt();
      if (reply.status !== 429) return reply;
      const wait = retryDelayMs(reply.headers['retry-after'], i, this.options.random);
      if (waited + wait > budget) {
        const reason = `target rate-limited: ${what} still got 429 after ${i + 1} attempt(s) over ${(waited / 1000).toFixed(1)} s (budget ${budget / 1000} s, CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS); not a contract violation`;
        (this.options.onRateLimited ?? skipAsRateLimited)(reason);
      }
      await sleep(wait);
      waited += wait;
    }
  }

  dispose(): void {
    this.agent?.destroy();
  }

  private agentFor(url: URL): http.Agent | undefined {
    if (url.protocol !== 'https:') return undefined;
    this.agent ??= new https.Agent({ keepAlive: true, maxSockets: 16 });
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

  /** SAFE-02 and SAFE-03: refuse before anything leaves the process. */
  private guard(method: string, url: URL, headers: Array<[string, string]>, call: Call | RawCall): void {
    const texts = [url.href, decodeSafe(url.href), ...headers.map(([n, v]) => `${n}: ${v}`), call.body ?? '', call.json !== undefined ? JSON.stringify(call.json) : ''];
    const carriesKey = this.options.configuredKeys.some((key) => key && texts.some((t) => t.includes(key)));
    if (!carriesKey) return;
    if (url.protocol !== 'https:') {
      throw new GuardError(`Refused: a configured key would travel over plain HTTP (${method} ${url.protocol}//${url.host}). Only throwaway keys may be sent there.`);
    }
    if (url.host !== this.base.host) {
      throw new GuardError(`Refused: a configured key would go to ${url.host}, not the configured target ${this.base.host}.`);
    }
    const rel = relativePath(url, this.base);
    const spend = SPENDING.find((s) => s.method === method && s.path.test(rel));
    if (spend) {
      throw new GuardError(`Refused: ${spend.what}; the suite never sends it with a configured key, whatever a spec asks.`);
    }
  }
}

/** `Accept: application/json` always, and `Content-Type: application/json` with a JSON body, unless given. */
function withDefaults(headers: Record<string, string>, call: Call | RawCall): Record<string, string> {
  const has = (name: string): boolean => Object.keys(headers).some((n) => n.toLowerCase() === name);
  return {
    ...headers,
    ...(has('accept') ? {} : { Accept: 'application/json' }),
    ...(call.json !== undefined && !has('content-type') ? { 'Content-Type': 'application/json' } : {}),
  };
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

/** Path below the base path, percent-decoded and normalised, for the spending check. */
function relativePath(url: URL, base: URL): string {
  let path = decodeSafe(url.pathname).toLowerCase().replace(/\/{2,}/g, '/');
  const basePath = decodeSafe(base.pathname).toLowerCase();
  if (path.startsWith(basePath)) path = path.slice(basePath.length);
  return path.replace(/^\/+|\/+$/g, '');
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
    const req = mod.request({ ...urlToHttpOptions(url), path: target, method, agent, timeout: timeoutMs, setHost: false });
    // appendHeader keeps repeated names as separate lines, in the order given per name.
    for (const [name, value] of lines) req.appendHeader(name, value);
    // Node upper-cases the method it is given; the header block is built only at end(), so the
    // method set here is the one on the wire.
    req.method = method;
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
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

/** Attaches a redacted transcript of one exchange to the running test, if there is one. */
async function attachExchange(method: string, url: URL, headers: Array<[string, string]>, call: Call | RawCall, reply: Reply, target?: string): Promise<void> {
  let info: ReturnType<typeof test.info>;
  try {
    info = test.info();
  } catch {
    return;
  }
  const sent = [`→ ${method} ${target === undefined ? url.href : `${url.origin}${target}`}`, ...headers.map(([n, v]) => `${n}: ${printable(v)}`)];
  const payload = call.json !== undefined ? JSON.stringify(call.json) : call.body;
  if (payload !== undefined) sent.push('', payload);
  const transcript = redactor.redact(exchangeText(sent, answerLines(`← ${reply.status} (${reply.ms} ms)`, reply.headers, reply.text)));
  await info.attach(`${method} ${relativeForTitle(url, target)} → ${reply.status}`, { body: transcript, contentType: 'text/plain' });
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
