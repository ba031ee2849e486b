/**
 * The transport verdicts as pure functions: every plain-HTTP outcome TLS-02 knows, every way a
 * legacy handshake can end (TLS-04), and Strict-Transport-Security parsing (TLS-03). Cases are
 * data; each names the behaviour it pins.
 */
import { expect, test } from '../support/unit-test';
import { HTTP_OUTCOMES, type HttpOutcome } from '../../helpers/settings/types';
import { HSTS_MIN_MAX_AGE, hstsVerdict, parseHsts } from '../../helpers/transport/hsts';
import { classifyPlainHttp, type PlainHttpExchange } from '../../helpers/transport/plain-http';
import type { HandshakeResult } from '../../helpers/client/handshake';
import { classifyLegacyHandshake, type LegacyVerdict } from '../../helpers/transport/tls-versions';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });
const URL_HTTP = new URL('http://api.example.test/v1/balance');
const ENVELOPE_401 = JSON.stringify({ success: false, message: 'Unauthorized', data: {} });
const HTTPS_REQUIRED = JSON.stringify({ success: false, message: 'HTTPS required', data: {} });

const answer = (status: number, headers: Record<string, string> = {}, text = ''): PlainHttpExchange => ({ kind: 'answer', status, headers, text });
const failure = (code: string, sent = true, message = code): PlainHttpExchange => ({ kind: 'error', code, sent, message });

