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
 * - the run's request cap (SAFE-05).
 * Playwright's APIRequestContext cannot give these: it buffers and decompresses whole bodies before
 * any check, keeps a cookie jar, and its timeout ends only the wait for the call (docs/pitfalls.md).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { urlToHttpOptions } from 'node:url';
import zlib from 'node:zlib';
import { decodeSafe } from '../decode-safe';
import { COOKIE_CHECK_HEADER } from './cookies';
import type { RequestCap } from './request-ledger';
import { keyedRequestRefusal, type KeyedAllowlist } from './spend-guard';

/** The most decoded body bytes read from one answer (SAFE-08); past it the check that asked fails. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Decoded bytes per received byte past which an answer is a compression bomb, judged once this much is decoded. */
const MAX_EXPANSION = 200;
const EXPANSION_FLOOR_BYTES = 64 * 1024;
/** One exchange's deadline when the caller gives none. */
const DEFAULT_DEADLINE_MS = 15_000;

export type HeaderLines = Array<[string, string]>;

export class GuardError extends Error {
  override name = 'GuardError';
}

/**
 * Why an exchange produced no answer to judge, or an answer that is itself a failure. `unreachable`
 * and `deadline` leave a check not judged; the others are the target's doing and fail it.
 */
export type EgressFailure = 'unreachable' | 'deadline' | 'run-deadline' | 'request-cap' | 'certificate' | 'too-large' | 'malformed';

export class EgressError extends Error {
  override name = 'EgressError';
  constructor(
    readonly kind: EgressFailure,
    message: string,
    /** Node's error code, when there was one (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
    readonly code = '',
    /** Whether a connection was made before it failed. */
    readonly connected = false,
  ) {
    super(message);
  }
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
}

export interface WireRequest {
  method: string;
  /** Where it goes: the origin, and the path the guards read when no verbatim target is given. */
  url: URL;
  /** The request-target byte for byte (`/v1//balance`); default the URL's path and query. */
  target?: string;
  /** Every field, in order, names as given; a name may repeat. Host is not added: give it. */
  headerLines: HeaderLines;
  body?: string;
  /** This exchange's wall-clock deadline; capped by the run's. */
  deadlineMs?: number;
  /** Called once the guards and the cap have let it go, as it leaves: what the run's request count counts. */
  onSent?: () => void;
}

export interface WireAnswer {
  status: number;
  /** Name, value, name, value, ... as received. */
  rawHeaders: string[];
  /** The decoded body, at most MAX_BODY_BYTES. */
  body: Buffer;
  /** Every header field that went on the wire, Node's own included. */
  sent: HeaderLines;
  ms: number;
}

export class Egress {
  private readonly base: URL;
  private readonly ca: string[];
  private agent?: https.Agent;

  constructor(private readonly options: EgressOptions) {
    this.base = new URL(options.baseUrl);
    this.ca = trustedCas(options.caPem);
  }

  /** Sends one request and reads its answer within the deadline and the size limit; refuses before sending what a guard forbids. */
  async exchange(request: WireRequest): Promise<WireAnswer> {
    this.guard(request);
    const what = `${request.method} ${request.url.pathname}`;
    const deadlineMs = this.deadlineFor(request, what);
    const cap = this.options.requestCap;
    if (cap && !cap.claim()) {
      throw new EgressError('request-cap', `request cap reached: the run already sent ${cap.max} requests (CARDPLUSPAY_MAX_REQUESTS), so ${what} was not sent`);
    }
    return send(request, deadlineMs.ms, deadlineMs.why, request.url.protocol === 'https:' ? { ca: this.ca, agent: this.agentFor() } : {});
  }

  /** One TLS handshake to the target's origin with these options, within a deadline; the certificate is always verified. */
  handshake(options: HandshakeOptions = {}): Promise<HandshakeResult> {
    const { ms } = this.deadlineFor({ deadlineMs: options.timeoutMs ?? 10_000 }, 'a TLS handshake');
    return handshake(this.base, this.ca, { ...options, timeoutMs: ms });
  }

  dispose(): void {
    this.agent?.destroy();
  }

