/**
 * Answers as data. Every route returns a Reply; only delivery.ts writes them, so status, headers and
 * body are decided in one pass. The success and not-found envelopes go through an EnvelopeWriter,
 * so every endpoint shows a change to them alike.
 */

export type Data = Record<string, unknown>;

export interface Reply {
  status: number;
  /** Lower-case names. A non-empty body without a content-type here is sent as JSON. */
  headers: Record<string, string>;
  /**
   * The serialised body; empty for bodiless answers such as redirects. Bytes for a body that is not
   * text the mock wrote (a compressed one), sent as they are.
   */
  body: string | Buffer;
}

/** A reply whose body is text: what json() and fail() make. */
export type TextReply = Reply & { body: string };

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): TextReply {
  return { status, headers, body: JSON.stringify(value) };
}

export function fail(status: number, message: string, data: Data = {}, headers: Record<string, string> = {}): TextReply {
  return json(status, { success: false, message, data }, headers);
}

/** The envelopes the routes answer with; part of the mock's behaviour record. */
export interface EnvelopeWriter {
  /** A 2xx envelope. Frozen data (frozen all the way down) may be serialised once and its body reused. */
  ok(message: string, data: Data): Reply;
  /** Every 404: unknown path, order or item. */
  notFound(message?: string): Reply;
  methodNotAllowed(allow: readonly string[]): Reply;
}

export const CONFORMANT_ENVELOPE: EnvelopeWriter = {
  ok: okEnvelope,
  notFound: (message = 'Not Found') => fail(404, message),
  methodNotAllowed: (allow) => fail(405, 'Method Not Allowed', {}, { allow: allow.join(', ') }),
};

/**
 * The bodies of 2xx envelopes whose data never changes (GET balance's), by data and message:
 * serialising that same data again on every request was about 2 of the 5 µs the mock's own code
 * spent on one. Each answer is still a Reply of its own; only the string is shared.
 */
const constantBodies = new WeakMap<Data, Map<string, string>>();

function okEnvelope(message: string, data: Data): TextReply {
  if (!Object.isFrozen(data)) return json(200, { success: true, message, data });
  let bodies = constantBodies.get(data);
  if (!bodies) constantBodies.set(data, (bodies = new Map<string, string>()));
  let body = bodies.get(message);
  if (body === undefined) bodies.set(message, (body = JSON.stringify({ success: true, message, data })));
  return { status: 200, headers: {}, body };
}

export function validationFailed(errors: Record<string, string>): Reply {
  return fail(422, 'The given data was invalid.', { errors });
}

export function serverError(): Reply {
  return fail(500, 'Internal Server Error');
}

export function html(status: number, title: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: `<h1>${title}</h1>` };
}
