/**
 * Settings: the one module that reads the environment. Everything is validated before any request
 * is sent; a refusal names the variable and the fix, and never prints a key's value. What each
 * setting means and how it is read is in the catalogue (catalogue.ts); this file runs it.
 */
import type { SigningAccount } from './accounts';
import { CATALOGUE, SETTING_NAMES, SETTING_PREFIX } from './catalogue';
import type { ChallengeMethod } from './challenge';
import { closest } from './did-you-mean';
import type { DuplicateFields, HeaderNameCase, HttpOutcome, PaddedKey } from './expectations';
import { INTERNAL_SETTINGS, isInternal, type PreflightResult } from './internal';
import type { Draft, Env, Refuse } from './parse';
import { KEY_NAMES, keyProblem } from './secrets';

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
  /** The file the workers count requests in (set by the runner); unset means no cap is enforced. */
  requestLedger?: string;
  /** Epoch ms by which every check must have ended (set by the runner from CARDPLUSPAY_TIMEOUT_SECONDS); unset: no run limit. */
  runDeadline?: number;
  /** What the runner's preflight found (helpers/runner/preflight.ts); unset when it made none. */
  preflight?: PreflightResult;
  /** Test plumbing of the embedded mock (its request journal); unset for remote targets. */
  mockControlUrl?: string;
  mockFault?: string;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

/**
 * Reads and validates the settings. Collects every problem before refusing, so one run shows all
 * the fixes at once. Throws SettingsError.
 */
export function loadSettings(env: Env = process.env): Settings {
  const problems: string[] = [];
  const refuseAs: Refuse = (name, why, fix) => problems.push(`Cannot start: ${name} ${why}. ${fix}`);
  checkEnvironment(env, refuseAs);
  const draft: Partial<Draft> = {};
  for (const entry of CATALOGUE) {
    if ('check' in entry) entry.check({ env, draft, refuseAs });
    else if ('parse' in entry) Object.assign(draft, entry.parse(env[entry.name], { env, draft, refuse: (why, fix) => refuseAs(entry.name, why, fix), refuseAs }));
  }
  for (const internal of INTERNAL_SETTINGS) Object.assign(draft, internal.parse(env[internal.name]));
  if (problems.length > 0) throw new SettingsError(problems);
  // Every field of Draft is produced by one entry of the catalogue or of INTERNAL_SETTINGS.
  const { challengePath: path, challengeMethod: method, challengePointer: pointer, challengeTtlSeconds: ttlSeconds, ...rest } = draft as Draft;
  return { ...rest, challenge: { path, method, pointer, ttlSeconds } };
}

/** What is refused about the environment as a whole, before any one setting is read. */
function checkEnvironment(env: Env, refuse: Refuse): void {
  // Node reads it at every TLS connection, for Playwright's requests and node:https alike, and no
  // per-request option of Playwright's overrides it (docs/pitfalls.md).
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    refuse(
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'is 0, which switches certificate checks off for every request of the run, so a key would go to any server that answers for the host',
      'Unset it (unset NODE_TLS_REJECT_UNAUTHORIZED). To trust a private or self-signed CA, give its PEM file in CARDPLUSPAY_CA_FILE instead.',
    );
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith(SETTING_PREFIX)) continue;
    if (SETTING_NAMES.includes(name) || isInternal(name)) continue;
    const near = closest(name, SETTING_NAMES);
    refuse(name, 'is not a setting of this suite', near ? `Did you mean ${near}?` : 'Remove it; see the settings table in README.md.');
  }
  for (const name of KEY_NAMES) {
    const problem = keyProblem(env[name]);
    if (problem) refuse(name, problem.why, problem.fix);
  }
}
