/**
 * Starts one mock: the HTTPS API, its plain-HTTP twin and the control listener, all on loopback
 * with ports the OS picks. Secrets come in as MockMaterial so that many instances (one per variant)
 * share one set; nothing here is expensive. The listeners are made in listeners.ts, and each
 * exchange on them runs through exchange.ts.
 */
import http from 'node:http';
import type { MockMaterial } from './accounts';
import { controlHandler, type ControlRoutes } from './control';
import { conformantBehaviour, type MockBehaviour } from './behaviour';
import type { Reply } from './envelope';
import { Exchanges, type ExchangeWatcher } from './exchange';
import { bend, isFaultName, type FaultName } from './faults';
import { Journal, type JournalEntry } from './journal';
import { apiListener, closeAll, listenAll, plainListener } from './listeners';
import type { HttpMode, PlainHttpContext } from './plain-http';
import type { ApiRequest } from './request';
import { handleApi, type ApiContext } from './routes';
import { RequestSigning } from './signing';

export type { JournalEntry } from './journal';

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
  /**
   * Watches every exchange, may put a stage in front of the API and adds control routes: the
   * client checker (mock/client-check/). Unset, as in every run of the suite, it costs nothing.
   */
  watcher?: MockWatcher;
}

export interface MockWatcher extends ExchangeWatcher {
  /** The behaviour record the mock serves, given the one it would serve unwatched. */
  bend(behaviour: MockBehaviour): MockBehaviour;
  /** POST routes of the control listener. */
  control: ControlRoutes;
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

export async function startMock(options: MockOptions): Promise<MockHandle> {
  const { material, fault } = options;
  if (fault !== undefined && !isFaultName(fault)) throw new Error(`Cannot start the mock: unknown fault "${String(fault)}".`);
  const challengeTtlSeconds = options.challengeTtlSeconds ?? MOCK_TTL_SECONDS;
  if (!(challengeTtlSeconds > 0)) throw new Error(`Cannot start the mock: challengeTtlSeconds must be > 0 (got ${challengeTtlSeconds}).`);
  const httpMode = options.httpMode ?? 'redirect';

  // The seam: the conformant record, bent by the fault if there is one.
  const bent = bend(conformantBehaviour({ challengeTtlMs: challengeTtlSeconds * 1000, httpMode }), fault);
  const behaviour = options.watcher ? options.watcher.bend(bent) : bent;

  const journal = new Journal(material);
  const signing = new RequestSigning(Object.values(material.accounts), challengeTtlSeconds * 1000, behaviour);
  const apiContext: ApiContext = { material, signing, challengeTtlSeconds, behaviour };
  const api = (req: ApiRequest): Reply | Promise<Reply> => handleApi(apiContext, req);
  const exchanges = new Exchanges(journal, behaviour, options.watcher);

  const { served, ...tlsOptions } = behaviour.tls;
  const certificate = await served(material);
  const apiServer = apiListener({ key: certificate.keyPem, cert: certificate.certPem, ...tlsOptions }, behaviour.hsts, exchanges, api);
  // The plain-HTTP context needs both origins, known only once the listeners are bound.
  const plain: PlainHttpContext = { material, httpsOrigin: '', httpOrigin: '', api };
  const plainServer = plainListener(behaviour.plainHttp, exchanges, plain);
  const controlServer = http.createServer(controlHandler(journal, options.watcher?.control));

  const servers = [apiServer, plainServer, controlServer];
  const [apiPort, httpPort, controlPort] = await listenAll(servers);
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