  private agentFor(): https.Agent {
    this.agent ??= new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: true });
    return this.agent;
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
      throw new GuardError('Refused: NODE_TLS_REJECT_UNAUTHORIZED=0 would switch certificate checks off for this request. Unset it; trust a private CA with CARDPLUSPAY_CA_FILE.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new GuardError(`Refused: the suite speaks only https: and http: (got ${url.protocol}).`);
    const names = headerLines.map(([n]) => n.toLowerCase());
    if (names.includes('cookie') && !names.includes(COOKIE_CHECK_HEADER.toLowerCase())) {
      throw new GuardError('Refused: a Cookie header goes out only from a check that names itself (deliberateCookie() in helpers/client/cookies.ts), so an ambient cookie can be told from a chosen one (SAFE-06).');
    }
    const target = request.target ?? `${url.pathname}${url.search}`;
    const texts = [url.href, target, decodeSafe(target), ...headerLines.map(([n, v]) => `${n}: ${v}`), request.body ?? ''];
    const carriesKey = this.options.configuredKeys.some((key) => key && texts.some((t) => t.includes(key)));
    if (!carriesKey) return;
    if (url.protocol !== 'https:') {
      throw new GuardError(`Refused: a configured key would travel over plain HTTP (${method} ${url.protocol}//${url.host}). Only throwaway keys may be sent there.`);
    }
    if (url.host !== this.base.host) {
      throw new GuardError(`Refused: a configured key would go to ${url.host}, not the configured target ${this.base.host}.`);
    }
    const refusal = keyedRequestRefusal({ method, target, headers: headerLines }, { ...this.options.keyedAllowlist, base: this.base, keys: this.options.configuredKeys });
    if (refusal) throw new GuardError(`Refused: ${refusal}; the suite never sends it with a configured key, whatever a spec asks (SAFE-03).`);
  }
}

/**
 * Node's root store plus the configured CA: the only trust the suite has. Given explicitly, so
 * NODE_EXTRA_CA_CERTS (which Node adds to its default store) widens nothing unseen: a private CA
 * is trusted only through CARDPLUSPAY_CA_FILE.
 */
function trustedCas(caPem: string | undefined): string[] {
  return caPem ? [...tls.rootCertificates, caPem] : [...tls.rootCertificates];
}

/** The decoders of the codings a target may apply (RFC 9110 8.4.1), applied last first. */
function decoderFor(coding: string): NodeJS.ReadWriteStream | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      // identity, or a coding this suite cannot read: the bytes are judged as they came.
      return undefined;
  }
}

function send(request: WireRequest, deadlineMs: number, deadlineWhy: string, tlsOptions: { ca?: string[]; agent?: http.Agent }): Promise<WireAnswer> {
  const { url, method } = request;
  const started = Date.now();
  return new Promise<WireAnswer>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request({
      ...urlToHttpOptions(url),
      path: request.target ?? `${url.pathname}${url.search}`,
      method,
      agent: tlsOptions.agent ?? false,
      setHost: false,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: true, ca: tlsOptions.ca, servername: net.isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname } : {}),
    });
    /** The answer's decoders, stopped with the socket: a bomb's decoder must not go on inflating. */
    const decoders: NodeJS.ReadWriteStream[] = [];
    const finish = (error: EgressError | undefined, answer?: WireAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        for (const d of decoders) (d as unknown as { destroy(): void }).destroy();
        reject(error);
      } else resolve(answer!);
    };
    // The whole exchange, not a silence: a byte a second resets an idle timer but not this one.
    const timer = setTimeout(() => finish(new EgressError('deadline', deadlineWhy, 'DEADLINE', connected)), deadlineMs);
    // appendHeader keeps repeated names as separate lines, in the order given.
    for (const [name, value] of request.headerLines) req.appendHeader(name, value);
    // Node upper-cases the method it is given; the head is built only at end(), so this one goes out.
    req.method = method;
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(networkError(error, connected)));
    req.on('response', (res) => {
      const codings = (res.headers['content-encoding'] ?? '')
        .split(',')
        .map((c) => c.trim().toLowerCase())
        .filter((c) => c && c !== 'identity');
      decoders.push(
        ...[...codings]
          .reverse()
          .map(decoderFor)
          .filter((d): d is NodeJS.ReadWriteStream => d !== undefined),
      );
      const chunks: Buffer[] = [];
      let rawBytes = 0;
      let decoded = 0;
      res.on('data', (c: Buffer) => (rawBytes += c.length));
      let body: NodeJS.ReadableStream = res;
      for (const d of decoders) body = body.pipe(d);
      const fail = (e: unknown): void =>
        finish(new EgressError('malformed', `${method} ${url.pathname}: the answer's body could not be read (${codings.join(', ') || 'identity'}): ${(e as Error).message}`, (e as NodeJS.ErrnoException).code ?? '', true));
      for (const d of decoders) d.on('error', fail);
      res.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e, true)));
      res.on('close', () => {
        if (!res.complete) finish(new EgressError('unreachable', 'connection reset: the answer ended before its body was complete', 'ECONNRESET', true));
      });
      body.on('data', (c: Buffer) => {
        decoded += c.length;
        if (decoded > MAX_BODY_BYTES) {
          finish(tooLarge(method, url, `more than ${MAX_BODY_BYTES} bytes of body${codings.length ? ` decoded from ${rawBytes} received (${codings.join(', ')})` : ''}`));
          return;
        }
        if (codings.length && decoded > EXPANSION_FLOOR_BYTES && decoded > rawBytes * MAX_EXPANSION) {
          finish(tooLarge(method, url, `a ${codings.join(', ')} body that expands more than ${MAX_EXPANSION} times (${decoded} bytes from ${rawBytes}): a compression bomb`));
          return;
        }
        chunks.push(c);
      });
      body.on('end', () => finish(undefined, { status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), sent: sentLines(req, request.headerLines), ms: Date.now() - started }));
    });
    request.onSent?.();
    req.end(request.body);
  });
}

