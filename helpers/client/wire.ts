/**
 * One exchange on the wire (node:http and node:https), as the egress sends it: the request's header
 * fields exactly as listed, a wall-clock deadline over the whole exchange (connect, handshake, head,
 * body; an idle timer would let a target that sends one byte a second hang the run forever), and an
 * answer read through streaming decoders that stop at MAX_BODY_BYTES of decoded body and at an
 * absurd expansion, whatever Content-Encoding says (SAFE-08). Failures come back as EgressError,
 * with what went wrong in words. Only the egress (egress.ts) calls it: the guards live there.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type tls from 'node:tls';
import { urlToHttpOptions } from 'node:url';
import { http10Connection } from './http10';
import zlib from 'node:zlib';

/** The most decoded body bytes read from one answer (SAFE-08); past it the check that asked fails. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Decoded bytes per received byte past which an answer is a compression bomb, judged once this much is decoded. */
const MAX_EXPANSION = 200;
const EXPANSION_FLOOR_BYTES = 64 * 1024;
/** Content codings read on one answer (RFC 9110 allows a list; nobody honest stacks more than two). */
const MAX_CODINGS = 2;

export type HeaderLines = Array<[string, string]>;

/**
 * Why an exchange produced no answer to judge, or an answer that is itself a failure. `unreachable`
 * and `deadline` leave a check not judged; the others are the target's doing and fail it.
 */
export type EgressFailure = 'unreachable' | 'deadline' | 'run-deadline' | 'request-cap' | 'paused' | 'certificate' | 'too-large' | 'malformed';

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
  /** One of the copies of a burst meant to leave at once (SIGN-10's race): they wait out a pause and, under a pace, for room for all of them, but not for the concurrency limit (flow/pacer.ts). */
  together?: import('./flow/pacer').Burst;
  /** Epoch ms after which the request is no use to its check: waiting for a slot past it ends the check as not judged. */
  notAfter?: number;
  /** `notAfter` is when the request stops meaning anything (a challenge's expiry): no wait of any kind may pass it (flow/pacer.ts). */
  expires?: boolean;
  /** Called once the guards and the cap have let it go, as it leaves: what the run's request count counts. */
  onSent?: () => void;
  /**
   * `1.0` sends the request line as `HTTP/1.0` (AUTH-14: a front end may treat it differently), on
   * a connection of its own; HTTP/1.1 otherwise. Deadline, size limits and TLS trust are the same.
   */
  httpVersion?: '1.0';
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

/**
 * How an https exchange trusts: the egress passes one `secureContext` (trust.ts; a context per
 * connection cost milliseconds, and a `ca` option made the agent's pool key the whole root list);
 * an HTTP/1.0 exchange's connection of its own uses it too.
 */
export type WireTls = { ca?: string[]; secureContext?: tls.SecureContext; agent?: http.Agent };

const trustOf = (t: WireTls) => (t.secureContext ? { secureContext: t.secureContext } : { ca: t.ca });

export function send(request: WireRequest, deadlineMs: number, deadlineWhy: string, tlsOptions: WireTls): Promise<WireAnswer> {
  const { url, method } = request;
  const started = Date.now();
  return new Promise<WireAnswer>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request({
      ...urlToHttpOptions(url),
      // A URL's user:password would become an Authorization header no check chose (SAFE-06).
      auth: undefined,
      // Long enough for any honest head; a longer one is not read (SAFE-08).
      maxHeaderSize: 64 * 1024,
      path: request.target ?? `${url.pathname}${url.search}`,
      method,
      // Node's client writes only HTTP/1.1; an HTTP/1.0 request gets a connection of its own (no agent, never reused).
      ...(request.httpVersion === '1.0' ? { createConnection: () => http10Connection(url, trustOf(tlsOptions)) } : { agent: tlsOptions.agent ?? false }),
      setHost: false,
      ...(url.protocol === 'https:'
        ? { rejectUnauthorized: true, ...trustOf(tlsOptions), servername: net.isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname }
        : {}),
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
    req.on('response', (res) =>
      readAnswer(res, `${method} ${url.pathname}`, decoders, finish, (status, body) => ({
        status,
        rawHeaders: res.rawHeaders,
        body,
        sent: sentLines(req, request.headerLines),
        ms: Date.now() - started,
      })),
    );
    request.onSent?.();
    req.end(request.body);
  });
}

