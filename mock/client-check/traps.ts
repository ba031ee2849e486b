/**
 * The checker's traps, each a listener on loopback started only when asked for:
 * - the impostor (CLIENT-05): HTTPS with a certificate for the mock's names that does not chain
 *   to the printed CA. A client that verifies ends every connection before sending a request;
 * - the redirect trap (CLIENT-06): HTTPS the client trusts, answering every request with a 307,
 *   alternately to another origin (an HTTPS port of its own) and to plain HTTP (a port of its
 *   own), each of those a catcher that answers 421 to whatever arrives.
 * Every request they read goes to the checker as the API's do (`observe`).
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { tlsMaterial, type MockMaterial } from '../accounts';
import { write } from '../delivery';
import { fail, type Reply } from '../envelope';
import { closeAll, listenAll } from '../listeners';
import { readBody, type BodyOutcome } from '../request';
import { redirect } from '../plain-http';
import type { Port } from './arrival';
import type { Refusal } from './trap-rules';

/** What a trap tells the checker. */
export interface TrapSink {
  observe(port: Port, req: http.IncomingMessage, body: BodyOutcome, reply: Reply): void;
  refused(how: Refusal): void;
  connected(): void;
}

export interface Traps {
  impostorUrl?: string;
  trapUrl?: string;
  /**
   * Resolves once every connection to the impostor is judged: it carried a request, or it closed
   * without one (a refusal). Connections still undecided after SETTLE_WAIT_MS are given up on.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A key and a self-signed certificate for the mock's names that nothing the mock prints vouches
 * for: made like the mock's own, but a fresh key pair, so it chains to no printed CA.
 */
export function impostorTls(): Promise<MockMaterial['tls']> {
  return tlsMaterial();
}

/** How long a verdict waits at most for connections to the impostor that are still undecided. */
const SETTLE_WAIT_MS = 5_000;

const MISDIRECTED = (): Reply => fail(421, "Misdirected Request: this is a trap of the mock's client checker, not the API");

type Answer = (req: http.IncomingMessage) => Reply;

function handler(sink: TrapSink, port: Port, answer: Answer): http.RequestListener {
  return (req, res) => {
    readBody(req).then(
      (body) => {
        const reply = answer(req);
        sink.observe(port, req, body, reply);
        write(res, reply, {});
      },
      () => res.destroy(),
    );
  };
}

export interface TrapsAsked {
  /** Serve the impostor, with this certificate. */
  impostor?: MockMaterial['tls'];
  redirectTrap: boolean;
  /** How long settled() waits at most: SETTLE_WAIT_MS unless a test shortens it. */
  settleWaitMs?: number;
}

export async function startTraps(material: MockMaterial, sink: TrapSink, ask: TrapsAsked): Promise<Traps> {
  const servers: net.Server[] = [];
  let impostor: https.Server | undefined;
  let settled = (): Promise<void> => Promise.resolve();
  if (ask.impostor) {
    impostor = https.createServer({ key: ask.impostor.keyPem, cert: ask.impostor.certPem }, handler(sink, 'impostor', MISDIRECTED));
    settled = watchConnections(impostor, sink, ask.settleWaitMs ?? SETTLE_WAIT_MS);
    servers.push(impostor);
  }
  let origins: { origin: string; plain: string } | undefined;
  let trap: https.Server | undefined;
  if (ask.redirectTrap) {
    const tlsOptions = { key: material.tls.keyPem, cert: material.tls.certPem };
    let turn = 0;
    trap = https.createServer(
      tlsOptions,
      handler(sink, 'trap', (req) => {
        // Alternately, so that a client making two requests meets both kinds.
        turn += 1;
        return redirect307(`${turn % 2 === 1 ? origins!.origin : origins!.plain}${req.url?.startsWith('/') ? req.url : '/'}`);
      }),
    );
    servers.push(trap, https.createServer(tlsOptions, handler(sink, 'trap-origin', MISDIRECTED)), http.createServer(handler(sink, 'trap-plain', MISDIRECTED)));
  }
  const ports = await listenAll(servers);
  const url = (scheme: string, port: number | undefined): string => `${scheme}://127.0.0.1:${port}`;
  const impostorPort = impostor ? ports.shift() : undefined;
  const [trapPort, originPort, plainPort] = ports;
  if (trap) origins = { origin: url('https', originPort), plain: url('http', plainPort) };
  return {
    impostorUrl: impostorPort ? `${url('https', impostorPort)}/v1/` : undefined,
    trapUrl: trap ? `${url('https', trapPort)}/v1/` : undefined,
    settled,
    close: () => closeAll(servers),
  };
}

function redirect307(location: string): Reply {
  return { ...redirect(location), status: 307 };
}

/**
 * A connection to the impostor that ends without a request was refused by the client: during the
 * handshake (Node on TLS 1.3, Playwright, curl: the socket is dropped or an alert sent before the
 * handshake ends) or right after it (Node on TLS 1.2: it checks the certificate once the handshake
 * is done, then destroys the socket). A connection that never began a handshake (a port probe) is
 * no client at all: the server's keylog event, fired once it has a ClientHello to answer, tells
 * the two apart.
 */
function watchConnections(server: https.Server, sink: TrapSink, settleWaitMs: number): () => Promise<void> {
  const requested = new WeakSet<net.Socket>();
  const handshaking = new WeakSet<tls.TLSSocket>();
  // Connections still open, and how many of them carried a request: those were judged by it, and a
  // client may keep one alive as long as it likes, so only the others are still undecided.
  let open = 0;
  let carried = 0;
  const undecided = (): number => open - carried;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    if (undecided() <= 0) for (const done of [...waiters]) done();
  };
  server.on('connection', (socket: net.Socket) => {
    open += 1;
    socket.once('close', () => {
      // After the TLS layer's own close and error handlers, which judge the connection.
      setImmediate(() => {
        open -= 1;
        wake();
      });
    });
  });
  server.on('request', (req: http.IncomingMessage) => {
    if (requested.has(req.socket)) return;
    requested.add(req.socket);
    carried += 1;
    req.socket.once('close', () => (carried -= 1));
    wake();
  });
  server.on('keylog', (_line: Buffer, socket: tls.TLSSocket) => handshaking.add(socket));
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    sink.connected();
    socket.once('close', () => {
      if (!requested.has(socket)) sink.refused('after the handshake, before any request');
    });
  });
  server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => {
    if (!handshaking.has(socket)) return;
    sink.connected();
    sink.refused('during the handshake');
  });
  // A connection that neither closes nor sends (a client idling on an accepted handshake, a port
  // probe left open) would hold the verdict for ever: the wait gives up on it after settleWaitMs.
  return () =>
    undecided() <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, settleWaitMs);
          waiters.add(done);
        });
}
