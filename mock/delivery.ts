/**
 * How an answer reaches the socket: written whole with its header fields, trickled (the
 * `trickle-head` delivery), or, for a request Node could not parse, an envelope written by hand.
 * Every route returns a Reply (envelope.ts); only these functions write one.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { JSON_TYPE, serverError, type Reply } from './envelope';

/** Header fields every answer of a transport carries (HSTS, cookies), beside the reply's own. */
export type Extras = Record<string, string | string[]>;

/** The header fields of an answer: a JSON type for a non-empty body (unless the reply names one), the reply's own, the extras, its length. */
function headerFields(reply: Reply, extras: Extras): Record<string, string | string[] | number> {
  const headers: Record<string, string | string[] | number> = {};
  if (reply.body.length > 0) headers['content-type'] = JSON_TYPE;
  Object.assign(headers, reply.headers, extras);
  headers['content-length'] = Buffer.byteLength(reply.body);
  return headers;
}

export function write(res: http.ServerResponse, reply: Reply, extras: Extras): void {
  if (res.headersSent || res.destroyed) return;
  const headers = headerFields(reply, extras);
  try {
    res.writeHead(reply.status, headers);
  } catch {
    // A header value Node refuses to send (only a reply echoing the request can carry one).
    const fallback = serverError();
    res.writeHead(fallback.status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(fallback.body) });
    res.end(fallback.body);
    return;
  }
  res.end(reply.body);
}

/**
 * The `trickle-head` delivery: the answer's head goes to the socket one byte every `everyMs`, the
 * first at once, Node's writer bypassed. After the answer's own header lines comes a field whose
 * value never ends, so no head is ever complete, however long the client waits; the client's
 * wall-clock deadline is the only way out. The timer lives exactly as long as the socket: a client
 * that goes away, or the mock closing (closeAllConnections destroys the socket), stops it. It is
 * not unref'd: a leak would show (the unit test counts the process's timers), not hide.
 */
export function trickleHead(res: http.ServerResponse, reply: Reply, extras: Extras, everyMs: number): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  const lines = Object.entries(headerFields(reply, extras)).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${String(v)}\r\n`),
  );
  const head = Buffer.from(`HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? 'Unknown'}\r\n${lines.join('')}x-trickle: `, 'latin1');
  let sent = 0;
  const drip = (): void => {
    if (socket.destroyed) {
      clearInterval(timer);
      return;
    }
    socket.write(sent < head.length ? head.subarray(sent, sent + 1) : ENDLESS);
    sent += 1;
  };
  const timer = setInterval(drip, everyMs);
  socket.once('close', () => clearInterval(timer));
  drip();
}

/** What the endless header field's value is made of, one byte at a time. */
const ENDLESS = Buffer.from('.');

/** Requests Node cannot parse never reach a handler; they still get an envelope where a socket remains. */
export function refuseUnparsable(err: NodeJS.ErrnoException, socket: Duplex, sts: string | undefined): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ success: false, message: reason, data: {} });
  const stsLine = sts ? `Strict-Transport-Security: ${sts}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${stsLine}Connection: close\r\n\r\n${body}`,
  );
}