function tooLarge(method: string, url: URL, what: string): EgressError {
  return new EgressError('too-large', `${method} ${url.pathname}: the answer has ${what}; it was not read further (SAFE-08: bounded work whatever the target sends)`, 'BODY_TOO_LARGE', true);
}

/** The header fields Node put on the wire: its serialised head when it shows it, else the lines given. */
function sentLines(req: http.ClientRequest, given: HeaderLines): HeaderLines {
  const head = (req as unknown as { _header?: unknown })._header;
  if (typeof head !== 'string') return given;
  return head
    .split('\r\n')
    .slice(1)
    .filter((l) => l.includes(':'))
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()];
    });
}

/** Node's words for a certificate that does not verify (TLS-01 failing), not a network failure. */
const CERTIFICATE = /CERT_|certificate|self[- ]signed|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i;

const UNREACHABLE: ReadonlyArray<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/, 'DNS lookup failed'],
  [/EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN/, 'host unreachable'],
  [/ECONNRESET|socket hang up|EPIPE/, 'connection reset'],
  [/ERR_OFF_MACHINE_REFUSED/, 'refused: the connection would leave this machine'],
  [/before secure TLS connection|EPROTO|ERR_SSL_|SSL routines|handshake/i, 'TLS failure before any answer'],
];

/** A failed request in words: a certificate that does not verify, a network failure, or a head Node could not parse. */
function networkError(error: NodeJS.ErrnoException, connected: boolean): EgressError {
  const code = error.code ?? '';
  const text = `${code} ${error.message}`;
  if (CERTIFICATE.test(text)) return new EgressError('certificate', `the certificate does not verify: ${error.message}${code ? ` (${code})` : ''}`, code, connected);
  if (code.startsWith('HPE_')) return new EgressError('malformed', `the answer is not valid HTTP/1.1 (${code}: ${error.message})`, code, true);
  const reason = UNREACHABLE.find(([pattern]) => pattern.test(text))?.[1];
  return new EgressError('unreachable', reason ?? `${error.message}${code ? ` (${code})` : ''}`, code, connected);
}

export interface HandshakeOptions {
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  timeoutMs?: number;
}

export interface PeerCertificate {
  subject: string;
  issuer: string;
  validTo: string;
  altNames: string;
  fingerprint256: string;
}

export type HandshakeResult =
  | { ok: true; protocol: string; cipher: string; peer: PeerCertificate }
  | {
      ok: false;
      /** Node's code: ERR_SSL_…, a certificate error such as DEPTH_ZERO_SELF_SIGNED_CERT, ECONNRESET, or TIMEOUT. */
      code: string;
      message: string;
      /** The protocol the handshake had settled on when it failed, if it got that far. */
      protocol?: string;
      /** The certificate that failed verification, when Node names it (a host name it does not hold). */
      peer?: PeerCertificate;
    };

/**
 * One TLS handshake, certificate and host name verified (rejectUnauthorized is fixed to true), SNI
 * sent when the host is a name, within a wall-clock deadline. Resolves with what happened; never
 * throws for a network outcome.
 */
function handshake(url: URL, ca: string[] | undefined, options: HandshakeOptions): Promise<HandshakeResult> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      // RFC 6066 forbids an IP address as server name; Node then checks the IP against the certificate.
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
      ca,
      rejectUnauthorized: true,
      ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    });
    const done = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'TIMEOUT', message: `no handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done({
        ok: true,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: socket.getCipher().name,
        peer: peerOf(cert),
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException & { cert?: tls.PeerCertificate }) =>
      done({ ok: false, code: err.code ?? 'UNKNOWN', message: err.message.split('\n')[0]!, protocol: socket.getProtocol() ?? undefined, ...(err.cert?.subject ? { peer: peerOf(err.cert) } : {}) }),
    );
    socket.once('close', () => done({ ok: false, code: 'ECONNRESET', message: 'the connection closed before the handshake finished' }));
  });
}

function peerOf(cert: tls.PeerCertificate): PeerCertificate {
  return { subject: nameOf(cert.subject), issuer: nameOf(cert.issuer), validTo: cert.valid_to, altNames: cert.subjectaltname ?? '', fingerprint256: cert.fingerprint256 };
}

function nameOf(n: tls.Certificate | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}
