/**
 * Transport probes (TLS-01..04): the plain-HTTP probe and its classifier, TLS handshakes pinned to
 * one version, and Strict-Transport-Security parsing. Built on node:http and node:tls rather than
 * Playwright, because the verdicts hinge on what happened below HTTP (a reset, an alert, the
 * protocol a handshake settled on), which only the raw error codes tell.
 *
 * Certificate checks are on in every handshake here and nothing can turn them off: trust comes
 * from Node's root store plus CARDPLUSPAY_CA_FILE, never from skipping verification.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { expect, test } from '@playwright/test';
import { GuardError } from '../client/client';
import { secretsOf, type HttpOutcome, type Settings } from '../settings';
import { canaryKey } from '../keys';
import { fingerprint, type MockControl } from '../mock-control';
import { redactor } from '../redact';

// ---------------------------------------------------------------------------------------------
// Plain HTTP (TLS-02)

/** How long the probe waits, for the TCP connection and then for the answer. */
export const PLAIN_HTTP_TIMEOUT_MS = 10_000;
/** More than any redirect page or rejection needs; enough to see API data. */
const MAX_BODY_BYTES = 64 * 1024;

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
export const REJECTION_STATUSES: readonly number[] = [400, 403, 421, 426];
export const REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];

/** Field names of the documented success data: one of them in a plain-HTTP body means API data travelled. */
const API_DATA_FIELDS = ['balance', 'currency', 'order_id', 'order_no', 'codes', 'orders', 'products', 'pagination', 'challenge', 'expires_in', 'price', 'item_code'];

/** What each outcome means, in the words the report uses. */
export const OUTCOME_MEANING: Record<HttpOutcome, string> = {
  refused: 'refused, reset or closed: nothing was served',
  'redirect-https': 'a redirect to https: with no API data',
  'redirect-elsewhere': 'a redirect that is not to https:, so the next request travels in clear text too',
  rejected: 'an explicit rejection',
  'auth-answered': "the API's auth layer answered a key sent in clear text",
  served: 'the API was served in clear text',
  other: 'none of the outcomes TLS-02 knows',
};

/** Why the body counts as API data, or undefined when it does not: the envelope, or a documented data field. */
export function apiDataIn(text: string, options: { envelopeCounts: boolean }): string | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (options.envelopeCounts && json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (typeof o.success === 'boolean' && ('message' in o || 'data' in o)) {
      return `the JSON envelope (success=${String(o.success)}${typeof o.message === 'string' ? `, message "${o.message.slice(0, 60)}"` : ''})`;
    }
  }
  const field = API_DATA_FIELDS.find((f) => new RegExp(`"${f}"\\s*:`).test(text));
  return field ? `the API data field "${field}"` : undefined;
}

