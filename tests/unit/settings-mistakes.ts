/**
 * SAFE-04's table of settings mistakes: each the environment that makes it and the exact start of
 * the message it must give. The spec that loops over it is config.spec.ts; the PEM files some
 * mistakes name are written to a temporary folder, removed when the worker exits.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEST_PRIVATE_PEM, testPrivateKey } from '../support/test-key';

export const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
export const OTHER = 'cpp_test_Zx8Lm2Qp5Rt7Vw9Yb1Nc3Df4Gh6Jk0Ms';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-spec-'));
const rsaPem = TEST_PRIVATE_PEM;
const ecPem = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const encryptedPem = testPrivateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text, { mode: 0o600 });
  return p;
};
export const RSA_FILE = file('rsa.pem', rsaPem);
const EC_FILE = file('ec.pem', ecPem);
const ENCRYPTED_FILE = file('encrypted.pem', encryptedPem);
const NOT_PEM = file('notes.txt', 'hello');
// Not afterAll: a worker may run more of this file's tests after its afterAll.
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

export const BASE = { CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1', CARDPLUSPAY_API_KEY: KEY };

/** A value as a refusal shows it: control and non-ASCII characters as \xNN. */
const printable = (v: string): string => v.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const ONLY = ', and a path may hold only "/" and letters, digits, "-", ".", "_" and "~" (RFC 3986 unreserved characters). Give ';

/**
 * Challenge paths refused for their spelling, and why (issue 17, item 3): behind a front end that
 * decodes `%3F` (Apache, CVE-2024-38474), `orders%3F` reaches POST orders with the signing key.
 */
const BAD_CHALLENGE_PATHS: ReadonlyArray<[string, string]> = [
  ['orders%3F', `holds "%"${ONLY}`],
  ['orders%23', `holds "%"${ONLY}`],
  ['orders%20.', `holds "%"${ONLY}`],
  ['orders%3Bx', `holds "%"${ONLY}`],
  ['%6Frders', `holds "%"${ONLY}`],
  ['orders;x', `holds ";"${ONLY}`],
  ['orders?', `holds "?"${ONLY}`],
  ['orders#', `holds "#"${ONLY}`],
  ['auth\\challenge', `holds "\\"${ONLY}`],
  ['auth challenge', `holds a space${ONLY}`],
  ['orders ', `holds a space${ONLY}`],
  ['auth/\tchallenge', `holds the control character \\x09${ONLY}`],
  ['orders\n', `holds the control character \\x0a${ONLY}`],
  ['orders\x00', `holds the control character \\x00${ONLY}`],
  ['orders\x7f', `holds the control character \\x7f${ONLY}`],
  ['auth/ch\u00e9', `holds the non-ASCII character U+00E9${ONLY}`],
  ['x/../orders', 'has a "." or ".." segment. Give '],
  ['./orders', 'has a "." or ".." segment. Give '],
  ['../orders', 'has a "." or ".." segment. Give '],
  ['auth/..', 'has a "." or ".." segment. Give '],
  ['Orders/', 'has an empty segment (a doubled, leading or trailing "/"). Give '],
  ['auth//challenge', 'has an empty segment (a doubled, leading or trailing "/"). Give '],
  ['', 'is empty. Give '],
];

/** Base URLs refused for the spelling of their path (issue 17, item 3), and why. */
const BAD_BASE_URLS: ReadonlyArray<[string, string]> = [
  ['https://api.example.test/v1/orders%3F', `has the path "/v1/orders%3F", which holds "%"${ONLY}`],
  ['https://api.example.test/v1/orders%23', `has the path "/v1/orders%23", which holds "%"${ONLY}`],
  ['https://api.example.test/v1/orders%20.', `has the path "/v1/orders%20.", which holds "%"${ONLY}`],
  ['https://api.example.test/%761', `has the path "/%761", which holds "%"${ONLY}`],
  ['https://api.example.test/v1;x', `has the path "/v1;x", which holds ";"${ONLY}`],
  ['https://api.example.test/v1\\orders', `has the path "/v1\\orders", which holds "\\"${ONLY}`],
  ['https://api.example.test\\v1', `has the path "\\v1", which holds "\\"${ONLY}`],
  ['https://api.example.test/v 1', `has the path "/v 1", which holds a space${ONLY}`],
  ['https://api.example.test/v1 ', `has the path "/v1 ", which holds a space${ONLY}`],
  ['https://api.example.test/v1/\t', `has the path "/v1/\\x09", which holds the control character \\x09${ONLY}`],
  ['https://api.example.test/v1\n', `has the path "/v1\\x0a", which holds the control character \\x0a${ONLY}`],
  ['https://api.example.test/v1/\x00', `has the path "/v1/\\x00", which holds the control character \\x00${ONLY}`],
  ['https://api.example.test/v1/../v2', 'has the path "/v1/../v2", which has a "." or ".." segment. Give '],
  ['https://api.example.test/./v1', 'has the path "/./v1", which has a "." or ".." segment. Give '],
  ['https://api.example.test/v1//', 'has the path "/v1//", which has an empty segment (a doubled, leading or trailing "/"). Give '],
  ['https://api.example.test//v1', 'has the path "//v1", which has an empty segment (a doubled, leading or trailing "/"). Give '],
  [' https://api.example.test/v1', '(" https://api.example.test/v1") is not spelt https://host[:port]/path'],
  ['https:api.example.test/v1', '("https:api.example.test/v1") is not spelt https://host[:port]/path'],
  ['https://api.ex\tample.test/v1', '("https://api.ex\\x09ample.test/v1") is not spelt https://host[:port]/path'],
];

