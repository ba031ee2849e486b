/**
 * Settings: the one module that reads the environment. Everything is validated before any request
 * is sent; a refusal names the variable and the fix, and never prints a key's value.
 */
import { pathSpellingProblem, spendingRoute } from '../client/spend-guard';
import { isJsonPointer } from '../json-pointer';
import { signingAccount, type SigningAccount } from './accounts';
import { SETTING_NAMES, SETTING_PREFIX } from './catalogue';
import { CHALLENGE_METHODS } from './challenge';
import { baseUrlSpellingProblem, httpProbeUrl, ONE_SPELLING } from './connection';
import { closest } from './did-you-mean';
import { DUPLICATE_FIELDS, HEADER_NAME_CASE, httpAcceptSetting, PADDED_KEY, type HttpOutcome } from './expectations';
import { isInternal, type PreflightResult } from './internal';
import { DEFAULT_MAX_REQUESTS, runDeadlineIn, runLimits } from './limits';
import { flag, oneOf, parseUrl, printable, readable, type Env } from './parse';
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
  challenge: { path: string; method: (typeof CHALLENGE_METHODS)[number]; pointer: string; ttlSeconds: number };
  runSlow: boolean;
  caFile?: string;
  /** Whether `GET /` (the API root) is expected to need a key. */
  rootProtected: boolean;
  /** AUTH-10 expectation: RFC 9110 says case-insensitive; the docs say case-sensitive. */
  headerNameCase: (typeof HEADER_NAME_CASE)[number];
  /** AUTH-07 expectation for an OWS-padded valid key. */
  paddedKey: (typeof PADDED_KEY)[number];
  /**
   * AUTH-11 expectation for two X-API-Key fields: RFC 9110 5.3 lets a recipient refuse a repeated
   * singleton field as a bad request (400) before auth looks at it; `401` demands the auth answer.
   */
  duplicateFields: (typeof DUPLICATE_FIELDS)[number];
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
  const refuse = (name: string, why: string, fix: string): void => {
    problems.push(`Cannot start: ${name} ${why}. ${fix}`);
  };
  const get = (name: string): string | undefined => env[name];

  // Node reads it at every TLS connection, for Playwright's requests and node:https alike, and no
  // per-request option of Playwright's overrides it (docs/pitfalls.md).
  if (get('NODE_TLS_REJECT_UNAUTHORIZED') === '0') {
    refuse(
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'is 0, which switches certificate checks off for every request of the run, so a key would go to any server that answers for the host',
      'Unset it (unset NODE_TLS_REJECT_UNAUTHORIZED). To trust a private or self-signed CA, give its PEM file in CARDPLUSPAY_CA_FILE instead.',
    );
  }

  for (const name of Object.keys(env)) {
    if (!name.startsWith(SETTING_PREFIX)) continue;
    if ((SETTING_NAMES as readonly string[]).includes(name) || isInternal(name)) continue;
    const near = closest(name, SETTING_NAMES);
    refuse(name, 'is not a setting of this suite', near ? `Did you mean ${near}?` : 'Remove it; see the settings table in README.md.');
  }

  for (const name of KEY_NAMES) {
    const problem = keyProblem(get(name));
    if (problem) refuse(name, problem.why, problem.fix);
  }

  const target = get('CARDPLUSPAY_TARGET') === 'mock' ? 'mock' : 'remote';
  const rawBase = get('CARDPLUSPAY_BASE_URL');
  let baseUrl = '';
  let base: URL | undefined;
  if (rawBase === undefined || rawBase === '') {
    refuse(
      'CARDPLUSPAY_BASE_URL',
      'is not set',
      'Run `npm run conformance` (it starts the embedded mock when the base URL is unset), or export CARDPLUSPAY_BASE_URL=https://api.cardpluspay.com/v1 with a key.',
    );
  } else {
    base = parseUrl(rawBase);
    const baseSpelling = baseUrlSpellingProblem(rawBase);
    if (/[?#]/.test(rawBase)) {
      // `new URL` drops an empty `?` or `#`, so the parsed URL alone would pass.
      refuse(
        'CARDPLUSPAY_BASE_URL',
        'carries a query or fragment (it contains "?" or "#")',
        'Give only scheme, host, port and path, e.g. https://api.cardpluspay.com/v1: every path the suite joins to it must land below that path, not in a query or fragment.',
      );
      base = undefined;
    } else if (!base) {
      refuse('CARDPLUSPAY_BASE_URL', 'is not a URL', 'Give an absolute URL such as https://api.cardpluspay.com/v1.');
    } else if (base.protocol !== 'https:') {
      refuse(
        'CARDPLUSPAY_BASE_URL',
        `must use https: (got ${base.protocol})`,
        'The API key must never travel over plain HTTP: use the https:// URL of the target.',
      );
      base = undefined;
    } else if (base.username || base.password || base.search || base.hash) {
      refuse('CARDPLUSPAY_BASE_URL', 'carries credentials, a query or a fragment', 'Give only scheme, host, port and path, e.g. https://api.cardpluspay.com/v1.');
      base = undefined;
    } else if (baseSpelling) {
      refuse('CARDPLUSPAY_BASE_URL', baseSpelling, `Give it spelt as the API routes it, e.g. https://api.cardpluspay.com/v1. ${ONE_SPELLING}`);
      base = undefined;
    } else {
      baseUrl = base.href.endsWith('/') ? base.href : `${base.href}/`;
    }
  }

  const apiKey = get('CARDPLUSPAY_API_KEY') ?? '';
  if (rawBase && !apiKey) {
    refuse(
      'CARDPLUSPAY_API_KEY',
      'is not set, but CARDPLUSPAY_BASE_URL is',
      'A real target needs an active key: export CARDPLUSPAY_API_KEY from your secrets store (never from a file in the repository).',
    );
  }
  const inactiveApiKey = get('CARDPLUSPAY_INACTIVE_API_KEY') || undefined;
  if (inactiveApiKey && inactiveApiKey === apiKey) {
    refuse(
      'CARDPLUSPAY_INACTIVE_API_KEY',
      'is the same key as CARDPLUSPAY_API_KEY',
      'Give a revoked or inactive key there, or unset it to skip AUTH-08.',
    );
  }

  const secondApiKey = get('CARDPLUSPAY_SECOND_API_KEY') || undefined;

  const signing = signingAccount(env, 'CARDPLUSPAY_SIGNING_API_KEY', 'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE', refuse);
  const secondSigning = signingAccount(env, 'CARDPLUSPAY_SECOND_SIGNING_API_KEY', 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE', refuse);
  if (secondSigning && !signing) {
    refuse('CARDPLUSPAY_SECOND_SIGNING_API_KEY', 'is set without CARDPLUSPAY_SIGNING_API_KEY', 'Configure the first signing account too, or unset it.');
  }
  const keyOwners = new Map<string, string>();
  for (const name of KEY_NAMES) {
    const value = get(name);
    if (!value) continue;
    const owner = keyOwners.get(value);
    if (owner && !(owner === 'CARDPLUSPAY_API_KEY' && name === 'CARDPLUSPAY_INACTIVE_API_KEY')) {
      refuse(name, `is the same key as ${owner}`, 'Each setting needs a key of its own account.');
    }
    keyOwners.set(value, owner ?? name);
  }

  let challengePath = get('CARDPLUSPAY_CHALLENGE_PATH') ?? 'auth/challenge';
  // Checked as given: a URL object would already have decoded, dropped or resolved what matters.
  const challengeSpelling = pathSpellingProblem(challengePath.replace(/^\//, ''));
  if (/^[a-z][a-z0-9+.-]*:/i.test(challengePath) || challengePath.startsWith('//')) {
    refuse('CARDPLUSPAY_CHALLENGE_PATH', 'is an absolute URL', 'Give a path relative to the base URL, e.g. auth/challenge.');
  } else if (challengeSpelling) {
    refuse('CARDPLUSPAY_CHALLENGE_PATH', `"${printable(challengePath)}" ${challengeSpelling}`, `Give the path of the challenge endpoint spelt as the API routes it, e.g. auth/challenge. ${ONE_SPELLING}`);
  }
  // A leading slash would drop the base path when joined (docs/pitfalls.md, "baseURL joins like new URL").
  challengePath = challengePath.replace(/^\/+/, '');
  const challengeMethod = oneOf(get('CARDPLUSPAY_CHALLENGE_METHOD')?.toUpperCase(), CHALLENGE_METHODS, 'POST', 'CARDPLUSPAY_CHALLENGE_METHOD', refuse);
  // The challenge is requested with a signing key: even spelt safely, it must not route to anything that spends.
  const challengeUrl = challengeSpelling ? undefined : parseUrl(challengePath, baseUrl || 'https://target.invalid/');
  const spends = challengeUrl && spendingRoute(challengeMethod, challengeUrl);
  if (spends) {
    refuse(
      'CARDPLUSPAY_CHALLENGE_PATH',
      `"${challengePath}" with CARDPLUSPAY_CHALLENGE_METHOD=${challengeMethod} routes, on common servers, to a spending endpoint (${spends.what})`,
      'Give the path of the challenge endpoint, e.g. auth/challenge; the suite never sends a key to an endpoint that spends.',
    );
  }
  const pointer = get('CARDPLUSPAY_CHALLENGE_POINTER') ?? '/data/challenge';
  if (!isJsonPointer(pointer)) {
    refuse(
      'CARDPLUSPAY_CHALLENGE_POINTER',
      'is not a JSON pointer (RFC 6901)',
      'Give a pointer such as /data/challenge: it starts with "/" and escapes "~" as ~0 and "/" as ~1.',
    );
  }
  const ttlRaw = get('CARDPLUSPAY_CHALLENGE_TTL_SECONDS') ?? '300';
  const ttlSeconds = Number(ttlRaw);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(ttlRaw) || !(ttlSeconds > 0)) {
    refuse('CARDPLUSPAY_CHALLENGE_TTL_SECONDS', `must be a positive number of seconds (got "${ttlRaw}")`, 'Give the challenge lifetime, e.g. 300.');
  }

  const httpUrl = httpProbeUrl(get('CARDPLUSPAY_HTTP_URL'), base, refuse);

  const caFile = get('CARDPLUSPAY_CA_FILE') || undefined;
  if (caFile) {
    const text = readable(caFile);
    if (text === undefined) refuse('CARDPLUSPAY_CA_FILE', `cannot be read (${caFile})`, 'Give the path of a PEM file with the CA certificates to trust.');
    else if (!text.includes('-----BEGIN CERTIFICATE-----')) {
      refuse('CARDPLUSPAY_CA_FILE', 'holds no PEM certificate', 'Give a PEM file with "-----BEGIN CERTIFICATE-----" blocks.');
    }
  }

  const httpAccept = httpAcceptSetting(get('CARDPLUSPAY_HTTP_ACCEPT'), refuse);
  const workersRaw = get('CARDPLUSPAY_WORKERS');
  const workers = workersRaw === undefined || workersRaw === '' ? (target === 'mock' ? 2 : 2) : Number(workersRaw);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) {
    refuse('CARDPLUSPAY_WORKERS', `must be a whole number from 1 to 16 (got "${workersRaw ?? ''}")`, 'Give how many requests may run in parallel, e.g. 2.');
  }

  const limits = runLimits(env, refuse);
  const maxRequestsRaw = get('CARDPLUSPAY_MAX_REQUESTS');
  const maxRequests = maxRequestsRaw === undefined || maxRequestsRaw === '' ? DEFAULT_MAX_REQUESTS : Number(maxRequestsRaw);
  if (!/^\d+$/.test(maxRequestsRaw ?? String(DEFAULT_MAX_REQUESTS)) || !(maxRequests >= 1)) {
    refuse('CARDPLUSPAY_MAX_REQUESTS', `must be a whole number of at least 1 (got "${maxRequestsRaw ?? ''}")`, `Give the most requests one run may send, e.g. ${DEFAULT_MAX_REQUESTS}.`);
  }

  const settings: Settings = {
    target,
    baseUrl,
    httpUrl,
    apiKey,
    inactiveApiKey,
    secondApiKey,
    signing,
    secondSigning,
    challenge: { path: challengePath, method: challengeMethod, pointer, ttlSeconds },
    runSlow: flag(get('CARDPLUSPAY_RUN_SLOW'), 'CARDPLUSPAY_RUN_SLOW', refuse),
    caFile,
    rootProtected: flag(get('CARDPLUSPAY_ROOT_PROTECTED'), 'CARDPLUSPAY_ROOT_PROTECTED', refuse),
    headerNameCase: oneOf(get('CARDPLUSPAY_HEADER_NAME_CASE'), HEADER_NAME_CASE, 'insensitive', 'CARDPLUSPAY_HEADER_NAME_CASE', refuse),
    paddedKey: oneOf(get('CARDPLUSPAY_PADDED_KEY'), PADDED_KEY, 'same-as-unpadded', 'CARDPLUSPAY_PADDED_KEY', refuse),
    duplicateFields: oneOf(get('CARDPLUSPAY_DUPLICATE_FIELDS'), DUPLICATE_FIELDS, '401-or-400', 'CARDPLUSPAY_DUPLICATE_FIELDS', refuse),
    httpAccept,
    failOnShould: flag(get('CARDPLUSPAY_FAIL_ON_SHOULD'), 'CARDPLUSPAY_FAIL_ON_SHOULD', refuse),
    workers,
    ...limits,
    maxRequests,
    requestLedger: get('CARDPLUSPAY_REQUEST_LEDGER') || undefined,
    runDeadline: runDeadlineIn(env),
    preflight: get('CARDPLUSPAY_PREFLIGHT') ? (JSON.parse(get('CARDPLUSPAY_PREFLIGHT')!) as PreflightResult) : undefined,
    mockControlUrl: get('CARDPLUSPAY_MOCK_CONTROL_URL') || undefined,
    mockFault: get('CARDPLUSPAY_MOCK_FAULT') || undefined,
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
