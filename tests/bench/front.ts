/**
 * The remote sections' stand-in for a distant deployment: a local HTTPS front (node:https) in front
 * of a mock that forwards every request as it came (method, raw path, header lines in order with
 * their case and repeats, body) and every answer as it came back (status, reason, header lines,
 * body), minus the hop-by-hop fields of RFC 9110 7.6.1, which belong to each connection. It can add
 * a fixed latency before forwarding a request, and a token-bucket rate limit shared by every
 * connection that answers `429` with `Retry-After: 1` and the API's envelope past the limit.
 */
import type http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface FrontOptions {
  /** The mock's HTTPS base URL: the front forwards to its origin. */
  upstream: string;
  /** The certificate and key the front serves, and the CA that verifies the mock. */
  tls: { certPem: string; keyPem: string; caPem: string };
  /** Added to every request before it is forwarded. */
  latencyMs: number;
  /** Requests per second across all connections (burst as many); unset: no limit. */
  ratePerSecond?: number;
}

export interface Front {
  /** The front's base URL: the mock's path on the front's origin. */
  baseUrl: string;
  /** Requests received, and how many of them got the front's own 429. */
  counts: { requests: number; limited: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
/** As the mock keeps idle connections (mock/listeners.ts): a reuse racing Node's 5 s close is a reset. */
const KEEP_ALIVE_MS = 75_000;
const LIMITED_BODY = JSON.stringify({ success: false, message: 'rate limited', data: null });

/** Raw header lines without the hop-by-hop ones; a body that was chunked gets its length instead. */
function endToEnd(raw: readonly string[], body?: Buffer): string[] {
  const out: string[] = [];
  let chunked = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'transfer-encoding') chunked = true;
    if (!HOP_BY_HOP.has(name)) out.push(raw[i]!, raw[i + 1]!);
  }
  if (chunked && body) out.push('Content-Length', String(body.length));
  return out;
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A token bucket of `rate` tokens a second, holding at most `rate`; take() says whether one was there. */
function tokenBucket(rate: number): { take: () => boolean } {
  let tokens = rate;
  let at = performance.now();
  return {
    take: () => {
      const now = performance.now();
      tokens = Math.min(rate, tokens + ((now - at) / 1000) * rate);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const upstream = new URL(options.upstream);
  const agent = new https.Agent({ keepAlive: true, ca: options.tls.caPem });
  const bucket = options.ratePerSecond ? tokenBucket(options.ratePerSecond) : undefined;
  const counts = { requests: 0, limited: 0 };
  const forward = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    counts.requests++;
    if (bucket && !bucket.take()) {
      counts.limited++;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end(LIMITED_BODY);
      return;
    }
    const [body] = await Promise.all([readBody(req), delay(options.latencyMs)]);
    const request = https.request({
      agent,
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.rawHeaders, body),
    });
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve).once('error', reject).end(body);
    });
    const answerBody = await readBody(answer);
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders, req.method === 'HEAD' ? undefined : answerBody));
    res.end(answerBody);
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    forward(req, res).catch(() => res.destroy());
  };
  const server = https.createServer({ keepAlive: true, requireHostHeader: false, key: options.tls.keyPem, cert: options.tls.certPem }, handler);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // An Expect other than 100-continue is the mock's to answer, not Node's bare 417.
  server.on('checkExpectation', handler);
  await new Promise<void>((resolve) => server.listen(0, upstream.hostname, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: new URL(upstream.pathname, `https://${upstream.hostname}:${port}`).href,
    counts,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
