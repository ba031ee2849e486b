/**
 * The one egress: every byte the suite sends to a target and every byte it reads back passes here,
 * the preflight and the plain-HTTP probe included. So the guarantees live here, not in the places
 * that call it (issue 17):
 * - a wall-clock deadline for the whole exchange (connect, handshake, head, body), capped by the
 *   run's own end: no idle timer, which a target sending one byte a second would reset forever;
 * - bounded reading: at most MAX_BODY_BYTES of decoded body, whatever Content-Encoding says, read
 *   through a streaming decoder that stops there (and at an absurd expansion ratio), so a
 *   compression bomb costs a megabyte, not gigabytes (SAFE-08);
 * - TLS verified against Node's roots plus the configured CA, `rejectUnauthorized` fixed to true;
 * - no cookie jar at all, and a Cookie header only from a check that names itself (SAFE-06);
 * - configured keys only over HTTPS, only to the configured host, and only on the documented
 *   non-spending endpoints, byte for byte (SAFE-02, SAFE-03);
 * - the run's request cap (SAFE-05);
 * - the run's flow control: how many requests are in flight across all workers, and one pause and
 *   pace for the whole run after a 429 or 503 (flow/pacer.ts, issue 20).
 * The exchange itself is wire.ts's and the TLS handshakes handshake.ts's; both take their deadline
 * and trust from here. Playwright's APIRequestContext cannot give these: it buffers and decompresses whole bodies before
 * any check, keeps a cookie jar, and its timeout ends only the wait for the call (docs/pitfalls.md).
 */
import https from 'node:https';
import { decodeSafe } from '../contract/decode-safe';
import { COOKIE_CHECK_HEADER } from '../contract/cookie-check';
import { handshake, type HandshakeOptions, type HandshakeResult } from './handshake';
import { KeyTraces } from './key-traces';
import type { RequestCap } from './request-ledger';
import { keyedRequestRefusal, type KeyedAllowlist } from './spend-guard';
import { EgressError, send, type WireAnswer, type WireRequest, type WireTls } from './wire';
import type { Flow } from './flow/flow';
import { TurnQueue, type LiveChallenges, type Turn, type TurnOptions, type Turns } from './flow/turns';
import { trustContext } from './trust';
import { Pacer, Refused, type Grant, type Outcome } from './flow/pacer';

/** One exchange's deadline when the caller gives none. */
const DEFAULT_DEADLINE_MS = 15_000;

export class GuardError extends Error {
  override name = 'GuardError';
}

export interface EgressOptions {
  /** The configured target: configured keys go nowhere else. */
  baseUrl: string;
  /** Every configured secret that can travel in a request (the keys). */
  configuredKeys: readonly string[];
  /** The configured challenge endpoint, the one route of the key allowlist the settings give (SAFE-03); unset, none. */
  keyedAllowlist?: Pick<KeyedAllowlist, 'challenge'>;
  /** PEM of CAs to trust besides Node's root store (CARDPLUSPAY_CA_FILE, the embedded mock's CA). */
  caPem?: string;
  /** The run's request cap, shared by every worker; unset means none. */
  requestCap?: RequestCap;
  /** Epoch ms at which the run's checks must have ended (CARDPLUSPAY_TIMEOUT_SECONDS less the time for reports). */
  runDeadline?: number;
  /** The run's flow control (flow/flow.ts), with the target's turns at signing (flow/turns.ts); unset, this egress's own, DEFAULT_IN_FLIGHT at a time. */
  flow?: Flow & Partial<Turns>;
}

/** Requests in flight for an egress given no flow control (a unit test's): CARDPLUSPAY_CONCURRENCY's default. */
const DEFAULT_IN_FLIGHT = 8;

export class Egress {
  private readonly base: URL;
  private agent?: https.Agent;
  private readonly flow: Flow;
  private readonly turns: Turns;

  /**
   * The configured keys in every form a request may carry them (key-traces.ts): a key sent as Base64
   * in `Authorization: Basic`, percent-encoded, in another case, or one character off (AUTH-05's
   * near-misses) still makes a request a keyed one.
   */
  private readonly keyTraces: KeyTraces;

  constructor(private readonly options: EgressOptions) {
    this.base = new URL(options.baseUrl);
    this.keyTraces = new KeyTraces(options.configuredKeys);
    this.flow = options.flow ?? new Pacer(DEFAULT_IN_FLIGHT);
    const flow = options.flow;
    this.turns = flow?.takeTurn && flow.giveTurn ? (flow as Turns) : new TurnQueue();
  }

  /** A turn at the target's request signing, held across the run's workers (flow/turns.ts). */
  takeTurn(options?: TurnOptions): Promise<Turn> {
    return this.turns.takeTurn(options);
  }

  giveTurn(turn: Turn, found?: LiveChallenges): void {
    this.turns.giveTurn(turn, found);
  }

  /** Sends one request and reads its answer within the deadline and the size limit; refuses before sending what a guard forbids. */
  async exchange(request: WireRequest): Promise<WireAnswer> {
    this.guard(request);
    const what = `${request.method} ${request.url.pathname}`;
    const grant = await this.slot(request, what);
    let outcome: Outcome = {};
    try {
      const deadlineMs = this.deadlineFor(request, what);
      const cap = this.options.requestCap;
      if (cap && !cap.claim()) {
        throw new EgressError(
          'request-cap',
          `request cap reached: the run already sent ${cap.max} requests (CARDPLUSPAY_MAX_REQUESTS), so ${what} was not sent`,
        );
      }
      const answer = await send(request, deadlineMs.ms, deadlineMs.why, request.url.protocol === 'https:' ? this.tlsFor() : {});
      // Only the target's own answers teach the run's pause and pace: a 503 from its plain-HTTP port (TLS-02) speaks of that port.
      if (request.url.origin === this.base.origin) outcome = { status: answer.status, retryAfter: retryAfterOf(answer.rawHeaders) };
      return answer;
    } finally {
      this.flow.release(grant, outcome);
    }
  }

