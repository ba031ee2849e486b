/**
 * Settings: the one module that reads the environment. Everything is validated before any request
 * is sent; a refusal names the variable and the fix, and never prints a key's value.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { basePathSpellingProblem, pathSpellingProblem, spendingRoute } from './client/spend-guard';
import { isJsonPointer } from './json-pointer';
import { FRAGMENT } from './redact';

export const HTTP_OUTCOMES = [
  'refused',
  'redirect-https',
  'redirect-elsewhere',
  'rejected',
  'auth-answered',
  'served',
  'other',
] as const;
export type HttpOutcome = (typeof HTTP_OUTCOMES)[number];

const HEADER_NAME_CASE = ['insensitive', 'sensitive', 'either'] as const;
const PADDED_KEY = ['same-as-unpadded', 'same-or-401'] as const;
const DUPLICATE_FIELDS = ['401-or-400', '401'] as const;
const CHALLENGE_METHODS = ['POST', 'GET', 'PUT'] as const;

/** What the runner's preflight found (helpers/runner/preflight.ts), handed to the workers. */
export type PreflightResult = { outcome: 'reachable'; ms: number } | { outcome: 'unreachable'; reason: string } | { outcome: 'certificate'; reason: string };

export interface SigningAccount {
  apiKey: string;
  privateKeyPem: string;
  privateKeyFile: string;
}

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

/** What every setting's name starts with. */
export const SETTING_PREFIX = 'CARDPLUSPAY_';

/** Every variable the suite reads; anything else named CARDPLUSPAY_* is refused as a likely typo. */
const SETTING_NAMES = [
  'CARDPLUSPAY_BASE_URL',
  'CARDPLUSPAY_API_KEY',
  'CARDPLUSPAY_INACTIVE_API_KEY',
  'CARDPLUSPAY_SECOND_API_KEY',
  'CARDPLUSPAY_SIGNING_API_KEY',
  'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_SECOND_SIGNING_API_KEY',
  'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_CHALLENGE_PATH',
  'CARDPLUSPAY_CHALLENGE_METHOD',
  'CARDPLUSPAY_CHALLENGE_POINTER',
  'CARDPLUSPAY_CHALLENGE_TTL_SECONDS',
  'CARDPLUSPAY_RUN_SLOW',
  'CARDPLUSPAY_HTTP_URL',
  'CARDPLUSPAY_CA_FILE',
  'CARDPLUSPAY_ROOT_PROTECTED',
  'CARDPLUSPAY_HEADER_NAME_CASE',
  'CARDPLUSPAY_PADDED_KEY',
  'CARDPLUSPAY_HTTP_ACCEPT',
  'CARDPLUSPAY_DUPLICATE_FIELDS',
  'CARDPLUSPAY_FAIL_ON_SHOULD',
  'CARDPLUSPAY_WORKERS',
  'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS',
  'CARDPLUSPAY_TEST_TIMEOUT_SECONDS',
  'CARDPLUSPAY_TIMEOUT_SECONDS',
  'CARDPLUSPAY_MAX_REQUESTS',
] as const;

/** Set by the runner, not by users: they describe the embedded mock it started. */
export const INTERNAL_NAMES = ['CARDPLUSPAY_TARGET', 'CARDPLUSPAY_MOCK_CONTROL_URL', 'CARDPLUSPAY_MOCK_FAULT', 'CARDPLUSPAY_MOCK_TARGETS', 'CARDPLUSPAY_REQUEST_LEDGER', 'CARDPLUSPAY_RUN_DEADLINE', 'CARDPLUSPAY_PREFLIGHT'] as const;

export function isInternal(name: string): boolean {
  return (INTERNAL_NAMES as readonly string[]).includes(name) || name.startsWith('CARDPLUSPAY_MOCK_');
}

/**
 * The runner's own variables, found in the user's environment. They are only ever set by the
 * runner for its workers; taken from outside, `CARDPLUSPAY_MOCK_FAULT=none` would turn a real
 * target's failures into expected ones, so a user's value is refused, never silently dropped.
 */
