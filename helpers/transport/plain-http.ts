/**
 * TLS-02: the plain-HTTP probe and its classifier. The verdict hinges on what happened below HTTP
 * (a refusal, a reset, a timeout before or after the request went out), which the egress reports
 * with Node's error codes. The probe carries a throwaway canary key; the egress refuses to send a
 * configured one over plain HTTP.
 */
import { expect } from '@playwright/test';
import { GuardError, type Egress } from '../client/egress';
import { notJudgedIfLimit } from '../client/not-judged';
import { EgressError } from '../client/wire';
import { answerLines, exchangeText } from '../client/transcript';
import { canaryKey } from '../cases/keys';
import { apiDataIn } from '../contract/api-data';
import { fingerprint, type MockControl } from '../mock-control';
import { redactor } from '../safety/redact';
import { secretsOf } from '../settings/secrets';
import type { HttpOutcome } from '../settings/types';
import type { Settings } from '../settings/settings';

/** How long the probe waits, for the TCP connection and then for the answer. */
const PLAIN_HTTP_TIMEOUT_MS = 10_000;

/** What came back from the plain-HTTP origin, before any judgement. */
export type PlainHttpExchange =
  | { kind: 'answer'; status: number; headers: Record<string, string>; text: string }
  | {
      kind: 'error';
      /** Node's code (ECONNREFUSED, ECONNRESET, EPIPE, HPE_…), or TIMEOUT. */
      code: string;
      /** Whether the request had gone out: a timeout before the TCP connection means nothing was sent. */
      sent: boolean;
      message: string;
    };

export interface PlainHttpClassification {
  outcome: HttpOutcome;
  /** What happened, in a reviewer's words: `answered 301 to https://host/v1/balance with an empty body`. */
  what: string;
  /** What it means for TLS-02: `a redirect to https:`, `the auth layer answered in clear text`. */
  meaning: string;
}

/** Statuses that count as an explicit refusal to talk plain HTTP. */
const REJECTION_STATUSES: readonly number[] = [400, 403, 421, 426];
const REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];

/** What each outcome means, in the words the report uses. */
const OUTCOME_MEANING: Record<HttpOutcome, string> = {
  refused: 'refused, reset or closed: nothing was served',
  'redirect-https': 'a redirect to https: with no API data',
  'redirect-elsewhere': 'a redirect that is not to https:, so the next request travels in clear text too',
  rejected: 'an explicit rejection',
  'auth-answered': "the API's auth layer answered a key sent in clear text",
  served: 'the API was served in clear text',
  other: 'none of the outcomes TLS-02 knows',
};

const as = (outcome: HttpOutcome, what: string): PlainHttpClassification => ({ outcome, what, meaning: OUTCOME_MEANING[outcome] });

/** Judges one plain-HTTP exchange. Pure: the unit tests feed it every outcome. */
export function classifyPlainHttp(exchange: PlainHttpExchange, requestUrl: URL, timeoutMs = PLAIN_HTTP_TIMEOUT_MS): PlainHttpClassification {
  if (exchange.kind === 'error') return classifyNoAnswer(exchange, timeoutMs);
  const { status, headers, text } = exchange;
  const body = text.length === 0 ? 'an empty body' : `a ${text.length}-byte ${headers['content-type'] ? `${headers['content-type'].split(';')[0]} ` : ''}body`;
  if (status >= 200 && status < 300) return as('served', `answered ${status} with ${body}`);
  if (REDIRECT_STATUSES.includes(status)) return classifyRedirect(status, headers.location, text, body, requestUrl);
  if (status === 401) {
    const envelope = apiDataIn(text, { envelopeCounts: true });
    return envelope?.startsWith('the JSON envelope')
      ? as('auth-answered', `answered 401 with ${envelope}`)
      : as('other', `answered 401 with ${body}, which is not the API's envelope`);
  }
  if (REJECTION_STATUSES.includes(status)) {
    // A rejection may be an envelope ("HTTPS required"); it must not carry what the API would return.
    const data = apiDataIn(text, { envelopeCounts: false });
    if (data) return { outcome: 'served', what: `answered ${status} with a body that carries ${data}`, meaning: OUTCOME_MEANING.served };
    const message = messageOf(text);
    return as('rejected', `answered ${status}${message ? ` "${message}"` : ''} with ${body}`);
  }
  return as('other', `answered ${status} with ${body}`);
}

