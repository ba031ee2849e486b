/**
 * Answers as data. Every route returns a Reply; only server.ts writes them, so status, headers and
 * body are decided in one pass and the envelope faults have one place each to act.
 */
import type { FaultName } from './faults';

export type Data = Record<string, unknown>;

export interface Reply {
  status: number;
  /** Lower-case names. A non-empty body without a content-type here is sent as JSON. */
  headers: Record<string, string>;
  /** The serialised body; empty for bodiless answers such as redirects. */
  body: string;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: JSON.stringify(value) };
}

/** A 2xx envelope. The success-envelope faults act here so that every endpoint shows them alike. */
export function ok(fault: FaultName | undefined, message: string, data: Data): Reply {
  if (fault === 'success-missing') return json(200, { message, data });
  if (fault === 'message-not-string') return json(200, { success: true, message: null, data });
  const reply = json(200, { success: true, message, data });
  if (fault === 'success-not-json-content-type') reply.headers['content-type'] = 'text/plain; charset=utf-8';
  return reply;
}

export function fail(status: number, message: string, data: Data = {}, headers: Record<string, string> = {}): Reply {
  return json(status, { success: false, message, data }, headers);
}

/** Every 404 (unknown path, order or item) goes through here, so the HTML fault shows on all of them. */
export function notFound(fault: FaultName | undefined, message = 'Not Found'): Reply {
  if (fault === 'body-not-json-on-error') return html(404, message);
  return fail(404, message);
}

export function methodNotAllowed(fault: FaultName | undefined, allow: readonly string[]): Reply {
  const reply = fault === 'body-not-json-on-error' ? html(405, 'Method Not Allowed') : fail(405, 'Method Not Allowed');
  reply.headers.allow = allow.join(', ');
  return reply;
}

export function validationFailed(errors: Record<string, string>): Reply {
  return fail(422, 'The given data was invalid.', { errors });
}

export function serverError(): Reply {
  return fail(500, 'Internal Server Error');
}

function html(status: number, title: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<h1>${title}</h1>` };
}
