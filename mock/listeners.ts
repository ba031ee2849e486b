/**
 * The mock's listeners: the HTTPS API and its plain-HTTP twin made with the options the mock needs
 * from Node (keep-alive as nginx keeps it, no required Host, an envelope for what Node cannot
 * parse), bound to loopback ports the OS picks, and closed with their keep-alive sockets.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { refuseUnparsable } from './delivery';
import type { Answer, Exchanges } from './exchange';
import type { PlainHttpBehaviour, PlainHttpContext } from './plain-http';

/**
 * How long an idle keep-alive connection stays open: nginx's default, not Node's 5 s. A client
 * that reuses a connection at the moment the server closes it gets a reset, which ends a check as
 * not judged; the fault self-test's workers leave a target's connections idle while they check
 * other targets, for up to half a minute.
 */
const KEEP_ALIVE_MS = 75_000;

/** The HTTPS API; `hsts` goes on the envelope of a request Node could not parse too. */
export function apiListener(tls: https.ServerOptions, hsts: string | undefined, exchanges: Exchanges, api: Answer): https.Server {
  // requireHostHeader is off so that a missing Host still gets an envelope (from serve), not Node's bare 400.
  const server = https.createServer({ keepAlive: true, requireHostHeader: false, ...tls }, (req, res) => {
    exchanges.serve('https', req, res, api);
  });
  server.on('clientError', (err, socket) => refuseUnparsable(err, socket, hsts));
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.on('checkExpectation', (req, res) => exchanges.expectationFailed('https', req, res));
  return server;
}

/** The plain-HTTP origin: a listener that drops every connection, or one that answers as `behaviour` says. */
export function plainListener(behaviour: PlainHttpBehaviour, exchanges: Exchanges, plain: PlainHttpContext): net.Server {
  if (behaviour.refuses) return net.createServer((socket) => socket.destroy());
  const server = http.createServer({ keepAlive: true, requireHostHeader: false }, (req, res) => {
    exchanges.serve('http', req, res, (apiReq) => behaviour.answer(plain, apiReq, locationTarget(req.url, apiReq.path)));
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.on('clientError', (err, socket) => refuseUnparsable(err, socket, undefined));
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => exchanges.expectationFailed('http', req, res));
  return server;
}

/** The path and query to repeat in a redirect's Location; an absolute-form target keeps only its path. */
function locationTarget(rawUrl: string | undefined, path: string): string {
  if (rawUrl?.startsWith('/')) return rawUrl;
  return path.startsWith('/') ? path : '/';
}

/** Binds each server in turn, and gives their ports; when one cannot bind, every one is closed. */
export async function listenAll(servers: readonly net.Server[]): Promise<number[]> {
  const ports: number[] = [];
  try {
    for (const server of servers) ports.push(await listen(server));
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return ports;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export async function closeAll(servers: readonly net.Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          // Keep-alive sockets would hold close() open until they time out.
          if (server instanceof http.Server || server instanceof https.Server) server.closeAllConnections();
        }),
    ),
  );
}
