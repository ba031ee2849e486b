/**
 * Hostile requests as data: fast-check arbitraries that build the exact bytes of requests no
 * well-behaved client sends, each tagged with what the mock may do about it. The spec
 * (mock-hostile.spec.ts) samples them with a seed and checks every answer. Here: the case type and
 * the grammar of request heads (paths, methods, header names and lines, keys) with the families
 * built from it; invalid UTF-8 is hostile-utf8.ts, bodies hostile-bodies.ts.
 */
import fc from 'fast-check';
import { rawRequest } from './raw-http';

export type Category = 'headers' | 'invalid-utf8' | 'bodies' | 'method-path' | 'mixed' | 'plain-http';

export interface HostileCase {
  category: Category;
  bytes: Buffer;
  /** A HEAD request: the answer has no body. */
  head: boolean;
  /** The connection may close without an answer: a body cut short, CONNECT (Node drops it unanswered). */
  mayDrop: boolean;
  /**
   * Sent on a connection of its own and closed after the first answer, because client and server
   * may disagree about where the request ends (cut or oversized bodies, CR/LF inside values).
   */
  alone: boolean;
  /** Half-close after writing, so a server waiting for the rest of a body sees its end. */
  halfClose: boolean;
}

export interface CaseKeys {
  active: string;
  inactive: string;
  signing: string;
}

/** Every path the API knows, and near misses of them. */
const PATHS = [
  '/',
  '/v1',
  '/v1/',
  '/v1/balance',
  '/v1/catalog?per_page=100&sort_by=value',
  '/v1/orders',
  '/v1/orders/1001',
  '/v1/orders/check',
  '/v1/auth/challenge',
  '/v1/unknown',
  '/v1//balance',
  '/v1/orders/../balance',
  '/v1/%62alance',
  '/v1/balance?api_key=x&api_key=y',
  '*',
  'https://127.0.0.1/v1/balance',
  `/v1/orders/${'9'.repeat(2000)}`,
] as const;

/** The methods Node's parser knows (and so hands to the application), plus ones it does not. */
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'LOCK',
  'SEARCH',
  'PURGE',
  'CONNECT',
  'BREW',
] as const;

const KNOWN_NAMES = [
  'x-api-key',
  'host',
  'accept',
  'content-type',
  'authorization',
  'cookie',
  'x-api-challenge',
  'x-api-signature',
  'expect',
  'upgrade',
  'connection',
  'te',
  'trailer',
  'range',
  'origin',
  'forwarded',
  'x-forwarded-for',
  'x-http-method-override',
  'accept-encoding',
  'if-none-match',
] as const;

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

const chars = (from: number, to: number): fc.Arbitrary<string> => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));
const token = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 30 });
export const visible = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: chars(0x20, 0x7e), maxLength });

/** `arbitrary`'s value in one case out of `n`, null otherwise (fc.option's freq counts the other way). */
const oneIn = <T>(n: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** A field value HTTP allows: visible characters and obs-text (bytes 0x80-0xFF). */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: visible(60) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(chars(0x20, 0x7e), chars(0x80, 0xff)), maxLength: 40 }) },
);

/** A field name: a token, or a known name in any case. */
const headerName = fc.oneof(token, fc.mixedCase(fc.constantFrom(...KNOWN_NAMES)));

const headerLine = fc.tuple(headerName, fc.constantFrom(': ', ':', ':   ', ':\t'), headerValue).map(([n, sep, v]) => `${n}${sep}${v}`);

/** A line HTTP forbids: a name that is no token, a space before the colon, control characters (CR and LF apart). */
const badHeaderLine = fc.oneof(
  fc.tuple(token, fc.constantFrom(' ', '(', '"', '/', '\x00', '\x7f', '\xff', '\xc3\xa9'), token, visible(20)).map(([a, bad, b, v]) => `${a}${bad}${b}: ${v}`),
  fc.tuple(headerName, visible(20)).map(([n, v]) => `${n} : ${v}`),
  fc
    .tuple(headerName, fc.string({ unit: fc.oneof(chars(0x00, 0x08), chars(0x0b, 0x0c), chars(0x0e, 0x1f), fc.constant('\x7f')), minLength: 1, maxLength: 5 }))
    .map(([n, c]) => `${n}: a${c}b`),
  visible(30).map((v) => `: ${v}`),
);

const keyLine = (keys: CaseKeys): fc.Arbitrary<string[]> =>
  fc.oneof(
    fc.constant<string[]>([]),
    fc.constantFrom(keys.active, keys.inactive, keys.signing).map((k) => [`X-API-Key: ${k}`]),
    fc.mixedCase(fc.constant(keys.active)).map((k) => [`x-api-key: ${k}`]),
    visible(80).map((k) => [`X-API-Key: ${k}`]),
  );

