/**
 * The requirement catalogue: the one table that test titles, report labels, the summary and the
 * self-test's coverage lint all come from. Mirrors docs/requirements.md.
 */
export type Level = 'must' | 'should';
export type Area = 'AUTH' | 'ENV' | 'TLS' | 'SIGN' | 'SAFE' | 'CLIENT';

export interface Requirement {
  level: Level;
  title: string;
  /** The docs.cardpluspay.com page the requirement is derived from. */
  docs: string;
}

const DOCS = 'https://docs.cardpluspay.com';
const AUTHN = `${DOCS}/authentication`;
const SECURITY = `${DOCS}/security`;
const TROUBLE = `${DOCS}/troubleshooting`;
const CONCEPTS = `${DOCS}/concepts`;

export const AREAS: Record<Area, string> = {
  AUTH: 'API key',
  ENV: 'Response envelope',
  TLS: 'Transport',
  SIGN: 'Request signing',
  SAFE: "The suite's own conduct",
  CLIENT: "A client's side of the contract",
};

export const REQUIREMENTS = {
  'AUTH-01': { level: 'must', docs: AUTHN, title: 'A valid key gets 2xx and a success envelope on the read-only endpoints' },
  'AUTH-02': { level: 'must', docs: AUTHN, title: 'No X-API-Key header gets the 401 Unauthorized envelope' },
  'AUTH-03': { level: 'must', docs: AUTHN, title: 'An empty or whitespace-only key gets the 401 Unauthorized envelope' },
  'AUTH-04': { level: 'must', docs: AUTHN, title: 'A well-formed but never-issued key gets the 401 Unauthorized envelope' },
  'AUTH-05': { level: 'must', docs: TROUBLE, title: 'Malformed keys get 401, never 2xx or 5xx' },
  'AUTH-06': { level: 'must', docs: TROUBLE, title: 'Quoted keys get 401' },
  'AUTH-07': { level: 'must', docs: TROUBLE, title: 'OWS padding is not part of the key; other padding, as UTF-8 or as one byte, gets 401' },
  'AUTH-08': { level: 'must', docs: AUTHN, title: 'A revoked or inactive key gets the 401 Unauthorized envelope' },
  'AUTH-09': { level: 'must', docs: TROUBLE, title: 'The key anywhere but X-API-Key gets 401, and cookies the API sets are not credentials' },
  'AUTH-10': { level: 'should', docs: TROUBLE, title: 'Header names are case-insensitive' },
  'AUTH-11': { level: 'must', docs: AUTHN, title: 'Ambiguous credentials are refused' },
  'AUTH-12': { level: 'must', docs: AUTHN, title: 'Every documented endpoint enforces the key' },
  'AUTH-13': { level: 'must', docs: SECURITY, title: '401 answers never echo the key nor tell which keys exist' },
  'AUTH-14': { level: 'must', docs: SECURITY, title: 'Authentication does not depend on how a request is spelt' },
  'AUTH-15': { level: 'must', docs: SECURITY, title: "One account's orders are not reachable with another account's key" },
  'ENV-01': { level: 'must', docs: CONCEPTS, title: 'Responses are application/json with a JSON body' },
  'ENV-02': { level: 'must', docs: CONCEPTS, title: 'The body is {success, message, data} and success matches the status' },
  'ENV-03': { level: 'must', docs: AUTHN, title: 'A key failure 401 has message "Unauthorized"' },
  'ENV-04': { level: 'must', docs: `${DOCS}/balance`, title: 'GET balance data: decimal-string balance, 3-letter currency' },
  'ENV-05': { level: 'should', docs: `${DOCS}/orders`, title: 'Other documented success shapes match their documented types' },
  'TLS-01': { level: 'must', docs: SECURITY, title: 'The base URL is https: and its certificate verifies' },
  'TLS-02': { level: 'must', docs: SECURITY, title: 'Plain HTTP is not served' },
  'TLS-03': { level: 'should', docs: SECURITY, title: 'HTTPS responses carry Strict-Transport-Security with max-age >= 180 days' },
  'TLS-04': { level: 'must', docs: SECURITY, title: 'TLS 1.0 and 1.1 handshakes are refused' },
  'SIGN-01': { level: 'must', docs: AUTHN, title: 'The challenge endpoint issues a fresh challenge in a success envelope' },
  'SIGN-02': { level: 'must', docs: AUTHN, title: 'The challenge endpoint requires X-API-Key' },
  'SIGN-03': { level: 'must', docs: AUTHN, title: 'An issued challenge with a valid signature succeeds' },
  'SIGN-04': { level: 'must', docs: AUTHN, title: 'Missing challenge or signature headers get 401' },
  'SIGN-05': { level: 'must', docs: AUTHN, title: 'A signature made with a different private key gets 401' },
  'SIGN-06': { level: 'must', docs: AUTHN, title: 'A signature over other bytes gets 401' },
  'SIGN-07': { level: 'must', docs: AUTHN, title: 'A damaged signature gets 401, never 5xx' },
  'SIGN-08': { level: 'must', docs: AUTHN, title: 'A never-issued challenge, correctly signed, gets 401' },
  'SIGN-09': { level: 'must', docs: AUTHN, title: 'A used challenge gets 401 on reuse, on any endpoint' },
  'SIGN-10': { level: 'must', docs: AUTHN, title: 'Concurrent reuse: exactly one of N simultaneous uses succeeds' },
  'SIGN-11': { level: 'must', docs: AUTHN, title: 'An expired challenge gets 401; one well inside its lifetime succeeds' },
  'SIGN-12': { level: 'should', docs: AUTHN, title: 'A challenge issued to one account is refused for another' },
  'SIGN-13': { level: 'must', docs: AUTHN, title: "The suite's signer matches fixed vectors, node:crypto and openssl" },
  'SAFE-01': { level: 'must', docs: SECURITY, title: 'No key, signature or private key appears, in any encoding, in anything the run writes or prints' },
  'SAFE-02': { level: 'must', docs: SECURITY, title: 'No key travels over plain HTTP, to another host, or through a redirect' },
  'SAFE-03': { level: 'must', docs: SECURITY, title: 'With a valid key the suite calls only read-only endpoints, routes matched as servers match them' },
  'SAFE-04': { level: 'must', docs: SECURITY, title: 'Bad configuration stops the run before any request' },
  'SAFE-05': {
    level: 'must',
    docs: `${DOCS}/troubleshooting`,
    title: 'A real target is treated politely: 429 honoured with bounded backoff, waits inside the test timeout, parallelism limited, requests capped',
  },
  'SAFE-06': {
    level: 'must',
    docs: SECURITY,
    title: 'No ambient credentials: a request carries only the headers its check chose, never a cookie the target set',
  },
  'SAFE-07': {
    level: 'must',
    docs: `${DOCS}/troubleshooting`,
    title: 'Honest verdicts: a must that could not be judged, or none judged, gives "could not judge" (exit 3), never "conforms"',
  },
  'SAFE-08': {
    level: 'must',
    docs: `${DOCS}/troubleshooting`,
    title: 'Bounded work whatever the target sends: bodies capped at 1 MiB, values cut before assertions, a global time limit',
  },
  'SAFE-09': { level: 'must', docs: SECURITY, title: 'The reports call nowhere: opening the Allure report sends no request off the machine' },
  'CLIENT-01': { level: 'must', docs: AUTHN, title: 'The key travels only as the whole value of X-API-Key' },
  'CLIENT-02': { level: 'must', docs: CONCEPTS, title: 'Every request sends Accept: application/json' },
  'CLIENT-03': { level: 'must', docs: CONCEPTS, title: 'Every request with a body sends Content-Type: application/json and a JSON body' },
  'CLIENT-04': { level: 'must', docs: SECURITY, title: 'No request carrying a key goes over plain HTTP' },
  'CLIENT-05': { level: 'must', docs: SECURITY, title: "The client verifies the server's certificate" },
  'CLIENT-06': { level: 'must', docs: SECURITY, title: 'No redirect carries the key to another origin or to plain HTTP' },
  'CLIENT-07': { level: 'must', docs: AUTHN, title: 'Signing: each challenge used once, before it expires, with a signature that verifies' },
  'CLIENT-08': { level: 'must', docs: TROUBLE, title: 'A 429 is not retried before its Retry-After' },
  'CLIENT-09': { level: 'must', docs: TROUBLE, title: 'A 401 is not retried in a loop' },
} as const satisfies Record<string, Requirement>;