export function internalSetFromOutside(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => isInternal(name) && env[name] !== undefined)
    .map(
      (name) =>
        `Cannot start: ${name} is set in your environment, but it is internal to the runner (it describes the embedded mock it starts). Unset it (unset ${name}); the settings a user may give are listed in README.md, "Settings".`,
    );
}

export const KEY_NAMES = [
  'CARDPLUSPAY_API_KEY',
  'CARDPLUSPAY_INACTIVE_API_KEY',
  'CARDPLUSPAY_SECOND_API_KEY',
  'CARDPLUSPAY_SIGNING_API_KEY',
  'CARDPLUSPAY_SECOND_SIGNING_API_KEY',
] as const;

const DEFAULT_HTTP_ACCEPT: readonly HttpOutcome[] = ['refused', 'redirect-https', 'rejected'];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

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

/** The values that must never appear in anything the run writes. */
export function secretsOf(settings: Settings): string[] {
  return [
    settings.apiKey,
    settings.inactiveApiKey,
    settings.secondApiKey,
    settings.signing?.apiKey,
    settings.signing?.privateKeyPem,
    settings.secondSigning?.apiKey,
    settings.secondSigning?.privateKeyPem,
  ].filter((s): s is string => !!s);
}

type Refuse = (name: string, why: string, fix: string) => void;

/** Why a path must be spelt one way (SAFE-03); ends every refusal of a path's spelling. */
const ONE_SPELLING =
  'Servers and front ends decode, strip and resolve other spellings differently (Apache turns "%3F" into "?"), so a request the suite checked as read-only could reach an endpoint that spends; a configured key goes only to paths spelt one way (SAFE-03).';

/**
 * SAFE-03: the base URL as given, before `new URL` normalises it (it drops tabs and newlines and
 * surrounding spaces, reads "\" as "/", resolves dot segments): https://host[:port] and a path of
 * unreserved characters and "/", which may end with one "/".
 */
function baseUrlSpellingProblem(raw: string): string | undefined {
  const m = /^https:\/\/[^\x00-\x20\x7f/\\?#]*([/\\].*)?$/is.exec(raw);
  if (!m) return `("${printable(raw)}") is not spelt https://host[:port]/path: it holds a space or a control character, or its scheme is not followed by "//"`;
  const path = m[1] ?? '';
  const problem = basePathSpellingProblem(path);
  return problem && `has the path "${printable(path)}", which ${problem}`;
}

/** Shows control and non-ASCII characters of a setting's value as \xNN. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The share of a test's time kept for the check itself (its requests and assertions), never spent waiting out 429s. */
const ROOM_FOR_THE_CHECK = 1 / 3;
const DEFAULT_TEST_TIMEOUT_SECONDS = 30;
const DEFAULT_RUN_TIMEOUT_SECONDS = 600;
/** About three times what a full run sends (npm run conformance against the mock: 406 requests). */
const DEFAULT_MAX_REQUESTS = 1250;

export interface RunLimits {
  rateLimitBudgetSeconds: number;
  testTimeoutSeconds: number;
  timeoutSeconds: number;
}

/**
 * The run's time limits, each derived from the others when unset, so that the rate-limit budget
 * always fits inside the test timeout with room for the check (SAFE-05): a budget longer than the
 * test would end the test in Playwright's timeout instead of a clean "not judged". Settings that
 * contradict are refused rather than silently adjusted.
 */
export function runLimits(env: Env = process.env, refuse: Refuse = () => {}): RunLimits {
  const seconds = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(value >= min) || value > max) {
      refuse(name, `must be a number of seconds from ${min} to ${max} (got "${raw}")`, 'Give a duration in seconds, or unset it for the default (README.md, "Settings").');
      return undefined;
    }
    return value;
  };
  const budget = seconds('CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS', 0, 3600);
  const test = seconds('CARDPLUSPAY_TEST_TIMEOUT_SECONDS', 3, 3600);
  const run = seconds('CARDPLUSPAY_TIMEOUT_SECONDS', 3, 86_400);
  const spendable = 1 - ROOM_FOR_THE_CHECK;
  const testTimeoutSeconds = test ?? Math.max(DEFAULT_TEST_TIMEOUT_SECONDS, Math.ceil((budget ?? 0) / spendable));
  const rateLimitBudgetSeconds = budget ?? Math.floor(testTimeoutSeconds * spendable);
  if (rateLimitBudgetSeconds > testTimeoutSeconds * spendable) {
    refuse(
      'CARDPLUSPAY_RATE_LIMIT_BUDGET_SECONDS',
      `(${rateLimitBudgetSeconds} s) does not fit inside CARDPLUSPAY_TEST_TIMEOUT_SECONDS (${testTimeoutSeconds} s) with a third of the test left for the check itself`,
      `Lower the budget to at most ${Math.floor(testTimeoutSeconds * spendable)}, raise the test timeout to at least ${Math.ceil(rateLimitBudgetSeconds / spendable)}, or set only one of them (the other is derived).`,
    );
  }
  const timeoutSeconds = run ?? Math.max(DEFAULT_RUN_TIMEOUT_SECONDS, testTimeoutSeconds * 2);
  if (timeoutSeconds < testTimeoutSeconds) {
    refuse('CARDPLUSPAY_TIMEOUT_SECONDS', `(${timeoutSeconds} s) is shorter than one test's timeout (${testTimeoutSeconds} s)`, 'Raise the run time limit, or lower CARDPLUSPAY_TEST_TIMEOUT_SECONDS.');
  }
  return { rateLimitBudgetSeconds, testTimeoutSeconds, timeoutSeconds };
}

