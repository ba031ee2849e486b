/**
 * One exchange on the HTTPS API or its plain-HTTP twin, from the request Node parsed to the answer
 * on the socket: journal it, read its bounded body, get the answer (or the envelope for a body too
 * large, a missing Host, an Expect that Node would refuse bare), and deliver it (delivery.ts).
 */
import type http from 'node:http';
import type { MockBehaviour } from './behaviour';
import { trickleHead, write, type Extras } from './delivery';
import { fail, serverError, type Reply } from './envelope';
import type { Journal, JournalEntry } from './journal';
import { parseTarget, readBody, type ApiRequest, type BodyOutcome } from './request';
import { DropConnection } from './routes';

type Transport = JournalEntry['transport'];

/** What answers a request that got as far as the API: the API itself, or the plain-HTTP origin. */
export type Answer = (req: ApiRequest) => Reply | Promise<Reply>;

/**
 * Watches each exchange whose body was read: what arrived, then what it was answered. The client
 * checker (mock/client-check/) is one; the suite's runs of the mock have none.
 */
export interface ExchangeWatcher {
  /** A request whose body was read; the function it returns is told the answer. */
  arrived(transport: Transport, req: http.IncomingMessage, body: BodyOutcome): (reply: Reply) => void;
}

export class Exchanges {
  constructor(
    private readonly journal: Journal,
    private readonly behaviour: MockBehaviour,
    private readonly watcher?: ExchangeWatcher,
  ) {}

  async serve(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): Promise<void> {
    const { path, query } = parseTarget(req.url);
    const seen = this.journal.open(transport, req, path, query);
    let outcome: BodyOutcome;
    try {
      outcome = await readBody(req);
    } catch {
      // The client went away mid-upload: there is nobody to answer.
      res.destroy();
      return;
    }
    this.journal.sawBody(seen, outcome.body);
    const watched = this.watcher?.arrived(transport, req, outcome);
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
          httpVersion: req.httpVersion,
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
    watched?.(reply);
    if (transport === 'http') write(res, reply, {});
    else if (this.behaviour.delivery.kind === 'trickle-head') trickleHead(res, reply, this.httpsExtras(req), this.behaviour.delivery.everyMs);
    else write(res, reply, this.httpsExtras(req));
  }

  /**
   * An Expect other than 100-continue (RFC 9110 10.1.1): without this listener Node answers a bare
   * 417 with no body. Refused as an envelope, and the connection closed since the body goes unread.
   */
  expectationFailed(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse): void {
    const { path, query } = parseTarget(req.url);
    this.journal.open(transport, req, path, query);
    write(res, fail(417, 'Expectation Failed', {}, { connection: 'close' }), transport === 'https' ? this.httpsExtras(req) : {});
  }

  /** What an HTTPS answer carries besides the reply's own headers. */
  private httpsExtras(req: http.IncomingMessage): Extras {
    const { hsts } = this.behaviour;
    const cookies = this.behaviour.cookies(req.headers);
    return { ...(hsts ? { 'strict-transport-security': hsts } : {}), ...(cookies.length > 0 ? { 'set-cookie': [...cookies] } : {}) };
  }
}