/** Random and oversized headers on well-framed requests: anything may come back, as long as it is an envelope. */
export function headerCases(keys: CaseKeys): fc.Arbitrary<HostileCase> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE'),
      path: fc.constantFrom(...PATHS.filter((p) => p !== '*')),
      host: fc.oneof(
        { weight: 8, arbitrary: fc.constant(['Host: localhost']) },
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: visible(40).map((h) => [`Host: ${h}`]) },
      ),
      key: keyLine(keys),
      lines: fc.array(headerLine, { maxLength: 20 }),
      // One forbidden line in a few requests: enough to reach the parser's refusals, few enough that
      // most requests reach the application.
      bad: oneIn(4, fc.tuple(badHeaderLine, fc.nat())),
      // Oversized: one long field, or many small ones (past Node's 2000-field cap, or 16 KiB of head).
      big: oneIn(8, fc.tuple(fc.integer({ min: 1_000, max: 20_000 }), chars(0x21, 0x7e))),
      many: oneIn(8, fc.integer({ min: 50, max: 3_000 })),
    })
    .map(({ method, path, host, key, lines, bad, big, many }) => {
      const filler = many === null ? [] : Array.from({ length: many }, (_, i) => `X-Filler-${i}: ${i}`);
      if (big) filler.push(`X-Big: ${big[1].repeat(big[0])}`);
      const all = [...host, ...key, ...lines];
      if (bad) all.splice(bad[1] % (all.length + 1), 0, bad[0]);
      return {
        category: 'headers',
        bytes: rawRequest(`${method} ${path} HTTP/1.1`, [...all, ...filler]),
        head: method === 'HEAD',
        mayDrop: false,
        alone: false,
        halfClose: false,
      };
    });
}

/** Every method on every path, with no key, each kind of key, and a signing key with a bogus signature. */
export function methodPathCases(keys: CaseKeys): HostileCase[] {
  const auths: string[][] = [
    [],
    [`X-API-Key: ${keys.active}`],
    [`X-API-Key: ${keys.inactive}`],
    [`X-API-Key: ${keys.signing}`],
    [`X-API-Key: ${keys.signing}`, 'X-API-Challenge: nope', 'X-API-Signature: bm9wZQ=='],
  ];
  const cases: HostileCase[] = [];
  for (const method of METHODS) {
    for (const path of PATHS) {
      for (const auth of auths) {
        const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? Buffer.from('{}') : Buffer.alloc(0);
        const lines = ['Host: localhost', ...auth, ...(body.length ? ['Content-Type: application/json', `Content-Length: ${body.length}`] : [])];
        // CONNECT takes an authority, and a server with no CONNECT handler drops the connection.
        const connect = method === 'CONNECT';
        cases.push({
          category: 'method-path',
          bytes: rawRequest(`${method} ${path} HTTP/1.1`, lines, body),
          head: method === 'HEAD',
          mayDrop: connect,
          alone: connect,
          halfClose: false,
        });
      }
    }
  }
  return cases;
}

/** Anything at all: methods, targets and versions that are not HTTP, CR/LF inside values, garbage heads. */
export function mixedCases(keys: CaseKeys, category: Category = 'mixed'): fc.Arbitrary<HostileCase> {
  const method = fc.oneof(fc.constantFrom(...METHODS), token, fc.string({ unit: chars(0x00, 0xff), minLength: 1, maxLength: 10 }));
  const target = fc.oneof(
    fc.constantFrom(...PATHS),
    fc.webPath().map((p) => `/v1${p}`),
    fc.string({ unit: chars(0x21, 0xff), minLength: 1, maxLength: 60 }).map((s) => `/${s}`),
  );
  const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'http/1.1', 'HTTP/1.1 extra', '');
  const injected = fc
    .tuple(visible(20), fc.constantFrom('\r\n', '\r', '\n', '\r\n\r\n', '\n\n'), visible(20))
    .map(([a, crlf, b]) => `X-Injected: ${a}${crlf}${b}`);
  const lines = fc.array(fc.oneof(headerLine, badHeaderLine, injected), { maxLength: 12 });
  return fc
    .record({ method, target, version, key: keyLine(keys), lines, body: fc.option(fc.uint8Array({ maxLength: 200 })) })
    .map(({ method: m, target: t, version: v, key, lines: ls, body }) => {
      const bodyLines = body ? [`Content-Length: ${body.length}`] : [];
      return {
        category,
        bytes: rawRequest(`${m} ${t}${v ? ` ${v}` : ''}`, ['Host: localhost', ...key, ...ls, ...bodyLines], body ? Buffer.from(body) : undefined),
        head: m === 'HEAD',
        // A head the parser reads differently from the generator (a CR/LF inside a value, say) may
        // leave it waiting for more: half-closing tells it there is no more, and it may then hang up.
        mayDrop: true,
        alone: true,
        halfClose: true,
      };
    });
}