const PLAIN_HTTP_CASES: ReadonlyArray<{ id: string; exchange: PlainHttpExchange; outcome: HttpOutcome; says: RegExp }> = [
  { id: 'connection refused', exchange: failure('ECONNREFUSED', false), outcome: 'refused', says: /ECONNREFUSED.*nothing was sent/ },
  { id: 'firewall reject', exchange: failure('EHOSTUNREACH', false), outcome: 'refused', says: /EHOSTUNREACH/ },
  { id: 'reset', exchange: failure('ECONNRESET'), outcome: 'refused', says: /reset the connection/ },
  { id: 'socket hang up', exchange: failure('ECONNRESET', true, 'socket hang up'), outcome: 'refused', says: /socket hang up/ },
  { id: 'closed before the body was written', exchange: failure('EPIPE'), outcome: 'refused', says: /EPIPE/ },
  { id: 'filtered port (no TCP connection in time)', exchange: failure('TIMEOUT', false), outcome: 'refused', says: /filtered.*nothing was sent/ },
  { id: 'silence after the request went out', exchange: failure('TIMEOUT', true), outcome: 'other', says: /whether it was served is unknown/ },
  { id: 'not HTTP at all', exchange: failure('HPE_INVALID_CONSTANT'), outcome: 'other', says: /not HTTP/ },
  {
    id: '301 to https, empty body',
    exchange: answer(301, { location: 'https://api.example.test/v1/balance' }),
    outcome: 'redirect-https',
    says: /301 to https:\/\/api\.example\.test\/v1\/balance \(the same host\) with an empty body/,
  },
  {
    id: '308 to https on another host',
    exchange: answer(308, { location: 'https://secure.example.test/' }),
    outcome: 'redirect-https',
    says: /another host, secure\.example\.test/,
  },
  {
    id: '302 to https with an HTML "Moved" page',
    exchange: answer(302, { location: 'https://api.example.test/v1/balance', 'content-type': 'text/html' }, '<html><body>Moved Permanently</body></html>'),
    outcome: 'redirect-https',
    says: /text\/html body/,
  },
  {
    id: '307 to an http: Location',
    exchange: answer(307, { location: 'http://api.example.test:8080/v1/balance' }),
    outcome: 'redirect-elsewhere',
    says: /307 to http:/,
  },
  {
    id: '301 to a relative Location (stays on http:)',
    exchange: answer(301, { location: '/v1/balance' }),
    outcome: 'redirect-elsewhere',
    says: /to http:\/\/api\.example\.test\/v1\/balance/,
  },
  { id: '301 without a Location', exchange: answer(301), outcome: 'redirect-elsewhere', says: /without a Location/ },
  {
    id: '301 to https whose body is the 401 envelope',
    exchange: answer(301, { location: 'https://api.example.test/v1/balance', 'content-type': 'application/json' }, ENVELOPE_401),
    outcome: 'served',
    says: /body carries the JSON envelope/,
  },
  {
    id: '301 to https whose body is balance data',
    exchange: answer(301, { location: 'https://api.example.test/v1/balance' }, '{"balance":"100.50","currency":"USD"}'),
    outcome: 'served',
    says: /"balance"/,
  },
  {
    id: '303 to https (not a redirect TLS-02 accepts)',
    exchange: answer(303, { location: 'https://api.example.test/v1/balance' }),
    outcome: 'other',
    says: /answered 303/,
  },
  {
    id: '400',
    exchange: answer(400, { 'content-type': 'text/html' }, '<h1>The plain HTTP request was sent to HTTPS port</h1>'),
    outcome: 'rejected',
    says: /answered 400/,
  },
  {
    id: '403 "HTTPS required" envelope',
    exchange: answer(403, { 'content-type': 'application/json' }, HTTPS_REQUIRED),
    outcome: 'rejected',
    says: /403 "HTTPS required"/,
  },
  { id: '421', exchange: answer(421), outcome: 'rejected', says: /answered 421/ },
  { id: '426', exchange: answer(426, { upgrade: 'TLS/1.2, HTTP/1.1' }, HTTPS_REQUIRED), outcome: 'rejected', says: /answered 426/ },
  {
    id: '403 whose body carries API data',
    exchange: answer(403, {}, '{"success":true,"message":"ok","data":{"balance":"1.00"}}'),
    outcome: 'served',
    says: /"balance"/,
  },
  {
    id: '401 envelope',
    exchange: answer(401, { 'content-type': 'application/json' }, ENVELOPE_401),
    outcome: 'auth-answered',
    says: /401 with the JSON envelope/,
  },
  {
    id: "401 that is not the API's envelope (a proxy's Basic challenge)",
    exchange: answer(401, { 'www-authenticate': 'Basic' }, 'Authorization Required'),
    outcome: 'other',
    says: /not the API's envelope/,
  },
  {
    id: '200',
    exchange: answer(200, { 'content-type': 'application/json' }, '{"success":true,"message":"ok","data":{}}'),
    outcome: 'served',
    says: /answered 200/,
  },
  { id: '204', exchange: answer(204), outcome: 'served', says: /answered 204/ },
  { id: '404', exchange: answer(404), outcome: 'other', says: /answered 404/ },
  { id: '500', exchange: answer(500), outcome: 'other', says: /answered 500/ },
];

test.describe('plain-HTTP classifier', () => {
  for (const c of PLAIN_HTTP_CASES) {
    test(`TLS-02 ${c.id} is classified ${c.outcome}`, req('TLS-02'), () => {
      const r = classifyPlainHttp(c.exchange, URL_HTTP, 5_000);
      expect(r.outcome).toBe(c.outcome);
      expect(r.what).toMatch(c.says);
      expect(r.meaning.length).toBeGreaterThan(0);
    });
  }

  test('TLS-02 every outcome kind has a case', req('TLS-02'), () => {
    const covered = new Set(PLAIN_HTTP_CASES.map((c) => c.outcome));
    expect(HTTP_OUTCOMES.filter((o) => !covered.has(o))).toEqual([]);
  });
});

const OK: HandshakeResult = {
  ok: true,
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_128_GCM_SHA256',
  peer: { subject: 'CN=x', issuer: 'CN=x', validTo: '', altNames: '', fingerprint256: '' },
};
const fail = (code: string, message = code): HandshakeResult => ({ ok: false, code, message });

