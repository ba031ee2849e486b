/**
 * What every answer of the mock to hostile input must be, for the hostile-request spec
 * (mock-hostile.spec.ts) and the hostile-connection spec (mock-slow-clients.spec.ts): an
 * `application/json` envelope (Node's parser-level 400/431 included: the mock answers those itself
 * from `clientError`), or the plain-HTTP origin's bodiless redirect; and the tally of what was
 * sent and what came back, for the report.
 */
import { schemaErrors } from '../../helpers/contract/schemas';
import type { Category, HostileCase } from './hostile-cases';
import { printable, type Outcome } from './raw-http';

/** How long a case that may be dropped waits for an answer before it counts as dropped. */
export const READ_TIMEOUT_MS = 3_000;
/** How long a case that must be answered may take: far above any machine's load, since only a hang should fail. */
export const ANSWER_BUDGET_MS = 20_000;

export type Transport = 'https' | 'http';

/** What was sent and what came back, for the report; `seed` (of the generated cases) heads its summary. */
export class Tally {
  requests = 0;
  connections = 0;
  readonly byStatus: Record<string, number> = {};
  readonly byCategory: Record<string, { sent: number; answered: number; closedUnanswered: number }> = {};
  readonly failures: string[] = [];

  constructor(readonly seed?: number) {}

  record(category: Category | 'slow' | 'abandoned', outcome: Outcome | undefined): void {
    this.requests += 1;
    const row = (this.byCategory[category] ??= { sent: 0, answered: 0, closedUnanswered: 0 });
    row.sent += 1;
    if (outcome?.kind === 'response') {
      row.answered += 1;
      const status = String(outcome.response.status);
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    } else if (outcome) {
      row.closedUnanswered += 1;
    }
  }

  fail(what: string): void {
    // The first few are enough to act on; the count says how widespread it is.
    if (this.failures.length < 20) this.failures.push(what);
    else if (this.failures.length === 20) this.failures.push('… more failures left out');
  }

  summary(): string {
    const statuses = Object.entries(this.byStatus)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    const categories = Object.entries(this.byCategory)
      .map(([name, r]) => `${name} ${r.sent}${r.closedUnanswered ? ` (${r.closedUnanswered} hung up)` : ''}`)
      .join(', ');
    return `${this.seed === undefined ? '' : `seed ${this.seed}: `}${this.requests} requests on ${this.connections} connections (${categories}); answers by status ${statuses}`;
  }

  /** The counts, as the report attaches them. */
  counts(): object {
    const { seed, requests, connections, byStatus, byCategory } = this;
    return { ...(seed === undefined ? {} : { seed }), requests, connections, byStatus, byCategory };
  }
}

/** Why an outcome breaks the rule, or undefined when it keeps it. */
export function problemWith(outcome: Outcome, c: Pick<HostileCase, 'head' | 'mayDrop'>, transport: Transport): string | undefined {
  switch (outcome.kind) {
    case 'malformed':
      return `the answer is not HTTP/1.x (${outcome.why}): ${printable(outcome.partial)}`;
    case 'closed':
      return c.mayDrop ? undefined : `the connection closed without an answer${outcome.partial.length ? ` after ${printable(outcome.partial)}` : ''}`;
    case 'timeout':
      return c.mayDrop ? undefined : `no answer within ${ANSWER_BUDGET_MS} ms`;
    case 'response':
      break;
  }
  const { status, headers, body } = outcome.response;
  // The plain-HTTP origin's conformant answer: a bodiless redirect to HTTPS.
  if (transport === 'http' && status === 301) {
    return /^https:\/\/127\.0\.0\.1:\d+\//.test(headers.location ?? '') && body.length === 0
      ? undefined
      : `301 to ${headers.location ?? '(no Location)'} with ${body.length} body bytes`;
  }
  if (!/^application\/json(?:;|$)/.test(headers['content-type'] ?? ''))
    return `${status} with Content-Type ${headers['content-type'] ?? '(none)'}: ${printable(body)}`;
  if (transport === 'https' && !headers['strict-transport-security']) return `${status} without Strict-Transport-Security`;
  if (c.head) return body.length === 0 ? undefined : `${status} to HEAD with a body`;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return `${status} with a body that is not JSON: ${printable(body)}`;
  }
  const errors = schemaErrors('envelope', json);
  if (errors.length > 0) return `${status} with a body that is not an envelope (${errors.join('; ')})`;
  const success = (json as { success: boolean }).success;
  if (success !== (status >= 200 && status < 300)) return `${status} with success: ${String(success)}`;
  return undefined;
}
