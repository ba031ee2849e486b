/**
 * The catalogue of faults: each a named way the mock can break the contract. `breaks` lists the
 * requirements whose checks a correct suite must fail against that fault; the suite's self-test
 * starts the mock once per fault and holds it to that list. Ids a fault may also trip as a side
 * effect are left out on purpose: `breaks` is what the fault is for, not everything it touches.
 */
import type { RequirementId } from '../helpers/requirements';

interface FaultSpec {
  breaks: readonly RequirementId[];
  summary: string;
}

export const FAULTS = {
  // API key: what counts as the key
  'any-key-accepted': {
    breaks: ['AUTH-04', 'AUTH-05', 'AUTH-06', 'AUTH-07', 'AUTH-09', 'AUTH-11'],
    summary: 'Any non-empty X-API-Key value that is no real key passes as the active account',
  },
  'missing-key-accepted': {
    breaks: ['AUTH-02', 'AUTH-12'],
    summary: 'A request without X-API-Key is served as the active account (an empty value still gets 401)',
  },
  'empty-key-accepted': {
    breaks: ['AUTH-03'],
    summary: 'An empty X-API-Key value is served as the active account',
  },
  'empty-key-crashes': {
    breaks: ['AUTH-03'],
    summary: 'An empty X-API-Key value gives a 500',
  },
  'prefix-key-accepted': {
    breaks: ['AUTH-05'],
    summary: 'A real key missing its last character passes (a truncating comparison)',
  },
  'key-case-insensitive': {
    breaks: ['AUTH-05'],
    summary: 'Keys are compared case-insensitively',
  },
  'key-startswith-accepted': {
    breaks: ['AUTH-05', 'AUTH-07'],
    summary: 'Any value that starts with a real key passes (KEY extra, KEY=, KEY;, KEY plus one char)',
  },
  'long-key-crashes': {
    breaks: ['AUTH-05'],
    summary: 'A key longer than 1024 characters gives a 500',
  },
  'non-ascii-key-crashes': {
    breaks: ['AUTH-05', 'AUTH-07'],
    summary: 'A key holding any byte above 0x7E gives a 500',
  },
  'url-decoded-key': {
    breaks: ['AUTH-05'],
    summary: 'The key is percent-decoded before it is compared',
  },
  'quotes-stripped': {
    breaks: ['AUTH-06'],
    summary: 'Quotes (", \', `) around the key, on one side or both, are stripped before comparing',
  },
  'whitespace-stripped': {
    breaks: ['AUTH-07'],
    summary: 'All whitespace, NBSP and zero-width space included, is removed from the key before comparing',
  },
  'trailing-junk-stripped': {
    breaks: ['AUTH-07'],
    summary: 'Trailing "=", ";" and a trailing " word" are stripped from the key before comparing',
  },
  'bearer-prefix-stripped': {
    breaks: ['AUTH-09'],
    summary: 'A "Bearer " prefix is stripped from the X-API-Key value',
  },
  'authorization-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from Authorization (Bearer KEY or bare KEY)',
  },
  'query-key-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from the query (?api_key= or ?X-API-Key=)',
  },
  'cookie-key-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from the cookie X-API-Key',
  },
  'misspelt-header-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, any header spelt like it (X-API-Keys, X_API_Key, X-APIKey, API-Key) is read',
  },
  'header-name-case-sensitive': {
    breaks: ['AUTH-10'],
    summary: 'Only the exact header name X-API-Key is read; x-api-key and X-Api-Key get 401',
  },
  'inactive-key-accepted': {
    breaks: ['AUTH-08'],
    summary: 'The revoked key still works',
  },
  'inactive-key-403': {
    breaks: ['AUTH-08', 'AUTH-13'],
    summary: 'The revoked key gets 403 Forbidden instead of the 401 envelope',
  },
  'inactive-key-message': {
    breaks: ['AUTH-08', 'AUTH-13', 'ENV-03'],
    summary: 'The revoked key gets 401 with message "API key revoked"',
  },
  'duplicate-key-first-wins': {
    breaks: ['AUTH-11'],
    summary: 'Of two X-API-Key values (comma-joined), the first one is used',
  },
  'duplicate-key-any-wins': {
    breaks: ['AUTH-11'],
    summary: 'Of two X-API-Key values (comma-joined), any real key lets the request through',
  },
  // API key: which endpoints enforce it
  'catalog-public': {
    breaks: ['AUTH-12'],
    summary: 'GET catalog is served without a key or with an invalid one',
  },
  'orders-check-public': {
    breaks: ['AUTH-12'],
    summary: 'POST orders/check is served without a key or with an invalid one',
  },
  'create-order-validates-first': {
    breaks: ['AUTH-12'],
    summary: 'POST orders validates its body before the key, so a missing or invalid key gets 422/400, not 401',
  },
  'order-by-id-public': {
    breaks: ['AUTH-12'],
    summary: 'GET orders/{id} looks the order up before the key, so a missing or invalid key gets 404, not 401',
  },
  // API key: what a refusal gives away
  'key-echoed-in-body': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key as presented_key',
  },
  'key-echoed-in-header': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in an X-Presented-Key header',
  },
  'reason-in-data': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data says why the key failed (reason: missing/unknown/malformed/revoked; revoked_at when revoked)',
  },
  'missing-key-distinct': {
    breaks: ['AUTH-02', 'AUTH-13', 'ENV-03'],
    summary: 'A missing key gets 401 with message "API key required"',
  },
  // The key-failure answer itself
  'unauthorized-as-403': {
    breaks: ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-08', 'AUTH-12'],
    summary: 'Every key failure answers 403 (same envelope)',
  },
  'unauthorized-as-400': {
    breaks: ['AUTH-05'],
    summary: 'A key that does not look like a key (wrong format) gets 400',
  },
  'unauthorized-plain-text': {
    breaks: ['ENV-01', 'AUTH-02'],
    summary: 'The 401 body is text/plain "Unauthorized"',
  },
  'unauthorized-wrong-content-type': {
    breaks: ['ENV-01'],
    summary: 'The 401 body is the JSON envelope labelled text/html',
  },
  'unauthorized-success-true': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope says success: true',
  },
  'unauthorized-no-data': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has no data member',
  },
  'unauthorized-data-null': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: null',
  },
  'unauthorized-data-array': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: []',
  },
  'unauthorized-message-lowercase': {
    breaks: ['ENV-03', 'AUTH-02'],
    summary: 'The 401 message is "unauthorized"',
  },
  'unauthorized-message-detailed': {
    breaks: ['ENV-03', 'AUTH-04'],
    summary: 'The 401 message is "Invalid API key"',
  },
  // Success envelopes and shapes
  'success-false-on-200': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: 'GET balance answers 200 with success: false',
  },
  'success-missing': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: '2xx bodies have no success member',
  },
  'message-not-string': {
    breaks: ['ENV-02'],
    summary: '2xx bodies have message: null',
  },
  'success-not-json-content-type': {
    breaks: ['ENV-01', 'AUTH-01'],
    summary: '2xx bodies are JSON labelled text/plain',
  },
  'balance-number': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives balance as the number 100.5',
  },
  'balance-comma-decimal': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives balance as "100,50"',
  },
  'currency-lowercase': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives currency as "usd"',
  },
  'balance-hangs': {
    breaks: ['AUTH-01'],
    summary: 'GET balance with a valid key is never answered (the suite times out; its timeout errors must stay redacted)',
  },
  'catalog-500': {
    breaks: ['AUTH-01'],
    summary: 'GET catalog with a valid key answers 500',
  },
  'orders-401-for-valid-key': {
    breaks: ['AUTH-01'],
    summary: 'GET orders refuses a valid key with the 401 envelope',
  },
  'pagination-strings': {
    breaks: ['ENV-05'],
    summary: 'GET orders gives the pagination numbers as strings',
  },
  'stock-check-price-string': {
    breaks: ['ENV-05'],
    summary: 'POST orders/check gives price as a string',
  },
  'body-not-json-on-error': {
    breaks: ['ENV-01'],
    summary: '404 and 405 answers are HTML pages, not the JSON envelope',
  },
  // Transport
  'http-serves-api': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin serves the whole API, auth included',
  },
  'http-auth-401': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin runs the key check: a refused key gets the 401 envelope, a valid one 403',
  },
  'http-redirects-to-http': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to an http: Location',
  },
  'http-redirect-with-data': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to https: but its body is the answer the API would give',
  },
  'tls11-allowed': {
    breaks: ['TLS-04'],
    summary: 'HTTPS accepts TLS 1.0 and 1.1 handshakes',
  },
  'no-hsts': {
    breaks: ['TLS-03'],
    summary: 'HTTPS answers carry no Strict-Transport-Security',
  },
  'short-hsts': {
    breaks: ['TLS-03'],
    summary: 'Strict-Transport-Security has max-age=3600',
  },
  // Request signing
  'sign-presence-only': {
    breaks: ['SIGN-05', 'SIGN-06', 'SIGN-07', 'SIGN-08'],
    summary: 'Signing headers must be present but neither the challenge nor the signature is checked',
  },
  'sign-not-verified': {
    breaks: ['SIGN-05', 'SIGN-06', 'SIGN-07'],
    summary: 'The challenge is checked and consumed but the signature is never verified',
  },
  'sign-missing-signature-accepted': {
    breaks: ['SIGN-04'],
    summary: 'A request with a valid challenge and no X-API-Signature passes (and consumes it)',
  },
  'sign-missing-headers-accepted': {
    breaks: ['SIGN-04'],
    summary: 'A signing account sending neither X-API-Challenge nor X-API-Signature passes',
  },
  'sign-never-consumed': {
    breaks: ['SIGN-09', 'SIGN-10'],
    summary: 'Challenges can be used again and again until they expire',
  },
  'sign-consumed-per-endpoint': {
    breaks: ['SIGN-09'],
    summary: 'A used challenge is refused on the same path only, so it works once more on another endpoint',
  },
  'sign-racy-consume': {
    breaks: ['SIGN-10'],
    summary: 'The challenge is marked used after an await, so concurrent uses of one challenge all pass',
  },
  'sign-no-expiry': {
    breaks: ['SIGN-11'],
    summary: 'Challenges never expire',
  },
  'sign-early-expiry': {
    breaks: ['SIGN-11'],
    summary: 'Challenges expire after a tenth of their advertised lifetime',
  },
  'sign-not-bound-to-account': {
    breaks: ['SIGN-12'],
    summary: 'A challenge issued to one account is accepted from another (signed with that one\'s key)',
  },
  'sign-unissued-accepted': {
    breaks: ['SIGN-08'],
    summary: 'Any challenge string passes when the signature over it verifies',
  },
  'sign-any-issued-challenge': {
    breaks: ['SIGN-06'],
    summary: 'A signature over any challenge currently issued to the account is accepted',
  },
  'sign-normalised-challenge': {
    breaks: ['SIGN-06'],
    summary: 'A signature over the challenge with a trailing newline, trimmed, upper- or lower-cased is accepted',
  },
  'sign-bad-base64-crashes': {
    breaks: ['SIGN-07'],
    summary: 'A signature that is not valid Base64 gives a 500',
  },
  'sign-empty-signature-crashes': {
    breaks: ['SIGN-07'],
    summary: 'An empty X-API-Signature gives a 500',
  },
  'sign-challenge-no-key': {
    breaks: ['SIGN-02', 'AUTH-12'],
    summary: 'The challenge endpoint issues challenges without a key or with an invalid one',
  },
  'sign-challenge-repeats': {
    breaks: ['SIGN-01'],
    summary: 'The challenge endpoint hands out the same challenge again while it is unused',
  },
  'sign-pss-only': {
    breaks: ['SIGN-03', 'SIGN-09', 'SIGN-10', 'SIGN-11'],
    summary: 'Only RSASSA-PSS signatures verify, so correct PKCS#1 v1.5 signatures are refused',
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;

export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.prototype.hasOwnProperty.call(FAULTS, name);
}