/** Each mistake, the environment that makes it, and the exact message it must give. */
export const MISTAKES: ReadonlyArray<{ id: string; env: Record<string, string>; message: string }> = [
  {
    id: 'http base URL',
    env: { ...BASE, CARDPLUSPAY_BASE_URL: 'http://api.example.test/v1' },
    message:
      'Cannot start: CARDPLUSPAY_BASE_URL must use https: (got http:). The API key must never travel over plain HTTP: use the https:// URL of the target.',
  },
  {
    id: 'base URL without key',
    env: { CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1' },
    message:
      'Cannot start: CARDPLUSPAY_API_KEY is not set, but CARDPLUSPAY_BASE_URL is. A real target needs an active key: export CARDPLUSPAY_API_KEY from your secrets store (never from a file in the repository).',
  },
  {
    id: 'quoted key',
    env: { ...BASE, CARDPLUSPAY_API_KEY: `"${KEY}"` },
    message:
      'Cannot start: CARDPLUSPAY_API_KEY has surrounding quotes. Remove them: the key is the bare value, e.g. export NAME=abc123 (shell quotes are not part of it).',
  },
  { id: 'single-quoted key', env: { ...BASE, CARDPLUSPAY_API_KEY: `'${KEY}'` }, message: 'Cannot start: CARDPLUSPAY_API_KEY has surrounding quotes.' },
  {
    id: 'key with trailing newline',
    env: { ...BASE, CARDPLUSPAY_API_KEY: `${KEY}\n` },
    message: 'Cannot start: CARDPLUSPAY_API_KEY ends with a newline. Remove it (a copy-paste or `echo` without -n adds one).',
  },
  {
    id: 'key shorter than 12 characters',
    env: { ...BASE, CARDPLUSPAY_API_KEY: 'cpp_abc1234' },
    message:
      'Cannot start: CARDPLUSPAY_API_KEY is shorter than 12 characters. Copy the whole key from the Dashboard; keys that short cannot be redacted reliably, so the suite refuses them.',
  },
  {
    id: 'key with spaces',
    env: { ...BASE, CARDPLUSPAY_API_KEY: ` ${KEY} ` },
    message: 'Cannot start: CARDPLUSPAY_API_KEY has leading or trailing spaces. Remove them: the key is the bare value.',
  },
  {
    id: 'unknown header-case value',
    env: { ...BASE, CARDPLUSPAY_HEADER_NAME_CASE: 'lower' },
    message: 'Cannot start: CARDPLUSPAY_HEADER_NAME_CASE has unknown value "lower". Use one of: insensitive, sensitive, either.',
  },
  {
    id: 'unknown padded-key value',
    env: { ...BASE, CARDPLUSPAY_PADDED_KEY: 'ignore' },
    message: 'Cannot start: CARDPLUSPAY_PADDED_KEY has unknown value "ignore". Use one of: same-as-unpadded, same-or-401.',
  },
  {
    id: 'unknown challenge method',
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_METHOD: 'FETCH' },
    message: 'Cannot start: CARDPLUSPAY_CHALLENGE_METHOD has unknown value "FETCH". Use one of: POST, GET, PUT.',
  },
  {
    id: 'unknown flag value',
    env: { ...BASE, CARDPLUSPAY_RUN_SLOW: 'yes' },
    message: 'Cannot start: CARDPLUSPAY_RUN_SLOW has unknown value "yes". Use 1 (on) or 0 (off).',
  },
  {
    id: 'misspelt setting',
    env: { ...BASE, CARDPLUSPAY_API_KY: 'x' },
    message: 'Cannot start: CARDPLUSPAY_API_KY is not a setting of this suite. Did you mean CARDPLUSPAY_API_KEY?',
  },
  {
    id: 'unknown http outcome',
    env: { ...BASE, CARDPLUSPAY_HTTP_ACCEPT: 'refused,ignored' },
    message: 'Cannot start: CARDPLUSPAY_HTTP_ACCEPT has unknown outcome(s) "ignored".',
  },
  {
    id: 'clear-text http outcome',
    env: { ...BASE, CARDPLUSPAY_HTTP_ACCEPT: 'refused,served' },
    message: 'Cannot start: CARDPLUSPAY_HTTP_ACCEPT accepts served. Those outcomes put API traffic or a key in clear text; TLS-02 never accepts them.',
  },
  {
    id: 'missing private key file',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: path.join(dir, 'nope.pem') },
    message: `Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE cannot be read (${path.join(dir, 'nope.pem')}). Check the path and that the file is readable by this user.`,
  },
  {
    id: 'signing key without file',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER },
    message:
      "Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE is not set, but CARDPLUSPAY_SIGNING_API_KEY is. Give the path of the signing account's RSA private key (PEM).",
  },
  {
    id: 'encrypted PEM',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: ENCRYPTED_FILE },
    message:
      'Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE holds an encrypted private key. Give an unencrypted PEM, e.g. `openssl pkey -in key.pem -out plain.pem`, kept outside the repository.',
  },
  {
    id: 'non-RSA key',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: EC_FILE },
    message:
      'Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE holds a ec key, not an RSA key. Request signing is RSA-SHA256: give the RSA private key registered for the account.',
  },
  {
    id: 'not a PEM',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: OTHER, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: NOT_PEM },
    message: 'Cannot start: CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE holds no readable private key.',
  },
  {
    id: 'challenge pointer',
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_POINTER: 'data.challenge' },
    message:
      'Cannot start: CARDPLUSPAY_CHALLENGE_POINTER is not a JSON pointer (RFC 6901). Give a pointer such as /data/challenge: it starts with "/" and escapes "~" as ~0 and "/" as ~1.',
  },
  {
    id: 'lifetime not a number',
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_TTL_SECONDS: 'five' },
    message: 'Cannot start: CARDPLUSPAY_CHALLENGE_TTL_SECONDS must be a positive number of seconds (got "five"). Give the challenge lifetime, e.g. 300.',
  },
  {
    id: 'lifetime zero',
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_TTL_SECONDS: '0' },
    message: 'Cannot start: CARDPLUSPAY_CHALLENGE_TTL_SECONDS must be a positive number of seconds (got "0").',
  },
  {
    id: 'http probe on another host',
    env: { ...BASE, CARDPLUSPAY_HTTP_URL: 'http://elsewhere.example.test/v1' },
    message:
      "Cannot start: CARDPLUSPAY_HTTP_URL names host elsewhere.example.test, not the base URL's host api.example.test. The probe checks the target itself: give the same host (only the scheme and port may differ).",
  },
  {
    id: 'https probe URL',
    env: { ...BASE, CARDPLUSPAY_HTTP_URL: 'https://api.example.test/v1' },
    message: 'Cannot start: CARDPLUSPAY_HTTP_URL must use http: (got https:).',
  },
  // Node would send user:password as an Authorization header, in clear text (issue 17's hostile review).
  {
    id: 'probe URL with userinfo',
    env: { ...BASE, CARDPLUSPAY_HTTP_URL: `http://apikey:${encodeURIComponent(KEY)}@api.example.test/v1/` },
    message: 'Cannot start: CARDPLUSPAY_HTTP_URL carries credentials, a query or a fragment.',
  },
  {
    id: 'probe URL with a query',
    env: { ...BASE, CARDPLUSPAY_HTTP_URL: 'http://api.example.test/v1/?x=1' },
    message: 'Cannot start: CARDPLUSPAY_HTTP_URL carries credentials, a query or a fragment.',
  },
  // A router that ignores the method takes PUT orders to the purchase.
  {
    id: 'challenge PUT orders',
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_METHOD: 'PUT', CARDPLUSPAY_CHALLENGE_PATH: 'orders' },
    message: 'Cannot start: CARDPLUSPAY_CHALLENGE_PATH "orders" with CARDPLUSPAY_CHALLENGE_METHOD=PUT routes, on common servers, to a spending endpoint',
  },
  {
    id: 'same active and inactive key',
    env: { ...BASE, CARDPLUSPAY_INACTIVE_API_KEY: KEY },
    message:
      'Cannot start: CARDPLUSPAY_INACTIVE_API_KEY is the same key as CARDPLUSPAY_API_KEY. Give a revoked or inactive key there, or unset it to skip AUTH-08.',
  },
  {
    id: 'signing key equal to active key',
    env: { ...BASE, CARDPLUSPAY_SIGNING_API_KEY: KEY, CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE: RSA_FILE },
    message: 'Cannot start: CARDPLUSPAY_SIGNING_API_KEY is the same key as CARDPLUSPAY_API_KEY. Each setting needs a key of its own account.',
  },
  { id: 'unreadable CA file', env: { ...BASE, CARDPLUSPAY_CA_FILE: path.join(dir, 'none.pem') }, message: 'Cannot start: CARDPLUSPAY_CA_FILE cannot be read' },
  { id: 'workers', env: { ...BASE, CARDPLUSPAY_WORKERS: '0' }, message: 'Cannot start: CARDPLUSPAY_WORKERS must be a whole number from 1 to 16 (got "0").' },
  {
    id: 'concurrency',
    env: { ...BASE, CARDPLUSPAY_CONCURRENCY: '2.5' },
    message: 'Cannot start: CARDPLUSPAY_CONCURRENCY must be a whole number from 1 to 64 (got "2.5").',
  },
  {
    id: 'concurrency below the workers',
    env: { ...BASE, CARDPLUSPAY_WORKERS: '4', CARDPLUSPAY_CONCURRENCY: '2' },
    message: 'Cannot start: CARDPLUSPAY_CONCURRENCY (2) is lower than CARDPLUSPAY_WORKERS (4): each worker needs a request in flight.',
  },
  {
    id: 'certificate checks off',
    env: { ...BASE, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    message:
      'Cannot start: NODE_TLS_REJECT_UNAUTHORIZED is 0, which switches certificate checks off for every request of the run, so a key would go to any server that answers for the host. Unset it (unset NODE_TLS_REJECT_UNAUTHORIZED).',
  },
  {
    id: 'base URL ending in #',
    env: { ...BASE, CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1#' },
    message: 'Cannot start: CARDPLUSPAY_BASE_URL carries a query or fragment (it contains "?" or "#"). Give only scheme, host, port and path',
  },
  {
    id: 'base URL ending in ?',
    env: { ...BASE, CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1?' },
    message: 'Cannot start: CARDPLUSPAY_BASE_URL carries a query or fragment',
  },
  {
    id: 'base URL with a query',
    env: { ...BASE, CARDPLUSPAY_BASE_URL: 'https://api.example.test/v1?tenant=a' },
    message: 'Cannot start: CARDPLUSPAY_BASE_URL carries a query or fragment',
  },
  // Spelt safely, but a lenient server routes it to POST orders.
  ...['orders', 'Orders', 'ORDERS', 'orders.json', 'orders.', 'v2/orders'].map((p) => ({
    id: `challenge path ${p} that routes to POST orders`,
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_PATH: p },
    message: `Cannot start: CARDPLUSPAY_CHALLENGE_PATH "${p}" with CARDPLUSPAY_CHALLENGE_METHOD=POST routes, on common servers, to a spending endpoint (POST orders buys gift cards). Give the path of the challenge endpoint, e.g. auth/challenge`,
  })),
  // Issue 17, item 3: an allowlist of characters, checked as given (before a URL object decodes, drops or resolves anything).
  ...BAD_CHALLENGE_PATHS.map(([p, why]) => ({
    id: `challenge path ${JSON.stringify(p)}, spelt unsafely,`,
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_PATH: p },
    message: `Cannot start: CARDPLUSPAY_CHALLENGE_PATH "${printable(p)}" ${why}`,
  })),
  ...BAD_CHALLENGE_PATHS.filter(([p]) => p !== '').map(([p, why]) => ({
    id: `challenge path ${JSON.stringify(p)} with GET, spelt unsafely,`,
    env: { ...BASE, CARDPLUSPAY_CHALLENGE_PATH: p, CARDPLUSPAY_CHALLENGE_METHOD: 'GET' },
    message: `Cannot start: CARDPLUSPAY_CHALLENGE_PATH "${printable(p)}" ${why}`,
  })),
  ...BAD_BASE_URLS.map(([url, why]) => ({
    id: `base URL ${JSON.stringify(url)}, spelt unsafely,`,
    env: { ...BASE, CARDPLUSPAY_BASE_URL: url },
    message: `Cannot start: CARDPLUSPAY_BASE_URL ${why}`,
  })),
];
