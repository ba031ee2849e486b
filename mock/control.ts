/**
 * The control listener: test plumbing on loopback, not part of the API. It serves the journal so
 * a spec in another process can see what reached the mock, and the routes a watcher adds (the
 * client checker's POST /client-verdict).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Journal } from './journal';
import { parseTarget } from './request';

/** POST routes by path: each answers a status and a JSON value, given the query. */
export type ControlRoutes = Readonly<Record<string, (query: URLSearchParams) => Promise<{ status: number; value: unknown; after?: () => void }>>>;

export function controlHandler(journal: Journal, routes: ControlRoutes = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { path, query } = parseTarget(req.url);
    const send = (status: number, value: unknown): void => {
      const body = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const route = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined;
    if (route) {
      if (req.method !== 'POST') return send(405, { error: 'POST only' });
      route(query).then(
        (answer) => {
          send(answer.status, answer.value);
          // What comes after the answer (stopping the process) waits until it has left.
          if (answer.after) res.once('finish', answer.after);
        },
        (error: unknown) => send(500, { error: error instanceof Error ? error.message : String(error) }),
      );
      return;
    }
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    if (path === '/health') return send(200, { ok: true });
    if (path === '/journal') {
      const since = Number(query.get('since') ?? '0');
      return Number.isInteger(since) ? send(200, journal.since(since)) : send(400, { error: 'since must be an integer' });
    }
    return send(404, { error: 'unknown control path; try /journal?since=N or /health' });
  };
}