const LEGACY_CASES: ReadonlyArray<{ id: string; legacy: HandshakeResult; control?: HandshakeResult; verdict: LegacyVerdict }> = [
  { id: 'a completed handshake', legacy: { ...OK, protocol: 'TLSv1' }, verdict: 'accepted' },
  {
    id: "the server's protocol_version alert",
    legacy: fail('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version ... SSL alert number 70'),
    verdict: 'refused',
  },
  {
    id: "the server's handshake_failure alert",
    legacy: fail('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure ... SSL alert number 40'),
    verdict: 'refused',
  },
  { id: 'a ServerHello in another version', legacy: fail('ERR_SSL_UNSUPPORTED_PROTOCOL', 'unsupported protocol'), verdict: 'refused' },
  { id: 'a reset during the handshake', legacy: fail('ECONNRESET'), verdict: 'refused' },
  { id: 'silence while a modern handshake works', legacy: fail('TIMEOUT'), verdict: 'refused' },
  { id: 'the local library refusing to offer the version', legacy: fail('ERR_SSL_NO_PROTOCOLS_AVAILABLE'), verdict: 'inconclusive' },
  {
    id: "the local library refusing the server's SHA-1 key exchange (the server chose the old version)",
    legacy: fail('ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED'),
    verdict: 'accepted',
  },
  { id: 'a certificate error after the server chose the old version', legacy: fail('DEPTH_ZERO_SELF_SIGNED_CERT'), verdict: 'accepted' },
  { id: 'an error that tells neither way', legacy: fail('ERR_SOMETHING_NEW'), verdict: 'inconclusive' },
  { id: 'any result when the modern control handshake failed too', legacy: fail('ECONNRESET'), control: fail('ECONNREFUSED'), verdict: 'inconclusive' },
];

test.describe('legacy TLS classifier', () => {
  for (const c of LEGACY_CASES) {
    test(`TLS-04 ${c.id} is judged ${c.verdict}`, req('TLS-04'), () => {
      const r = classifyLegacyHandshake('TLS 1.0', c.legacy, c.control ?? OK);
      expect(r.verdict).toBe(c.verdict);
      expect(r.what.length).toBeGreaterThan(0);
    });
  }
});

const HSTS_CASES: ReadonlyArray<{ value: string; maxAge?: number; problems: number; enough: boolean }> = [
  { value: 'max-age=31536000; includeSubDomains', maxAge: 31_536_000, problems: 0, enough: true },
  { value: 'max-age=15552000', maxAge: 15_552_000, problems: 0, enough: true },
  { value: 'MAX-AGE="63072000"; preload', maxAge: 63_072_000, problems: 0, enough: true },
  { value: ' max-age = 31536000 ;includeSubDomains;', maxAge: 31_536_000, problems: 0, enough: true },
  { value: 'max-age=15551999', maxAge: 15_551_999, problems: 0, enough: false },
  { value: 'max-age=3600', maxAge: 3600, problems: 0, enough: false },
  { value: 'max-age=0', maxAge: 0, problems: 0, enough: false },
  { value: 'includeSubDomains', problems: 1, enough: false },
  { value: 'max-age=one-year', problems: 1, enough: false },
  { value: 'max-age=31536000; max-age=31536000', maxAge: 31_536_000, problems: 1, enough: false },
  { value: 'max-age=3600, max-age=31536000', maxAge: 3600, problems: 0, enough: false },
];

test.describe('Strict-Transport-Security parser', () => {
  for (const c of HSTS_CASES) {
    test(`TLS-03 "${c.value}" is ${c.enough ? 'long enough' : 'not enough'}`, req('TLS-03'), () => {
      const h = parseHsts(c.value);
      expect(h.maxAge).toBe(c.maxAge);
      expect(h.problems).toHaveLength(c.problems);
      expect(h.problems.length === 0 && (h.maxAge ?? 0) >= HSTS_MIN_MAX_AGE).toBe(c.enough);
      expect(hstsVerdict(c.value).ok).toBe(c.enough);
    });
  }

  test('TLS-03 an absent header is not enough', req('TLS-03'), () => {
    expect(hstsVerdict(undefined)).toEqual({ ok: false, what: expect.stringMatching(/no Strict-Transport-Security/) });
  });
});