/** Judges one plain-HTTP exchange. Pure: the unit tests feed it every outcome. */
export function classifyPlainHttp(exchange: PlainHttpExchange, requestUrl: URL, timeoutMs = PLAIN_HTTP_TIMEOUT_MS): PlainHttpClassification {
  const as = (outcome: HttpOutcome, what: string): PlainHttpClassification => ({ outcome, what, meaning: OUTCOME_MEANING[outcome] });
  if (exchange.kind === 'error') {
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

  const { status, headers, text } = exchange;
  const body = text.length === 0 ? 'an empty body' : `a ${text.length}-byte ${headers['content-type'] ? `${headers['content-type'].split(';')[0]} ` : ''}body`;
  if (status >= 200 && status < 300) return as('served', `answered ${status} with ${body}`);
  if (REDIRECT_STATUSES.includes(status)) {
    const raw = headers.location;
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
      return { outcome: 'served', what: `answered ${status} to ${location.href}, but its body carries ${data}`, meaning: 'a redirect with API data: the API answered in clear text before redirecting' };
    }
    const host = location.hostname === requestUrl.hostname ? 'the same host' : `another host, ${location.hostname}`;
    return as('redirect-https', `answered ${status} to ${location.href} (${host}) with ${body}`);
  }
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
  /** The throwaway canary key made for this probe; a configured key is refused. */
  canary: string;
  /** Every configured secret: the probe refuses to send any of them. */
  configuredKeys: readonly string[];
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
 * Sends one request to the plain-HTTP origin with node:http: never follows a redirect (node:http
 * has no such thing), carries only the canary, and classifies whatever happens.
 */
export async function probePlainHttp(probe: PlainHttpProbe, canaryFingerprint: string): Promise<PlainHttpResult> {
  const { url, method, canary } = probe;
  const timeoutMs = probe.timeoutMs ?? PLAIN_HTTP_TIMEOUT_MS;
  if (url.protocol !== 'http:') throw new GuardError(`The plain-HTTP probe only goes to http: URLs (got ${url.protocol}).`);
  const body = probe.json === undefined ? undefined : JSON.stringify(probe.json);
  const headers: Record<string, string> = { 'X-API-Key': canary, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }) };
  const texts = [url.href, decodeSafe(url.href), ...Object.values(headers), body ?? ''];
  if (probe.configuredKeys.some((k) => k.length > 0 && texts.some((t) => t.includes(k)))) {
    throw new GuardError('Refused: the plain-HTTP probe would carry a configured key. It only ever carries a throwaway canary.');
  }

  const exchange = await new Promise<PlainHttpExchange>((resolve) => {
    let connected = false;
    let settled = false;
    const done = (e: PlainHttpExchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(e);
    };
    const req = http.request(url, { method, headers, agent: false });
    const timer = setTimeout(() => {
      done({ kind: 'error', code: 'TIMEOUT', sent: connected, message: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', code: err.code ?? 'UNKNOWN', sent: connected, message: err.message }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(c);
        size += c.length;
      });
      const finish = (): void => {
        const names: Record<string, string> = {};
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          const n = res.rawHeaders[i]!.toLowerCase();
          names[n] = names[n] === undefined ? res.rawHeaders[i + 1]! : `${names[n]}, ${res.rawHeaders[i + 1]!}`;
        }
        done({ kind: 'answer', status: res.statusCode ?? 0, headers: names, text: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES) });
      };
      res.on('end', finish);
      // A server that closes mid-body has still answered: judge what arrived.
      res.on('aborted', finish);
      res.on('error', finish);
    });
    req.end(body);
  });

  const classification = classifyPlainHttp(exchange, url, timeoutMs);
  const sent = [
    `→ ${method} ${url.href}`,
    // Any "X-API-Key: value" line is masked by the redactor; the fingerprint says which canary went.
    `(X-API-Key carried this run's throwaway canary, sha256 fingerprint ${canaryFingerprint})`,
    ...Object.entries(headers)
      .filter(([n]) => n !== 'X-API-Key')
      .map(([n, v]) => `${n}: ${v}`),
    ...(body === undefined ? [] : ['', body]),
  ];
  const received =
    exchange.kind === 'answer'
      ? [`← ${exchange.status}`, ...Object.entries(exchange.headers).map(([n, v]) => `${n}: ${v}`), '', exchange.text.length > 4000 ? `${exchange.text.slice(0, 4000)}…` : exchange.text]
      : [`← no answer: ${exchange.code} (${exchange.message})${exchange.sent ? '' : ', before the connection was made'}`];
  const transcript = `${sent.join('\n')}\n\n${received.join('\n')}\n\nclassified as: ${classification.outcome}: ${classification.what}\nmeaning: ${classification.meaning}\n`;
  // The canary is throwaway, but a broken server may echo anything: redact like every attachment.
  return { exchange, classification, transcript: redactor.redact(transcript.split(canary).join('<canary>')) };
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
export async function expectOnlyCanaryOverHttp(mock: MockControl, probe: { since: number; method: string; path: string; canary: string; answered: boolean }): Promise<void> {
  const overHttp = (await mock.since(0)).filter((e) => e.transport === 'http');
  const leaked = overHttp.filter((e) => e.configuredKeySeen !== null).map((e) => `#${e.seq} ${e.method} ${e.path}: the ${e.configuredKeySeen} account's key`);
  expect(leaked, 'no configured key may ever arrive over plain HTTP').toEqual([]);
  const expected = fingerprint(probe.canary);
  const mine = overHttp.filter((e) => e.seq > probe.since && e.method === probe.method && e.path === probe.path);
  const strangers = mine.filter((e) => e.keyFingerprint !== expected).map((e) => `#${e.seq} presented ${e.keyFingerprint === null ? 'no key' : `key fingerprint ${e.keyFingerprint}`}`);
  expect(strangers, `over plain HTTP the mock may only see this probe's canary (fingerprint ${expected})`).toEqual([]);
  if (probe.answered) expect(mine.length, "the mock's journal must show the probe it answered").toBeGreaterThan(0);
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// TLS (TLS-01, TLS-04)

export interface TlsTarget {
  host: string;
  port: number;
  /** PEM file of extra CAs to trust on top of Node's root store (CARDPLUSPAY_CA_FILE). */
  caFile?: string;
}

export function tlsTargetOf(baseUrl: string, caFile?: string): TlsTarget {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:') throw new Error(`A TLS target needs an https: URL (got ${url.protocol}).`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443), caFile };
}

/** Node's root store plus the configured CA file: the only trust the suite has. */
export function trustedCas(caFile?: string): string[] {
  return caFile ? [...tls.rootCertificates, fs.readFileSync(caFile, 'utf8')] : [...tls.rootCertificates];
}

export type LegacyTlsVersion = 'TLSv1' | 'TLSv1.1';

export const LEGACY_TLS_VERSIONS: ReadonlyArray<{ id: string; version: LegacyTlsVersion; title: string }> = [
  { id: 'tls1.0', version: 'TLSv1', title: 'TLS 1.0' },
  { id: 'tls1.1', version: 'TLSv1.1', title: 'TLS 1.1' },
];

/**
 * OpenSSL 3 at its default security level will not make a TLS 1.0/1.1 handshake at all (it refuses
 * the SHA-1 signatures those versions need): a legacy probe without this would be refused by the
 * local library, and TLS-04 would pass for the wrong reason. Level 0 lets the client offer and
 * accept everything the old versions need, so any refusal left is the server's.
 */
export const LEGACY_CLIENT_CIPHERS = 'DEFAULT@SECLEVEL=0';

export interface PeerCertificate {
  subject: string;
  issuer: string;
  validTo: string;
  altNames: string;
  fingerprint256: string;
}

export type HandshakeResult =
  | { ok: true; protocol: string; cipher: string; peer: PeerCertificate }
  | {
      ok: false;
      /** Node's code: ERR_SSL_…, a certificate error such as DEPTH_ZERO_SELF_SIGNED_CERT, ECONNRESET, or TIMEOUT. */
      code: string;
      message: string;
      /** The protocol the handshake had settled on when it failed, if it got that far. */
      protocol?: string;
    };

export interface HandshakeOptions {
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  timeoutMs?: number;
}

export const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * One TLS handshake, certificate and host name verified (rejectUnauthorized is fixed to true), SNI
 * sent when the host is a name. Resolves with what happened; never throws for a network outcome.
 */
export function handshake(target: TlsTarget, options: HandshakeOptions = {}): Promise<HandshakeResult> {
  const timeoutMs = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      // RFC 6066 forbids an IP address as server name; Node then checks the IP against the certificate.
      ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
      ca: trustedCas(target.caFile),
      rejectUnauthorized: true,
      ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
    });
    const done = (r: HandshakeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'TIMEOUT', message: `no handshake within ${timeoutMs} ms` }), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done({
        ok: true,
        protocol: socket.getProtocol() ?? 'unknown',
        cipher: socket.getCipher().name,
        peer: {
          subject: nameOf(cert.subject),
          issuer: nameOf(cert.issuer),
          validTo: cert.valid_to,
          altNames: cert.subjectaltname ?? '',
          fingerprint256: cert.fingerprint256,
        },
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, code: err.code ?? 'UNKNOWN', message: err.message.split('\n')[0]!, protocol: socket.getProtocol() ?? undefined }));
    socket.once('close', () => done({ ok: false, code: 'ECONNRESET', message: 'the connection closed before the handshake finished' }));
  });
}

