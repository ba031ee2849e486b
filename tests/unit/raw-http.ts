/**
 * HTTP/1.1 over a raw socket, for input Node's own client refuses to send: invalid bytes in names
 * and values, broken framing, bodies cut short, requests written a byte at a time. Certificate
 * checks stay on (the mock's certificate is the trust anchor); TLS sessions are resumed so that
 * thousands of short connections stay cheap.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface Endpoint {
  host: string;
  port: number;
  /** Set for HTTPS: the PEM to trust. Unset: plain TCP. */
  ca?: string;
}

interface RawResponse {
  status: number;
  /** Lower-case names; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The server said it will close the connection after this answer. */
  close: boolean;
}

export type Outcome =
  | { kind: 'response'; response: RawResponse }
  /** The connection closed without a complete answer. */
  | { kind: 'closed'; partial: Buffer }
  | { kind: 'timeout'; partial: Buffer }
  /** Bytes that are not an HTTP/1.x answer. */
  | { kind: 'malformed'; partial: Buffer; why: string };

/** One request's bytes: head lines joined with CRLF, a blank line, then the body as given. */
export function rawRequest(requestLine: string | Buffer, headerLines: ReadonlyArray<string | Buffer>, body: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [toBytes(requestLine), CRLF];
  for (const line of headerLines) parts.push(toBytes(line), CRLF);
  parts.push(CRLF, body);
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');

function toBytes(value: string | Buffer): Buffer {
  // latin1 keeps every code unit below 256 as exactly one byte: the generators choose the bytes.
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

const sessions = new Map<string, Buffer>();

export class RawConnection {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    const finish = (): void => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', finish);
    socket.on('close', finish);
    // A reset or a write after the server hung up is an outcome here, not an exception.
    socket.on('error', finish);
  }

  /** Connects (and, for HTTPS, completes the handshake, verifying the certificate). */
  static open(endpoint: Endpoint): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const key = `${endpoint.host}:${endpoint.port}`;
      const onError = (error: Error): void => reject(error);
      let socket: net.Socket;
      if (endpoint.ca) {
        const secure = tls.connect({ host: endpoint.host, port: endpoint.port, ca: endpoint.ca, servername: 'localhost', session: sessions.get(key) }, () => {
          secure.off('error', onError);
          resolve(new RawConnection(secure));
        });
        secure.on('session', (session: Buffer) => sessions.set(key, session));
        socket = secure;
      } else {
        socket = net.connect({ host: endpoint.host, port: endpoint.port }, () => {
          socket.off('error', onError);
          resolve(new RawConnection(socket));
        });
      }
      socket.once('error', onError);
    });
  }

  get isOpen(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (!this.isOpen) return resolve();
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Half-closes: the server sees the end of the request stream. */
  end(): void {
    if (this.isOpen) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Waits for one final answer (interim 1xx answers are skipped). */
  async read(head: boolean, timeoutMs: number): Promise<Outcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.buffered, head, this.ended);
      if (parsed.kind === 'complete') {
        this.buffered = this.buffered.subarray(parsed.consumed);
        if (parsed.response.status >= 100 && parsed.response.status < 200) continue;
        return { kind: 'response', response: parsed.response };
      }
      if (parsed.kind === 'malformed') return { kind: 'malformed', partial: this.buffered, why: parsed.why };
      if (this.ended) return { kind: 'closed', partial: this.buffered };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout', partial: this.buffered };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }
}

type Parsed = { kind: 'complete'; response: RawResponse; consumed: number } | { kind: 'incomplete' } | { kind: 'malformed'; why: string };

const NO_BODY = new Set([204, 304]);

/** Parses one answer off the front of `bytes`: Content-Length, chunked, or (when `ended`) read-to-close. */
export function parseResponse(bytes: Buffer, head: boolean, ended: boolean): Parsed {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) return bytes.length > 64 * 1024 ? { kind: 'malformed', why: 'no end of head in 64 KiB' } : { kind: 'incomplete' };
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!statusLine) return { kind: 'malformed', why: `status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}` };
  const status = Number(statusLine[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'malformed', why: `header line ${JSON.stringify(line.slice(0, 80))}` };
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const close = /\bclose\b/i.test(headers.connection ?? '');
  const bodyStart = headEnd + 4;
  const done = (body: Buffer, consumed: number): Parsed => ({ kind: 'complete', response: { status, headers, body, close }, consumed });

  if (head || NO_BODY.has(status) || (status >= 100 && status < 200)) return done(Buffer.alloc(0), bodyStart);
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) return parseChunked(bytes, bodyStart, done);
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (!Number.isSafeInteger(length) || length < 0) return { kind: 'malformed', why: `content-length ${headers['content-length']}` };
    if (bytes.length < bodyStart + length) return { kind: 'incomplete' };
    return done(bytes.subarray(bodyStart, bodyStart + length), bodyStart + length);
  }
  return ended ? done(bytes.subarray(bodyStart), bytes.length) : { kind: 'incomplete' };
}

function parseChunked(bytes: Buffer, start: number, done: (body: Buffer, consumed: number) => Parsed): Parsed {
  const chunks: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd === -1) return { kind: 'incomplete' };
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return { kind: 'malformed', why: 'chunk size' };
    at = lineEnd + 2;
    if (size === 0) {
      // Either the blank line at once, or trailer fields ending in a blank line.
      if (bytes.length < at + 2) return { kind: 'incomplete' };
      if (bytes.subarray(at, at + 2).toString('latin1') === '\r\n') return done(Buffer.concat(chunks), at + 2);
      const trailerEnd = bytes.indexOf('\r\n\r\n', at);
      return trailerEnd === -1 ? { kind: 'incomplete' } : done(Buffer.concat(chunks), trailerEnd + 4);
    }
    if (bytes.length < at + size + 2) return { kind: 'incomplete' };
    chunks.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}

/** For failure messages: the first bytes, with anything unprintable escaped. */
export function printable(bytes: Buffer, max = 160): string {
  const text = bytes
    .subarray(0, max)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return bytes.length > max ? `${text}… (${bytes.length} bytes)` : text;
}
