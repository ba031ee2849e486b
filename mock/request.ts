/**
 * The request as the mock's routes see it: method, pathname, query, headers and a bounded body.
 * Reading is kept apart from routing so that routes stay synchronous functions of this value.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export interface ApiRequest {
  method: string;
  /** Pathname only; the query never travels with it (the journal relies on that). */
  path: string;
  /** The request-target as received, before any parsing: the spelling an exact-match auth layer sees. */
  target: string;
  /** The request line's HTTP version as received (`1.1`, `1.0`); absent where no request line was parsed. */
  httpVersion?: string;
  query: URLSearchParams;
  /** Node's view: names lower-cased, OWS trimmed, repeated fields joined with ", ". */
  headers: IncomingHttpHeaders;
  /** As received, for the faults that care about the spelling of a name. */
  rawHeaders: readonly string[];
  body: Buffer;
}

export const BODY_LIMIT_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const SIMPLE_PATH = /^\/[A-Za-z0-9_\-/]*$/;

export function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const raw = target ?? '/';
  // Nothing for the URL parser to normalise or decode: the common case, without a URL object.
  if (SIMPLE_PATH.test(raw)) return { path: raw, query: new URLSearchParams() };
  try {
    // Prefixing an origin keeps "//x" a path; new URL(raw, base) would read it as a host.
    const url = raw.startsWith('/') ? new URL(`http://mock${raw}`) : new URL(raw);
    return { path: url.pathname, query: url.searchParams };
  } catch {
    const cut = raw.indexOf('?');
    return { path: cut === -1 ? raw : raw.slice(0, cut), query: new URLSearchParams() };
  }
}

/** `body` is everything read; when `tooLarge`, only what came before the limit was passed. */
export interface BodyOutcome {
  body: Buffer;
  tooLarge: boolean;
}

/**
 * Collects the body up to `limit` bytes. Past the limit it stops collecting and resolves at once,
 * so the caller can answer 413 while Node discards the rest of the upload; nothing is buffered
 * beyond the limit. Rejects when the client goes away mid-body.
 */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<BodyOutcome> {
  const known = bodyFromHead(req, limit);
  return known ? Promise.resolve(known) : collectBody(req, limit);
}

/**
 * The outcome when the head alone decides it: no body, or one declared too large; undefined when
 * the body must be read. Lets the mock answer most requests in the same turn as their head arrived.
 */
export function bodyFromHead(req: IncomingMessage, limit = BODY_LIMIT_BYTES): BodyOutcome | undefined {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return { body: EMPTY, tooLarge: true };
  // Neither Content-Length nor Transfer-Encoding: no body (RFC 9112 6.3), nothing to wait for.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return { body: EMPTY, tooLarge: false };
  return undefined;
}

/** Reads a body the head announced; see readBody. */
function collectBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve({ body: Buffer.concat(chunks), tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: false }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('client closed the connection before the body ended'));
    });
  });
}