function nameOf(n: tls.Certificate | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** TLS alert descriptions (RFC 8446 6, RFC 5246 7.2) that servers send when refusing a handshake. */
const ALERTS: Record<number, string> = {
  10: 'unexpected_message',
  40: 'handshake_failure',
  47: 'illegal_parameter',
  50: 'decode_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
};

/** Certificate verification failures: the server had already agreed to the version when these arise. */
const CERTIFICATE_ERRORS = /^(ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_|HOSTNAME_MISMATCH)/;
/** The local library declined before anything reached the server: says nothing about the server. */
const LOCAL_BEFORE_HELLO = /^ERR_SSL_(NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH|UNSUPPORTED_SSL_VERSION)$/;
/** The server answered with another version: it did not agree to the legacy one. */
const VERSION_MISMATCH = /^ERR_SSL_(UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER)$/;
/**
 * The local library balked at what the server sent after its ServerHello (the old SHA-1 key
 * exchange signature, a weak key, no secure renegotiation): the server had picked the old version.
 */
const LOCAL_AFTER_HELLO = /^ERR_SSL_(LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED|UNSAFE_LEGACY_RENEGOTIATION_DISABLED|DH_KEY_TOO_SMALL|EE_KEY_TOO_SMALL|CA_KEY_TOO_SMALL|CA_MD_TOO_WEAK)$/;

export type LegacyVerdict = 'refused' | 'accepted' | 'inconclusive';

export interface LegacyTlsResult {
  verdict: LegacyVerdict;
  /** In a reviewer's words: `refused: the server answered with alert 70 (protocol_version)`. */
  what: string;
  legacy: HandshakeResult;
  /** A modern handshake to the same place just before: proves the server was there to refuse. */
  control: HandshakeResult;
}

/**
 * Judges a handshake pinned to one legacy version, given a modern control handshake. Pure.
 * `refused` needs evidence the server declined: an alert, a reply in another version, a reset or
 * silence, while the control handshake worked. A completed handshake, or one that got as far as
 * the server's certificate or key exchange before the local library balked, means the server
 * agreed to the old version: `accepted`. Anything the local library decided alone is `inconclusive`.
 */
export function classifyLegacyHandshake(title: string, legacy: HandshakeResult, control: HandshakeResult): Omit<LegacyTlsResult, 'legacy' | 'control'> {
  if (!control.ok) {
    return { verdict: 'inconclusive', what: `a modern handshake failed too (${control.code}: ${control.message}), so the ${title} result says nothing about the server` };
  }
  if (legacy.ok) return { verdict: 'accepted', what: `the server completed a ${title} handshake (${legacy.protocol}, cipher ${legacy.cipher})` };
  const alert = /SSL alert number (\d+)/.exec(legacy.message);
  if (alert) {
    const n = Number(alert[1]);
    return { verdict: 'refused', what: `refused: the server answered the ${title} ClientHello with alert ${n} (${ALERTS[n] ?? 'unknown'})` };
  }
  if (VERSION_MISMATCH.test(legacy.code)) return { verdict: 'refused', what: `refused: the server answered in another protocol version (${legacy.code})` };
  if (legacy.code === 'ECONNRESET' || legacy.code === 'EPIPE') return { verdict: 'refused', what: `refused: the server closed the connection during the ${title} handshake (${legacy.code})` };
  if (legacy.code === 'TIMEOUT') {
    return { verdict: 'refused', what: `refused: the server never answered the ${title} ClientHello, while a ${control.protocol} handshake just before succeeded at once` };
  }
  if (LOCAL_BEFORE_HELLO.test(legacy.code)) {
    return { verdict: 'inconclusive', what: `the local TLS library would not offer ${title} (${legacy.code}), so nothing reached the server` };
  }
  if (CERTIFICATE_ERRORS.test(legacy.code) || LOCAL_AFTER_HELLO.test(legacy.code)) {
    return {
      verdict: 'accepted',
      what: `the server agreed to ${title} (the handshake reached ${CERTIFICATE_ERRORS.test(legacy.code) ? 'certificate verification' : 'the server key exchange'} before failing locally with ${legacy.code})`,
    };
  }
  return { verdict: 'inconclusive', what: `the ${title} handshake failed with ${legacy.code} (${legacy.message}), which tells neither way` };
}

/** TLS-04: a modern control handshake, then one pinned to `version` with the legacy-capable cipher list. */
export async function probeLegacyTls(target: TlsTarget, version: LegacyTlsVersion, title: string): Promise<LegacyTlsResult> {
  const control = await handshake(target);
  const legacy = await handshake(target, { minVersion: version, maxVersion: version, ciphers: LEGACY_CLIENT_CIPHERS });
  return { ...classifyLegacyHandshake(title, legacy, control), legacy, control };
}

/** A handshake as report text. */
export function describeHandshake(label: string, r: HandshakeResult): string {
  if (!r.ok) return `${label}: failed with ${r.code}${r.protocol ? ` after settling on ${r.protocol}` : ''}: ${r.message}`;
  return [`${label}: ${r.protocol}, cipher ${r.cipher}`, `  certificate subject: ${r.peer.subject}`, `  issuer: ${r.peer.issuer}`, `  valid until: ${r.peer.validTo}`, `  names: ${r.peer.altNames || '(none)'}`, `  sha256: ${r.peer.fingerprint256}`].join('\n');
}

// ---------------------------------------------------------------------------------------------
// HSTS (TLS-03)

/** 180 days, the minimum TLS-03 asks for (and what HSTS preload lists took as their floor). */
export const HSTS_MIN_MAX_AGE = 15_552_000;

export interface Hsts {
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
  /** Why the header is invalid (RFC 6797 6.1); a browser ignores an invalid header entirely. */
  problems: string[];
}

/**
 * Parses Strict-Transport-Security per RFC 6797 6.1: directives split by ";", names
 * case-insensitive, values token or quoted-string, each directive at most once, max-age required.
 * When the field came more than once (joined with ", "), only the first counts (8.1).
 */
export function parseHsts(value: string): Hsts {
  const first = splitOutsideQuotes(value, ',')[0] ?? '';
  const out: Hsts = { includeSubDomains: false, preload: false, problems: [] };
  const seen = new Set<string>();
  for (const raw of splitOutsideQuotes(first, ';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    let arg = eq === -1 ? undefined : part.slice(eq + 1).trim();
    if (arg?.startsWith('"') && arg.endsWith('"') && arg.length >= 2) arg = arg.slice(1, -1);
    if (seen.has(name)) out.problems.push(`the directive ${name} appears twice`);
    seen.add(name);
    if (name === 'max-age') {
      if (arg === undefined || !/^\d+$/.test(arg)) out.problems.push(`max-age is not a whole number of seconds ("${arg ?? ''}")`);
      else out.maxAge = Number(arg);
    } else if (name === 'includesubdomains') out.includeSubDomains = true;
    else if (name === 'preload') out.preload = true;
  }
  if (!seen.has('max-age')) out.problems.push('max-age is missing');
  return out;
}

/** TLS-03's judgement of one Strict-Transport-Security value (undefined: the header was absent). */
export function hstsVerdict(value: string | undefined): { ok: boolean; what: string } {
  const minimum = describeSeconds(HSTS_MIN_MAX_AGE);
  if (value === undefined) return { ok: false, what: `no Strict-Transport-Security header (TLS-03 asks for a max-age of at least ${minimum})` };
  const hsts = parseHsts(value);
  if (hsts.problems.length > 0) return { ok: false, what: `Strict-Transport-Security "${value}" is invalid (${hsts.problems.join('; ')}), so a browser ignores it` };
  const maxAge = hsts.maxAge ?? 0;
  const ok = maxAge >= HSTS_MIN_MAX_AGE;
  return { ok, what: `Strict-Transport-Security "${value}": max-age ${describeSeconds(maxAge)} ${ok ? 'meets' : 'is below'} the ${minimum} minimum` };
}

function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `31536000 s (365 days)`. */
export function describeSeconds(seconds: number): string {
  const days = seconds / 86_400;
  return `${seconds} s (${days >= 1 ? `${Number.isInteger(days) ? days : days.toFixed(1)} days` : `${(seconds / 3600).toFixed(1)} hours`})`;
}

// ---------------------------------------------------------------------------------------------
// The report

/**
 * Makes what a transport check saw visible: an `observed` annotation (the HTML report, JUnit
 * properties, an Allure step) and an attachment with the details. Everything passes the redactor.
 */
export async function observe(summary: string, details?: string): Promise<void> {
  const info = test.info();
  const line = redactor.redact(summary);
  info.annotations.push({ type: 'observed', description: line });
  await info.attach('observed', { body: redactor.redact(details ? `${line}\n\n${details}` : `${line}\n`), contentType: 'text/plain' });
}