/**
 * Reads an answer's body through the decoders its Content-Encoding names (applied last first),
 * counting decoded bytes as they come: past MAX_BODY_BYTES, or past an absurd expansion, it stops
 * and fails (`finish` destroys the socket and the decoders), so a bomb costs a megabyte.
 */
function readAnswer(
  res: http.IncomingMessage,
  what: string,
  decoders: NodeJS.ReadWriteStream[],
  finish: (error: EgressError | undefined, answer?: WireAnswer) => void,
  answer: (status: number, body: Buffer) => WireAnswer,
): void {
  const codings = contentCodings(res);
  if (codings.length > MAX_CODINGS) {
    finish(
      new EgressError(
        'malformed',
        `${what}: the answer's body is wrapped in ${codings.length} content codings (${codings.slice(0, 5).join(', ')}…); more than ${MAX_CODINGS} is not read`,
        'TOO_MANY_CODINGS',
        true,
      ),
    );
    return;
  }
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
  watchStages(decoders, what, codings, finish);
  res.on('error', (e: NodeJS.ErrnoException) => finish(networkError(e, true)));
  res.on('close', () => {
    if (!res.complete) finish(new EgressError('unreachable', 'connection reset: the answer ended before its body was complete', 'ECONNRESET', true));
  });
  body.on('data', (c: Buffer) => {
    decoded += c.length;
    if (decoded > MAX_BODY_BYTES) {
      finish(tooLarge(what, `more than ${MAX_BODY_BYTES} bytes of body${codings.length ? ` decoded from ${rawBytes} received (${codings.join(', ')})` : ''}`));
    } else if (codings.length && decoded > EXPANSION_FLOOR_BYTES && decoded > rawBytes * MAX_EXPANSION) {
      finish(
        tooLarge(what, `a ${codings.join(', ')} body that expands more than ${MAX_EXPANSION} times (${decoded} bytes from ${rawBytes}): a compression bomb`),
      );
    } else chunks.push(c);
  });
  body.on('end', () => finish(undefined, answer(res.statusCode ?? 0, Buffer.concat(chunks))));
}

/** The content codings an answer names, in the order they were applied; identity left out. */
function contentCodings(res: http.IncomingMessage): string[] {
  return (res.headers['content-encoding'] ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
}

/**
 * Every decoding stage is held to the limit, not only the last: an inner layer may inflate to
 * gigabytes that an outer one then compresses away again (a nested bomb). A stage that cannot
 * decode fails the answer.
 */
function watchStages(
  decoders: readonly NodeJS.ReadWriteStream[],
  what: string,
  codings: readonly string[],
  finish: (error: EgressError | undefined, answer?: WireAnswer) => void,
): void {
  decoders.forEach((d, stage) => {
    if (stage === decoders.length - 1) return;
    let inner = 0;
    d.on('data', (c: Buffer) => {
      inner += c.length;
      if (inner > MAX_BODY_BYTES) finish(tooLarge(what, `a ${codings.join(', ')} body whose layer ${stage + 1} decodes to more than ${MAX_BODY_BYTES} bytes`));
    });
  });
  for (const d of decoders) {
    d.on('error', (e: NodeJS.ErrnoException) =>
      finish(new EgressError('malformed', `${what}: the answer's body could not be read (${codings.join(', ')}): ${e.message}`, e.code ?? '', true)),
    );
  }
}

function tooLarge(what: string, found: string): EgressError {
  return new EgressError(
    'too-large',
    `${what}: the answer has ${found}; it was not read further (SAFE-08: bounded work whatever the target sends)`,
    'BODY_TOO_LARGE',
    true,
  );
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
  if (CERTIFICATE.test(text))
    return new EgressError('certificate', `the certificate does not verify: ${error.message}${code ? ` (${code})` : ''}`, code, connected);
  if (code.startsWith('HPE_')) return new EgressError('malformed', `the answer is not valid HTTP/1.1 (${code}: ${error.message})`, code, true);
  const reason = UNREACHABLE.find(([pattern]) => pattern.test(text))?.[1];
  return new EgressError('unreachable', reason ?? `${error.message}${code ? ` (${code})` : ''}`, code, connected);
}
