/**
 * Starts one mock: the HTTPS API, its plain-HTTP twin and the control listener, all on loopback
 * with ports the OS picks. Secrets come in as MockMaterial so that many instances (one per variant)
 * share one set; nothing here is expensive.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { MockMaterial } from './accounts';
import { controlHandler } from './control';
import { conformantBehaviour } from './behaviour';
import { refuseUnparsable, trickleHead, write, type Extras } from './delivery';
import { fail, serverError, type Reply } from './envelope';
import { bend, isFaultName, type FaultName } from './faults';
import { Journal, type JournalEntry } from './journal';
import type { HttpMode, PlainHttpContext } from './plain-http';
import { parseTarget, readBody, type ApiRequest, type BodyOutcome } from './request';
import { DropConnection, handleApi, type ApiContext } from './routes';
import { RequestSigning } from './signing';

export type { JournalEntry } from './journal';

/**
 * How long an idle keep-alive connection stays open: nginx's default, not Node's 5 s. A client
 * that reuses a connection at the moment the server closes it gets a reset, which ends a check as
 * not judged; the fault self-test's workers leave a target's connections idle while they check
 * other targets, for up to half a minute.
 */
const KEEP_ALIVE_MS = 75_000;

/**
 * The mock's one default challenge lifetime, for the embedded mock, `npm run mock` and the mock's
 * own tests alike: short, so the expiry checks wait little, long enough for a loaded machine.
 */
export const MOCK_TTL_SECONDS = 2;

export interface MockOptions {
  material: MockMaterial;
  fault?: FaultName;
  /** Challenge lifetime, advertised and (unless the challenge policy says otherwise) enforced. Default MOCK_TTL_SECONDS. */
  challengeTtlSeconds?: number;
  /** What the plain-HTTP origin does. Default 'redirect'. */
  httpMode?: HttpMode;
}

export interface MockHandle {
  /** 'https://127.0.0.1:PORT/v1/' */
  baseUrl: string;
  /** 'http://127.0.0.1:PORT2/v1/' */
  httpUrl: string;
  /** 'http://127.0.0.1:PORT3/' */
  controlUrl: string;
  fault?: FaultName;
  httpMode: HttpMode;
  challengeTtlSeconds: number;
  journal(): JournalEntry[];
  /** The signatures requests carried, for the self-test's leak scan (never served over HTTP). */
  signaturesSeen(): string[];
  close(): Promise<void>;
}

type Transport = JournalEntry['transport'];

