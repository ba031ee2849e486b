/**
 * The shape of the settings, apart from the modules that read them: every module of the folder
 * (the parsers, the secrets, the runner's variables) names these types without importing the
 * catalogue that imports it back.
 */

export const HTTP_OUTCOMES = ['refused', 'redirect-https', 'redirect-elsewhere', 'rejected', 'auth-answered', 'served', 'other'] as const;
export type HttpOutcome = (typeof HTTP_OUTCOMES)[number];

export const HEADER_NAME_CASES = ['insensitive', 'sensitive', 'either'] as const;
type HeaderNameCase = (typeof HEADER_NAME_CASES)[number];
export const PADDED_KEY_ANSWERS = ['same-as-unpadded', 'same-or-401'] as const;
type PaddedKey = (typeof PADDED_KEY_ANSWERS)[number];
export const DUPLICATE_FIELD_ANSWERS = ['401-or-400', '401'] as const;
type DuplicateFields = (typeof DUPLICATE_FIELD_ANSWERS)[number];
export const CHALLENGE_METHODS = ['POST', 'GET', 'PUT'] as const;
type ChallengeMethod = (typeof CHALLENGE_METHODS)[number];
export const LIVE_CHALLENGE_COUNTS = ['auto', 'several', 'one'] as const;
type LiveChallengeCount = (typeof LIVE_CHALLENGE_COUNTS)[number];

export interface SigningAccount {
  apiKey: string;
  privateKeyPem: string;
  privateKeyFile: string;
}

/** What the runner's preflight found (helpers/runner/preflight.ts), handed to the workers. */
export type PreflightResult = { outcome: 'reachable'; ms: number } | { outcome: 'unreachable'; reason: string } | { outcome: 'certificate'; reason: string };

export interface Settings {
  /** `mock` when the runner started the embedded mock, `remote` for a user-configured target. */
  target: 'mock' | 'remote';
  /** Normalised to end with `/`, so relative paths join under it (docs/pitfalls.md, "baseURL joins like new URL"). */
  baseUrl: string;
  /** The plain-HTTP origin probed by TLS-02 (never sent a configured key). */
  httpUrl: string;
  apiKey: string;
  inactiveApiKey?: string;
  /** An active key of a second account without signing (AUTH-15). */
  secondApiKey?: string;
  signing?: SigningAccount;
  secondSigning?: SigningAccount;
  challenge: { path: string; method: ChallengeMethod; pointer: string; ttlSeconds: number };
  runSlow: boolean;
  caFile?: string;
  /** Whether `GET /` (the API root) is expected to need a key. */
  rootProtected: boolean;
  /** AUTH-10 expectation: RFC 9110 says case-insensitive; the docs say case-sensitive. */
  headerNameCase: HeaderNameCase;
  /** AUTH-07 expectation for an OWS-padded valid key. */
  paddedKey: PaddedKey;
  /**
   * AUTH-11 expectation for two X-API-Key fields: RFC 9110 5.3 lets a recipient refuse a repeated
   * singleton field as a bad request (400) before auth looks at it; `401` demands the auth answer.
   */
  duplicateFields: DuplicateFields;
  /** TLS-02 outcomes that count as conformant. */
  httpAccept: ReadonlySet<HttpOutcome>;
  /** Whether a failed `should` requirement fails the run. */
  failOnShould: boolean;
  workers: number;
  /** Requests in flight at once across all workers (CARDPLUSPAY_CONCURRENCY), held by the runner's flow control. */
  concurrency: number;
  /**
   * CARDPLUSPAY_LIVE_CHALLENGES: `auto`, the first signing check finds out how many live challenges
   * the API keeps (helpers/signing/turns.ts); `several`, assumed; `one`, the run goes one request at a time.
   */
  liveChallenges: LiveChallengeCount;
  /** The runner's flow control socket (set by the runner); unset, each worker keeps a share of the concurrency. */
  flowSocket?: string;
  /**
   * How long one test may spend waiting out 429s before its check is "not judged: target
   * rate-limited". Always fits inside the test timeout with ROOM_FOR_THE_CHECK_SECONDS to spare.
   */
  rateLimitBudgetSeconds: number;
  /** Playwright's timeout for one test. */
  testTimeoutSeconds: number;
  /** The whole run's time limit (SAFE-08): past it the run ends with a verdict, unrun checks not judged. */
  timeoutSeconds: number;
  /** The most requests one run sends (SAFE-05), shared by every worker through the request ledger. */
  maxRequests: number;
  /** The seed of the families' sample; set by the runner for a run given none, so its workers draw alike. */
  seed?: number;
  /** Extra requests of exploration beyond the families' default sample. */
  explore: number;
  /** The file the workers count requests in (set by the runner); unset means no cap is enforced. */
  requestLedger?: string;
  /** Epoch ms by which every check must have ended (set by the runner from CARDPLUSPAY_TIMEOUT_SECONDS); unset: no run limit. */
  runDeadline?: number;
  /** What the runner's preflight found (helpers/runner/preflight.ts); unset when it made none. */
  preflight?: PreflightResult;
  /** Test plumbing of the embedded mock (its request journal); unset for remote targets. */
  mockControlUrl?: string;
  mockFault?: string;
  /** The fault self-test's: each family's core only, nothing drawn (CARDPLUSPAY_MOCK_CORE_ONLY). */
  coreOnly?: boolean;
}