/** An exchange that ended without an answer, judged by what happened below HTTP. */
function classifyNoAnswer(exchange: Extract<PlainHttpExchange, { kind: 'error' }>, timeoutMs: number): PlainHttpClassification {
  switch (exchange.code) {
    case 'ECONNREFUSED':
      return as('refused', 'refused the connection (ECONNREFUSED): nothing listens there, nothing was sent');
    case 'EHOSTUNREACH':
      return as('refused', 'was unreachable (EHOSTUNREACH: a firewall rejected the connection), nothing was sent');
    case 'ECONNRESET':
      return as('refused', `reset the connection without an answer (${/hang up/i.test(exchange.message) ? 'socket hang up' : 'ECONNRESET'})`);
    case 'EPIPE':
      return as('refused', 'closed the connection before the request was written (EPIPE)');
    case 'TIMEOUT':
      // Before the TCP connection exists nothing has left the client: a filtered port is a
      // refusal. After the request went out, silence says nothing about whether it was served.
      return exchange.sent
        ? as('other', `took the request but gave no answer within ${timeoutMs / 1000} s, so whether it was served is unknown`)
        : as('refused', `gave no TCP connection within ${timeoutMs / 1000} s (the port is filtered), nothing was sent`);
    default:
      if (exchange.code.startsWith('HPE_')) return as('other', `answered with something that is not HTTP (${exchange.code})`);
      return as('other', `failed with ${exchange.code}`);
  }
}

/** A redirect: to https: and without API data, or where the next request travels in clear text too. */
function classifyRedirect(status: number, raw: string | undefined, text: string, body: string, requestUrl: URL): PlainHttpClassification {
  if (!raw) return as('redirect-elsewhere', `answered ${status} without a Location`);
  let location: URL;
  try {
    location = new URL(raw, requestUrl);
  } catch {
    return as('redirect-elsewhere', `answered ${status} with a Location that is not a URL ("${raw.slice(0, 120)}")`);
  }
  if (location.protocol !== 'https:') return as('redirect-elsewhere', `answered ${status} to ${location.href}`);
  const data = apiDataIn(text, { envelopeCounts: true });
  if (data) {
    return {
      outcome: 'served',
      what: `answered ${status} to ${location.href}, but its body carries ${data}`,
      meaning: 'a redirect with API data: the API answered in clear text before redirecting',
    };
  }
  const host = location.hostname === requestUrl.hostname ? 'the same host' : `another host, ${location.hostname}`;
  return as('redirect-https', `answered ${status} to ${location.href} (${host}) with ${body}`);
}

function messageOf(text: string): string | undefined {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' ? m.slice(0, 80) : undefined;
  } catch {
    return undefined;
  }
}

export interface PlainHttpProbe {
  /** The plain-HTTP URL: settings.httpUrl joined with the endpoint's path. */
  url: URL;
  method: string;
  /** The throwaway canary key made for this probe; the egress refuses to send a configured key over HTTP. */
  canary: string;
  json?: unknown;
  timeoutMs?: number;
}

export interface PlainHttpResult {
  exchange: PlainHttpExchange;
  classification: PlainHttpClassification;
  /** The exchange as text for the report: the canary shown by fingerprint only. */
  transcript: string;
}

/**
 * Sends one request to the plain-HTTP origin through the one egress: a fresh connection, no
 * redirect followed (the egress follows none), only the canary (a configured key would be refused
 * before sending), and classifies whatever happens.
 */