export async function startMock(options: MockOptions): Promise<MockHandle> {
  const { material, fault } = options;
  if (fault !== undefined && !isFaultName(fault)) throw new Error(`Cannot start the mock: unknown fault "${String(fault)}".`);
  const challengeTtlSeconds = options.challengeTtlSeconds ?? MOCK_TTL_SECONDS;
  if (!(challengeTtlSeconds > 0)) throw new Error(`Cannot start the mock: challengeTtlSeconds must be > 0 (got ${challengeTtlSeconds}).`);
  const httpMode = options.httpMode ?? 'redirect';

  // The seam: the conformant record, bent by the fault if there is one.
  const behaviour = bend(conformantBehaviour({ challengeTtlMs: challengeTtlSeconds * 1000, httpMode }), fault);
  const hsts = behaviour.hsts;

  const journal = new Journal(material);
  const signing = new RequestSigning(Object.values(material.accounts), challengeTtlSeconds * 1000, behaviour);
  const apiContext: ApiContext = { material, signing, challengeTtlSeconds, behaviour };
  const api = (req: ApiRequest): Reply | Promise<Reply> => handleApi(apiContext, req);

  const { served, ...tlsOptions } = behaviour.tls;
  const certificate = await served(material);
  // requireHostHeader is off so that a missing Host still gets an envelope (from serve), not Node's bare 400.
  const apiServer = https.createServer(
    { key: certificate.keyPem, cert: certificate.certPem, keepAlive: true, requireHostHeader: false, ...tlsOptions },
    (req, res) => {
      serve('https', req, res, api).catch(() => res.destroy());
    },
  );
  apiServer.on('clientError', (err, socket) => refuseUnparsable(err, socket, hsts));
  apiServer.keepAliveTimeout = KEEP_ALIVE_MS;

  /** What an HTTPS answer carries besides the reply's own headers. */
  const httpsExtras = (req: http.IncomingMessage): Extras => {
    const cookies = behaviour.cookies(req.headers);
    return { ...(hsts ? { 'strict-transport-security': hsts } : {}), ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}) };
  };
  apiServer.on('checkExpectation', (req, res) => expectationFailed('https', req, res));

  // The plain-HTTP context needs both origins, known only once the listeners are bound.
  const plain: PlainHttpContext = { material, httpsOrigin: '', httpOrigin: '', api };
  const plainServer: net.Server = behaviour.plainHttp.refuses
    ? net.createServer((socket) => socket.destroy())
    : http.createServer({ keepAlive: true, requireHostHeader: false }, (req, res) => {
        serve('http', req, res, (apiReq) => behaviour.plainHttp.answer(plain, apiReq, locationTarget(req.url, apiReq.path))).catch(() => res.destroy());
      });
  if (plainServer instanceof http.Server) {
    plainServer.keepAliveTimeout = KEEP_ALIVE_MS;
    plainServer.on('clientError', (err, socket) => refuseUnparsable(err, socket, undefined));
    plainServer.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => expectationFailed('http', req, res));
  }

  const controlServer = http.createServer(controlHandler(journal));

  async function serve(
    transport: Transport,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    answer: (r: ApiRequest) => Reply | Promise<Reply>,
  ): Promise<void> {
    const { path, query } = parseTarget(req.url);
    const seen = journal.open(transport, req, path, query);
    let outcome: BodyOutcome;
    try {
      outcome = await readBody(req);
    } catch {
      // The client went away mid-upload: there is nobody to answer.
      res.destroy();
      return;
    }
    journal.sawBody(seen, outcome.body);
    let reply: Reply;
    if (outcome.tooLarge) {
      reply = fail(413, 'Payload Too Large');
    } else if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      reply = fail(400, 'Missing Host header');
    } else {
      try {
        reply = await answer({
          method: req.method ?? 'GET',
          path,
          target: req.url ?? '/',
          query,
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          body: outcome.body,
        });
      } catch (error) {
        if (error instanceof DropConnection) {
          res.destroy();
          return;
        }
        // Only a bent stage throws on purpose; anything else is a mock bug, still answered as an envelope.
        reply = serverError();
      }
    }
    if (transport === 'http') write(res, reply, {});
    else if (behaviour.delivery.kind === 'trickle-head') trickleHead(res, reply, httpsExtras(req), behaviour.delivery.everyMs);
    else write(res, reply, httpsExtras(req));
  }

  /**
   * An Expect other than 100-continue (RFC 9110 10.1.1): without this listener Node answers a bare
   * 417 with no body. Refused as an envelope, and the connection closed since the body goes unread.
   */
  function expectationFailed(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse): void {
    const { path, query } = parseTarget(req.url);
    journal.open(transport, req, path, query);
    write(res, fail(417, 'Expectation Failed', {}, { connection: 'close' }), transport === 'https' ? httpsExtras(req) : {});
  }

  const servers = [apiServer, plainServer, controlServer];
  const ports: number[] = [];
  try {
    for (const server of servers) ports.push(await listen(server));
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  const [apiPort, httpPort, controlPort] = ports;
  plain.httpsOrigin = `https://127.0.0.1:${apiPort}`;
  plain.httpOrigin = `http://127.0.0.1:${httpPort}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${plain.httpsOrigin}/v1/`,
    httpUrl: `${plain.httpOrigin}/v1/`,
    controlUrl: `http://127.0.0.1:${controlPort}/`,
    fault,
    httpMode,
    challengeTtlSeconds,
    journal: () => journal.since(0),
    signaturesSeen: () => journal.signaturesSeen(),
    close: () => (closing ??= closeAll(servers)),
  };
}

/** The path and query to repeat in a redirect's Location; an absolute-form target keeps only its path. */
function locationTarget(rawUrl: string | undefined, path: string): string {
  if (rawUrl?.startsWith('/')) return rawUrl;
  return path.startsWith('/') ? path : '/';
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

async function closeAll(servers: readonly net.Server[]): Promise<void> {
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
