/**
 * SAFE-07: a check that could not reach a judgement says so, with the reason, instead of failing
 * (a contract violation) or passing. The reasons are few and fixed: the target could not be
 * reached, it did not answer in time, it stayed rate-limited past the budget, or a limit of the
 * run was reached. The summary counts such a test as "not judged", never as failed or held.
 * Pure: the reporters read it too; the client ends a running test with notJudged() (client.ts).
 */

/** The annotation a not-judged test carries; its description is the reason. */
export const NOT_JUDGED = 'not-judged';

/** Every not-judged reason starts with this, so reports and categories can tell it from a failure. */
export const NOT_JUDGED_PREFIX = 'not judged: ';

export class NotJudgedError extends Error {
  override name = 'NotJudgedError';
  constructor(readonly reason: string) {
    super(`${NOT_JUDGED_PREFIX}${reason}`);
  }
}

/**
 * Why a request got no answer, in words, when the failure is the network's and not the target's
 * answer: refused, reset, DNS, a TLS failure before any answer, or a timeout. Undefined for
 * anything else, a certificate that does not verify included (that is TLS-01 failing: the target
 * was reached and answered with a bad certificate).
 */
export function unreachableReason(error: unknown): string | undefined {
  const text = `${errorCode(error)} ${error instanceof Error ? error.message : String(error)}`;
  if (CERTIFICATE.test(text)) return undefined;
  for (const [pattern, reason] of UNREACHABLE) if (pattern.test(text)) return reason;
  return undefined;
}

/** Node's error code (ECONNREFUSED, CERT_HAS_EXPIRED, ...), or '' when the error has none. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Node's and OpenSSL's words for a certificate that does not verify (TLS-01), not a network failure. */
export const CERTIFICATE =
  /CERT_|certificate|self[- ]signed|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i;

const UNREACHABLE: ReadonlyArray<[RegExp, string]> = [
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN|getaddrinfo/, 'DNS lookup failed'],
  [/EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN/, 'host unreachable'],
  [/ECONNRESET|socket hang up|EPIPE/, 'connection reset'],
  [/before secure TLS connection|EPROTO|ERR_SSL_|SSL routines|handshake/i, 'TLS failure before any answer'],
  [/ETIMEDOUT|Timeout \d+ms exceeded|timed out after \d+ ms|ESOCKETTIMEDOUT/, 'timeout: no answer in time'],
];