export async function probePlainHttp(egress: Egress, probe: PlainHttpProbe, canaryFingerprint: string): Promise<PlainHttpResult> {
  const { url, method, canary } = probe;
  const timeoutMs = probe.timeoutMs ?? PLAIN_HTTP_TIMEOUT_MS;
  if (url.protocol !== 'http:') throw new GuardError(`The plain-HTTP probe only goes to http: URLs (got ${url.protocol}).`);
  const body = probe.json === undefined ? undefined : JSON.stringify(probe.json);
  const headers: Array<[string, string]> = [
    ['Host', url.host],
    ['X-API-Key', canary],
    ['Accept', 'application/json'],
    ...(body === undefined
      ? []
      : ([
          ['Content-Type', 'application/json'],
          ['Content-Length', String(Buffer.byteLength(body))],
        ] as Array<[string, string]>)),
  ];
  const exchange = await egress.exchange({ method, url, headerLines: headers, body, deadlineMs: timeoutMs }).then(
    (answer): PlainHttpExchange => ({ kind: 'answer', status: answer.status, headers: headerRecord(answer.rawHeaders), text: answer.body.toString('utf8') }),
    (error: unknown): PlainHttpExchange => {
      notJudgedIfLimit(error);
      if (!(error instanceof EgressError)) throw error;
      return { kind: 'error', code: error.kind === 'deadline' ? 'TIMEOUT' : error.code || 'UNKNOWN', sent: error.connected, message: error.message };
    },
  );

  const classification = classifyPlainHttp(exchange, url, timeoutMs);
  const sent = [
    `→ ${method} ${url.href}`,
    // Any "X-API-Key: value" line is masked by the redactor; the fingerprint says which canary went.
    `(X-API-Key carried this run's throwaway canary, sha256 fingerprint ${canaryFingerprint})`,
    ...headers.filter(([n]) => n !== 'X-API-Key').map(([n, v]) => `${n}: ${v}`),
    ...(body === undefined ? [] : ['', body]),
  ];
  const received =
    exchange.kind === 'answer'
      ? answerLines(`← ${exchange.status}`, exchange.headers, exchange.text)
      : [`← no answer: ${exchange.code} (${exchange.message})${exchange.sent ? '' : ', before the connection was made'}`];
  const transcript = exchangeText(sent, received, `classified as: ${classification.outcome}: ${classification.what}\nmeaning: ${classification.meaning}`);
  // The canary is throwaway, but a broken server may echo anything: redact like every attachment.
  return { exchange, classification, transcript: redactor.redact(transcript.split(canary).join('<canary>')) };
}

function headerRecord(rawHeaders: readonly string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const n = rawHeaders[i]!.toLowerCase();
    names[n] = names[n] === undefined ? rawHeaders[i + 1]! : `${names[n]}, ${rawHeaders[i + 1]!}`;
  }
  return names;
}

/** A key made for one probe: never a configured one, so the plain-HTTP origin never sees a real key (SAFE-02). */
export function canaryFor(settings: Settings): string {
  const configured = secretsOf(settings);
  for (;;) {
    const canary = canaryKey(settings.apiKey);
    if (!configured.includes(canary)) return canary;
  }
}

/**
 * The server's side of the plain-HTTP probe, from the embedded mock's journal: no configured key
 * ever arrived over HTTP (in this whole run), and the probe's request carried the canary and
 * nothing else. `answered` says whether the mock answered, so the request must be in the journal.
 */
export async function expectOnlyCanaryOverHttp(
  mock: MockControl,
  probe: { since: number; method: string; path: string; canary: string; answered: boolean },
): Promise<void> {
  const overHttp = (await mock.since(0)).filter((e) => e.transport === 'http');
  const leaked = overHttp.filter((e) => e.configuredKeySeen !== null).map((e) => `#${e.seq} ${e.method} ${e.path}: the ${e.configuredKeySeen} account's key`);
  expect(leaked, 'no configured key may ever arrive over plain HTTP').toEqual([]);
  const expected = fingerprint(probe.canary);
  const mine = overHttp.filter((e) => e.seq > probe.since && e.method === probe.method && e.path === probe.path);
  const strangers = mine
    .filter((e) => e.keyFingerprint !== expected)
    .map((e) => `#${e.seq} presented ${e.keyFingerprint === null ? 'no key' : `key fingerprint ${e.keyFingerprint}`}`);
  expect(strangers, `over plain HTTP the mock may only see this probe's canary (fingerprint ${expected})`).toEqual([]);
  if (probe.answered) expect(mine.length, "the mock's journal must show the probe it answered").toBeGreaterThan(0);
}
