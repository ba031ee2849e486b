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
import { bodyFromHead, parseTarget, readBody, type ApiRequest, type BodyOutcome } from './request';
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

/** What was read of a request before it is answered. */
interface Read {
  path: string;
  query: URLSearchParams;
  seen: JournalEntry;
  outcome: BodyOutcome;
}

/** A reply, or 'drop': the connection is destroyed unanswered. */
type Settled = Reply | 'drop';

/** Only a bent stage throws on purpose; anything else is a mock bug, still answered as an envelope. */
function failed(error: unknown): Settled {
  return error instanceof DropConnection ? 'drop' : serverError();
}

export class Exchanges {
  constructor(
    private readonly journal: Journal,
    private readonly behaviour: MockBehaviour,
    private readonly watcher?: ExchangeWatcher,
  ) {}

  /**
   * Serves one exchange. Whatever escapes it (a mock bug) ends the connection, never the process.
   * A request without a body whose answer is not awaited is answered before this returns, with no
   * promise in between: under keep-alive load, deferring that answer to a microtask cost about 3 µs
   * of server CPU per request (of about 60; `npm run bench -- --only throughput`).
   */
  serve(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): void {
    try {
      this.exchange(transport, req, res, answer)?.catch(() => res.destroy());
    } catch {
      res.destroy();
    }
  }

  private exchange(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse, answer: Answer): Promise<void> | undefined {
    const { path, query } = parseTarget(req.url);
    const seen = this.journal.open(transport, req, path, query);
    const known = bodyFromHead(req);
    if (known) return this.answer(transport, req, res, answer, { path, query, seen, outcome: known });
    return readBody(req).then(
      (outcome) => this.answer(transport, req, res, answer, { path, query, seen, outcome }),
      // The client went away mid-upload: there is nobody to answer.
      () => void res.destroy(),
    );
  }

  private answer(transport: Transport, req: http.IncomingMessage, res: http.ServerResponse, answer: Answer, read: Read): Promise<void> | undefined {
    this.journal.sawBody(read.seen, read.outcome.body);
    const watched = this.watcher?.arrived(transport, req, read.outcome);
    const reply = this.replyTo(req, answer, read);
    if (reply instanceof Promise) return reply.then((settled) => this.deliver(transport, req, res, settled, watched));
    this.deliver(transport, req, res, reply, watched);
    return undefined;
  }

  /** The reply, or 'drop' for a connection to destroy unanswered. */
  private replyTo(req: http.IncomingMessage, answer: Answer, { path, query, outcome }: Read): Settled | Promise<Settled> {
    if (outcome.tooLarge) return fail(413, 'Payload Too Large');
    if (req.httpVersion === '1.1' && req.headers.host === undefined) return fail(400, 'Missing Host header');
    try {
      const reply = answer({
        method: req.method ?? 'GET',
        path,
        target: req.url ?? '/',
        httpVersion: req.httpVersion,
        query,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: outcome.body,
      });
      return reply instanceof Promise ? reply.catch(failed) : reply;
    } catch (error) {
      return failed(error);
    }
  }

  private deliver(
    transport: Transport,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    reply: Settled,
    watched: ((reply: Reply) => void) | undefined,
  ): void {
    if (reply === 'drop') {
      res.destroy();
      return;
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
