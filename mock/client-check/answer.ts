/**
 * What the checker reads of an answer: its status, a 429's Retry-After, a refusal's message, and a
 * challenge the API issued (for the signing rule). Read from the Reply before it is written.
 */
import type { Reply } from '../envelope';
import type { Arrival } from './arrival';

export interface Answer {
  status: number;
  /** When the answer was decided (ms since the epoch): after the API's checks ran. */
  at: number;
  /** A 429's Retry-After in seconds, when it is a number. */
  retryAfterSeconds?: number;
  /** The envelope's message, for a 401 (which signing step refused it). */
  message?: string;
  /** A challenge issued by POST auth/challenge, and when it expires (ms since the epoch). */
  issued?: { challenge: string; expiresAt: number };
  /** Where a redirect sends the client: plain HTTP or another HTTPS origin. */
  redirect?: 'plain' | 'origin';
}

export function readAnswer(reply: Reply, arrival: Pick<Arrival, 'route'>, at = Date.now()): Answer {
  const answer: Answer = { status: reply.status, at };
  const retryAfter = Number(reply.headers['retry-after']);
  if (reply.status === 429 && Number.isFinite(retryAfter)) answer.retryAfterSeconds = retryAfter;
  const location = reply.headers.location;
  if (location) answer.redirect = location.startsWith('http:') ? 'plain' : 'origin';
  if (reply.status !== 401 && !(arrival.route === 'challenge' && reply.status < 300)) return answer;
  const body = envelope(reply.body);
  if (typeof body?.message === 'string') answer.message = body.message;
  const data = body?.data as { challenge?: unknown; expires_at?: unknown } | undefined;
  if (reply.status < 300 && typeof data?.challenge === 'string' && typeof data.expires_at === 'string') {
    answer.issued = { challenge: data.challenge, expiresAt: Date.parse(data.expires_at) };
  }
  return answer;
}

function envelope(body: Reply['body']): { message?: unknown; data?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
