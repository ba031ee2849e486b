/**
 * Before any check: can the target be reached at all? One keyless GET of the base URL through the
 * one egress, so within its wall-clock deadline (a target that trickles one byte a second gets no
 * longer than one that is silent). Against a target that is down, every test would otherwise wait
 * out its own request; the fixtures end every check as not judged at once instead (SAFE-07). A
 * certificate that does not verify is different: the target was reached, and that is TLS-01
 * failing. No key is sent.
 */
import { USER_AGENT } from '../client/client';
import type { Egress } from '../client/egress';
import { EgressError } from '../client/wire';
import type { PreflightResult } from '../settings/types';

/** How long the preflight waits for a complete answer. */
const PREFLIGHT_DEADLINE_MS = 10_000;

export async function preflight(egress: Egress, baseUrl: string, deadlineMs = PREFLIGHT_DEADLINE_MS): Promise<PreflightResult> {
  const started = Date.now();
  const url = new URL(baseUrl);
  try {
    await egress.exchange({
      method: 'GET',
      url,
      headerLines: [
        ['Host', url.host],
        ['Accept', 'application/json'],
        ['User-Agent', USER_AGENT],
      ],
      deadlineMs,
    });
  } catch (error) {
    if (!(error instanceof EgressError)) throw error;
    if (error.kind === 'certificate') return { outcome: 'certificate', reason: error.message };
    // An answer too large or not HTTP still proves the target is there: the checks will judge it.
    if (error.kind === 'too-large' || error.kind === 'malformed') return { outcome: 'reachable', ms: Date.now() - started };
    return { outcome: 'unreachable', reason: error.message };
  }
  return { outcome: 'reachable', ms: Date.now() - started };
}

/** The one line a user reads when the target cannot be reached. */
export function cannotReachLine(baseUrl: string, reason: string): string {
  return `Cannot reach ${baseUrl.replace(/\/$/, '')}: ${reason}`;
}