  /** Waits for the run's flow control to let the request go; a wait past its use, or the run's end, is a "paused" failure. */
  private async slot(request: WireRequest, what: string): Promise<Grant> {
    const notAfter = Math.min(request.notAfter ?? Infinity, this.options.runDeadline ?? Infinity);
    try {
      return await this.flow.acquire({
        burst: request.together,
        notAfter: Number.isFinite(notAfter) ? notAfter : undefined,
        expires: request.expires && request.notAfter !== undefined,
      });
    } catch (error) {
      if (error instanceof Refused) throw new EgressError('paused', `${error.message} (${what} was not sent)`, 'PAUSED');
      throw error;
    }
  }

  /** One TLS handshake to the target's origin with these options, within a deadline; the certificate is always verified. */
  handshake(options: HandshakeOptions = {}): Promise<HandshakeResult> {
    let ms: number;
    try {
      ms = this.deadlineFor({ deadlineMs: options.timeoutMs ?? 10_000 }, 'a TLS handshake').ms;
    } catch (error) {
      if (!(error instanceof EgressError)) throw error;
      return Promise.resolve({ ok: false, code: 'RUN_DEADLINE', message: error.message });
    }
    return handshake(this.base, this.options.caPem, { ...options, timeoutMs: ms });
  }

  dispose(): void {
    this.agent?.destroy();
  }

  private tlsFor(): WireTls {
    this.agent ??= new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: true });
    // Every connection of the agent shares the process's one context for this trust.
    return { secureContext: trustContext(this.options.caPem), agent: this.agent };
  }

  /** The exchange's deadline: its own, or what is left of the run's when that comes first. */
  private deadlineFor(request: Pick<WireRequest, 'deadlineMs'>, what: string): { ms: number; why: string } {
    const own = request.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const runEnd = this.options.runDeadline;
    if (runEnd === undefined || Date.now() + own <= runEnd) return { ms: own, why: `no complete answer within ${own / 1000} s` };
    const left = runEnd - Date.now();
    if (left <= 0) throw new EgressError('run-deadline', `the run's time limit (CARDPLUSPAY_TIMEOUT_SECONDS) was reached before ${what} could be sent`);
    return { ms: left, why: `the run's time limit (CARDPLUSPAY_TIMEOUT_SECONDS) was reached while waiting for ${what}` };
  }

  /** SAFE-02, SAFE-03, SAFE-04, SAFE-06: refuse before anything leaves the process. */
  private guard(request: WireRequest): void {
    const { url, method, headerLines } = request;
    // Checked at every request, not only at start: Node honours the variable whenever it is set.
    if (url.protocol === 'https:' && process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
      throw new GuardError(
        'Refused: NODE_TLS_REJECT_UNAUTHORIZED=0 would switch certificate checks off for this request. Unset it; trust a private CA with CARDPLUSPAY_CA_FILE.',
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GuardError(`Refused: the suite speaks only https: and http: (got ${url.protocol}).`);
    if (url.username || url.password)
      throw new GuardError('Refused: a URL with user:password, which Node would send as an Authorization header no check chose.');
    const names = headerLines.map(([n]) => n.toLowerCase());
    if (names.includes('cookie') && !names.includes(COOKIE_CHECK_HEADER.toLowerCase())) {
      throw new GuardError(
        'Refused: a Cookie header goes out only from a check that names itself (deliberateCookie() in helpers/client/cookies.ts), so an ambient cookie can be told from a chosen one (SAFE-06).',
      );
    }
    const target = request.target ?? `${url.pathname}${url.search}`;
    // Origin-form, or the absolute form of the origin the connection goes to (AUTH-14): never a target naming another host.
    if (!target.startsWith('/') && !target.startsWith(`${url.origin}/`)) {
      throw new GuardError(`Refused: a request-target must be "/..." or the absolute form of the origin it is sent to (${url.origin}/...).`);
    }
    const texts = [url.href, target, decodeSafe(target), ...headerLines.map(([n, v]) => `${n}: ${v}`), request.body ?? ''];
    if (!this.keyTraces.carried(texts)) return;
    if (url.protocol !== 'https:') {
      throw new GuardError(
        `Refused: a configured key would travel over plain HTTP (${method} ${url.protocol}//${url.host}). Only throwaway keys may be sent there.`,
      );
    }
    if (url.host !== this.base.host) {
      throw new GuardError(`Refused: a configured key would go to ${url.host}, not the configured target ${this.base.host}.`);
    }
    const refusal = keyedRequestRefusal(
      { method, target, headers: headerLines, httpVersion: request.httpVersion },
      { ...this.options.keyedAllowlist, base: this.base, keys: this.options.configuredKeys },
    );
    if (refusal) throw new GuardError(`Refused: ${refusal}; the suite never sends it with a configured key, whatever a spec asks (SAFE-03).`);
  }
}

/** The answer's Retry-After, for the run's pause (the first one, as a check reads it). */
function retryAfterOf(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'retry-after') return rawHeaders[i + 1];
  return undefined;
}