/** The environment that tells the workers where the run's request ledger is (helpers/client/request-ledger.ts). */
export function requestLedgerEnv(file: string): Record<string, string> {
  return { CARDPLUSPAY_REQUEST_LEDGER: file };
}

/** The environment that tells the workers what the preflight found. */
export function preflightEnv(result: PreflightResult): Record<string, string> {
  return { CARDPLUSPAY_PREFLIGHT: JSON.stringify(result) };
}

/** The deadline the runner process fixed for the run (epoch ms), when it did. */
export function runDeadlineIn(env: Env = process.env): number | undefined {
  return Number(env.CARDPLUSPAY_RUN_DEADLINE) || undefined;
}

/** The environment that tells the workers the target is a configured one, not the embedded mock. */
export function remoteTargetEnv(): Record<string, string> {
  return { CARDPLUSPAY_TARGET: 'remote' };
}

/** The environment that tells the workers when every check must have ended (epoch ms). */
export function runDeadlineEnv(deadline: number): Record<string, string> {
  return { CARDPLUSPAY_RUN_DEADLINE: String(deadline) };
}

function keyProblem(value: string | undefined): { why: string; fix: string } | undefined {
  if (value === undefined) return undefined;
  if (value === '') return { why: 'is set but empty', fix: 'Give the key, or unset the variable.' };
  if (/^\s*(["'`]).*\1\s*$/s.test(value) || /^\s*["'`]|["'`]\s*$/.test(value)) {
    return { why: 'has surrounding quotes', fix: 'Remove them: the key is the bare value, e.g. export NAME=abc123 (shell quotes are not part of it).' };
  }
  if (/[\r\n]$/.test(value)) return { why: 'ends with a newline', fix: 'Remove it (a copy-paste or `echo` without -n adds one).' };
  if (/^\s|\s$/.test(value)) return { why: 'has leading or trailing spaces', fix: 'Remove them: the key is the bare value.' };
  if (/[\s\x00-\x1f\x7f]/.test(value)) return { why: 'contains whitespace or control characters', fix: 'Copy the key again from the Dashboard.' };
  if (/^(bearer|basic)\s/i.test(value)) return { why: 'starts with an authorization scheme', fix: 'Give only the key, without "Bearer ".' };
  if (/[^\x21-\x7e]/.test(value)) return { why: 'contains non-ASCII characters', fix: 'Copy the key again from the Dashboard.' };
  // The redactor and the leak check work on 12-character pieces: a shorter key could not be kept out of reports.
  if (value.length < FRAGMENT) return { why: `is shorter than ${FRAGMENT} characters`, fix: 'Copy the whole key from the Dashboard; keys that short cannot be redacted reliably, so the suite refuses them.' };
  return undefined;
}

function signingAccount(env: Env, keyName: string, fileName: string, refuse: Refuse): SigningAccount | undefined {
  const apiKey = env[keyName] || undefined;
  const file = env[fileName] || undefined;
  if (!apiKey && !file) return undefined;
  if (!apiKey) {
    refuse(keyName, `is not set, but ${fileName} is`, `Give the signing account's key too, or unset ${fileName}.`);
    return undefined;
  }
  if (!file) {
    refuse(fileName, `is not set, but ${keyName} is`, "Give the path of the signing account's RSA private key (PEM).");
    return undefined;
  }
  const pem = readable(file);
  if (pem === undefined) {
    refuse(fileName, `cannot be read (${file})`, 'Check the path and that the file is readable by this user.');
    return undefined;
  }
  if (/ENCRYPTED/.test(pem)) {
    refuse(fileName, 'holds an encrypted private key', 'Give an unencrypted PEM, e.g. `openssl pkey -in key.pem -out plain.pem`, kept outside the repository.');
    return undefined;
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch {
    refuse(fileName, 'holds no readable private key', 'Give a PEM file ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----").');
    return undefined;
  }
  if (key.asymmetricKeyType !== 'rsa') {
    refuse(fileName, `holds a ${key.asymmetricKeyType ?? 'non-RSA'} key, not an RSA key`, 'Request signing is RSA-SHA256: give the RSA private key registered for the account.');
    return undefined;
  }
  return { apiKey, privateKeyPem: pem, privateKeyFile: file };
}

function httpProbeUrl(raw: string | undefined, base: URL | undefined, refuse: Refuse): string {
  if (raw === undefined || raw === '') {
    if (!base) return '';
    const url = new URL(base.href);
    url.protocol = 'http:';
    url.port = '';
    return url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  const url = parseUrl(raw);
  if (!url) {
    refuse('CARDPLUSPAY_HTTP_URL', 'is not a URL', 'Give the plain-HTTP origin to probe, e.g. http://api.cardpluspay.com/v1.');
    return '';
  }
  if (url.protocol !== 'http:') {
    refuse('CARDPLUSPAY_HTTP_URL', `must use http: (got ${url.protocol})`, 'It names the plain-HTTP origin that TLS-02 probes; leave it unset for the default.');
    return '';
  }
  if (base && url.hostname !== base.hostname) {
    refuse(
      'CARDPLUSPAY_HTTP_URL',
      `names host ${url.hostname}, not the base URL's host ${base.hostname}`,
      'The probe checks the target itself: give the same host (only the scheme and port may differ).',
    );
    return '';
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function httpAcceptSetting(raw: string | undefined, refuse: Refuse): ReadonlySet<HttpOutcome> {
  if (raw === undefined || raw.trim() === '') return new Set(DEFAULT_HTTP_ACCEPT);
  const values = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = values.filter((v) => !(HTTP_OUTCOMES as readonly string[]).includes(v));
  if (unknown.length > 0) {
    refuse('CARDPLUSPAY_HTTP_ACCEPT', `has unknown outcome(s) ${unknown.map((u) => `"${u}"`).join(', ')}`, `Use a comma-separated list of: ${HTTP_OUTCOMES.join(', ')}.`);
  }
  const forbidden = values.filter((v) => v === 'served' || v === 'auth-answered' || v === 'redirect-elsewhere');
  if (forbidden.length > 0) {
    refuse('CARDPLUSPAY_HTTP_ACCEPT', `accepts ${forbidden.join(', ')}`, 'Those outcomes put API traffic or a key in clear text; TLS-02 never accepts them.');
  }
  return new Set(values as HttpOutcome[]);
}

function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T, name: string, refuse: Refuse): T {
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  refuse(name, `has unknown value "${raw}"`, `Use one of: ${allowed.join(', ')}.`);
  return fallback;
}

/** A flag's value, or undefined when it is neither on nor off. */
function flagValue(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return undefined;
}

function flag(raw: string | undefined, name: string, refuse: Refuse): boolean {
  const value = flagValue(raw);
  if (value === undefined) refuse(name, `has unknown value "${raw}"`, 'Use 1 (on) or 0 (off).');
  return value ?? false;
}

function parseUrl(raw: string, base?: string): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

function readable(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The secrets named by the environment, without validating anything else: for processes that
 * only redact (the reporters, the runner's output filter), which must work even when the
 * settings are incomplete.
 */
export function secretsFromEnv(env: Env = process.env): string[] {
  const out: string[] = [];
  for (const name of KEY_NAMES) if (env[name]) out.push(env[name]);
  for (const name of ['CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE', 'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE']) {
    const file = env[name];
    const pem = file ? readable(file) : undefined;
    if (pem) out.push(pem);
  }
  return out;
}

/**
 * Which embedded-mock target a test runs against, from its project's options. A project names
 * one target, or (a lane of the fault self-test) one target per requirement id, so that faults
 * whose checks do not overlap share a worker. Undefined: the configured target.
 */
export interface TargetOptions {
  targetName?: string;
  targetByRequirement?: Readonly<Record<string, string>>;
}

export function targetOf(options: TargetOptions, requirementIds: readonly string[]): string | undefined {
  const lane = options.targetByRequirement;
  if (!lane) return options.targetName;
  const names = [...new Set(requirementIds.map((id) => lane[id]).filter((n): n is string => !!n))];
  if (names.length !== 1) throw new Error(`A test of ${requirementIds.join(', ') || 'no requirement'} matches ${names.length} targets of its lane: each must match one.`);
  return names[0];
}

/** Settings of a named embedded-mock target: the runner passes each target's overlay as JSON. */
export function settingsFor(targetName: string | undefined, env: Env = process.env): Settings {
  const merged: Env = { ...env };
  if (targetName) {
    const targets = JSON.parse(env.CARDPLUSPAY_MOCK_TARGETS ?? '{}') as Record<string, Record<string, string>>;
    const overlay = targets[targetName];
    if (!overlay) throw new Error(`No embedded mock target named "${targetName}" was started.`);
    Object.assign(merged, overlay);
  }
  delete merged.CARDPLUSPAY_MOCK_TARGETS;
  return loadSettings(merged);
}

/**
 * What the reporters and the scripts around a run need, read without refusing anything: they must
 * work when the settings are incomplete (a listing, a merge of shard summaries on another machine).
 * Values follow loadSettings' rules, so a value it accepts means the same here.
 */
export interface RunFacts {
  target: 'mock' | 'remote';
  /** CARDPLUSPAY_BASE_URL as given; empty when unset. */
  baseUrl: string;
  mockFault?: string;
  /** The key settings that are set: names only. */
  configuredKeys: Array<(typeof KEY_NAMES)[number]>;
  runSlow: boolean;
  failOnShould: boolean;
  workers: number;
  caFile?: string;
  /** The challenge lifetime when set; unset, the embedded mock uses its own default. */
  challengeTtlSeconds?: number;
  /** The commit a CI says it checked out (GitHub Actions' GITHUB_SHA). */
  ciCommit?: string;
}

export function runFacts(env: Env = process.env): RunFacts {
  const ttl = env.CARDPLUSPAY_CHALLENGE_TTL_SECONDS;
  return {
    target: env.CARDPLUSPAY_TARGET === 'mock' ? 'mock' : 'remote',
    baseUrl: env.CARDPLUSPAY_BASE_URL ?? '',
    mockFault: env.CARDPLUSPAY_MOCK_FAULT || undefined,
    configuredKeys: KEY_NAMES.filter((name) => env[name]),
    runSlow: flagValue(env.CARDPLUSPAY_RUN_SLOW) ?? false,
    failOnShould: flagValue(env.CARDPLUSPAY_FAIL_ON_SHOULD) ?? false,
    workers: Number(env.CARDPLUSPAY_WORKERS || 2),
    caFile: env.CARDPLUSPAY_CA_FILE || undefined,
    challengeTtlSeconds: ttl ? Number(ttl) : undefined,
    ciCommit: env.GITHUB_SHA || undefined,
  };
}