export type RequirementId = keyof typeof REQUIREMENTS;

/** The requirement ids a test names in its `requirement` annotations (see requirement() in helpers/fixtures.ts). */
export function requirementIdsIn(annotations: ReadonlyArray<{ type: string; description?: string }>): RequirementId[] {
  return annotations.flatMap((a) => (a.type === 'requirement' && a.description && isRequirementId(a.description) ? [a.description] : []));
}

export function isRequirementId(id: string): id is RequirementId {
  return Object.prototype.hasOwnProperty.call(REQUIREMENTS, id);
}

export function areaOf(id: RequirementId): Area {
  return id.split('-')[0] as Area;
}

/**
 * Requirements the conformance specs check against a target. The suite's own conduct (SAFE) and
 * its signer (SIGN-13) are checked by the self-tests, and a client's side of the contract (CLIENT)
 * by the mock's client checker, so a conformance summary never lists them.
 */
export const TARGET_REQUIREMENTS = (Object.keys(REQUIREMENTS) as RequirementId[]).filter((id) => !['SAFE', 'CLIENT'].includes(areaOf(id)) && id !== 'SIGN-13');

/** What a client must do (`npm run mock -- --check-client` judges it; docs/mock.md). */
export type ClientRequirementId = Extract<RequirementId, `CLIENT-${string}`>;

export const CLIENT_REQUIREMENTS = (Object.keys(REQUIREMENTS) as RequirementId[]).filter((id): id is ClientRequirementId => areaOf(id) === 'CLIENT');
