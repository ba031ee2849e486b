/**
 * The control listener: test plumbing on loopback, not part of the API. It serves the journal so
 * a spec in another process can see what reached the mock.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Journal } from './journal';
import { parseTarget } from './request';

export function controlHandler(journal: Journal): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const { path, query } = parseTarget(req.url);
    const send = (status: number, value: unknown): void => {
      const body = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, { error: 'GET only' });
    if (path === '/health') return send(200, { ok: true });
    if (path === '/journal') {
      const since = Number(query.get('since') ?? '0');
      return Number.isInteger(since) ? send(200, journal.since(since)) : send(400, { error: 'since must be an integer' });
    }
    return send(404, { error: 'unknown control path; try /journal?since=N or /health' });
  };
}
