/**
 * AUTH-09's family: every place a server might read a credential from, as a grammar (issue 18).
 * A key's name is composed from parts (a prefix: none, `x`, `api`, `x-api`; a word: `key`,
 * `token`, `apikey`, `access_token`, `auth_token`, `secret`, ...; a spelling: `-`, `_`, nothing or
 * camelCase; a letter case) and placed in a header, the query, a cookie, or a field of a JSON or a
 * form body (POST orders/check: the one keyed POST the allowlist has besides the challenge
 * endpoint); the key also goes in `Authorization` under every common scheme (Basic with the key as
 * the user, as the password, or both), and in `X-API-Key` behind a scheme word. Each member sends
 * the active key there and no `X-API-Key`, so any answer but 401 means the server read it.
 *
 * The names the grammar generates are a finite set, and the spend guard allows exactly those on a
 * keyed request (`isCredentialPlaceName`; helpers/client/spend-guard.ts), so a place added here is
 * allowed there and nothing else is.
 */
import fc from 'fast-check';
import { deliberateCookie } from '../contract/cookie-check';
import { NO_SUCH_ITEM } from '../contract/endpoints';
import type { Family, Member } from './family';
import { SCHEMES, SCHEME_CASES, caseSuffix, caseTitle, formStands, noStands, schemeValue, type Scheme, type SchemeCase } from './auth-schemes';
import { NAMES } from './place-names';
import type { Stand } from './reproduce';

/** A request that presents the key somewhere, as the API client's `send` takes it. */
interface Presentation {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  json?: Record<string, unknown>;
  /** A form body; its Content-Type is in `headers`. */
  body?: string;
}

type Place = 'header' | 'query' | 'cookie' | 'json-body' | 'form-body' | 'authorization' | 'x-api-key-scheme';

export interface CredentialPlace extends Member {
  place: Place;
  /** The request that puts `key` in this place, and nowhere else. */
  present: (key: string) => Presentation;
  /** What of the request is derived from `key` but is not `key` (Base64, form encoding), as shell words over `variable`. */
  stands: (key: string, variable: string) => Stand[];
}

// The name grammar: prefix + word, spelt one way, in one case.

/** The one field a key may travel in (docs: Authentication); in a header place it is AUTH-10's, not a misplacement. */
const isKeyField = (name: string): boolean => name.toLowerCase() === 'x-api-key';

const GET_BALANCE = { method: 'GET', path: 'balance' } as const;

function inAuthorization(scheme: Scheme, schemeCase: SchemeCase): CredentialPlace {
  return {
    id: `authorization-${scheme.id}${caseSuffix(schemeCase)}`,
    title: `in Authorization ${scheme.title}${caseTitle(schemeCase)}`,
    why: scheme.why,
    place: 'authorization',
    present: (key) => ({ ...GET_BALANCE, headers: { Authorization: schemeValue(scheme, schemeCase, key) } }),
    stands: scheme.stands,
  };
}

function inKeyFieldWithScheme(scheme: Scheme & { word: string }, schemeCase: SchemeCase): CredentialPlace {
  return {
    id: `x-api-key-${scheme.id}${caseSuffix(schemeCase)}`,
    title: `in X-API-Key ${scheme.title}${caseTitle(schemeCase)}`,
    why: 'a server that strips a scheme word from X-API-Key (or reads the value the way it reads Authorization) accepts it',
    place: 'x-api-key-scheme',
    present: (key) => ({ ...GET_BALANCE, headers: { 'X-API-Key': schemeValue(scheme, schemeCase, key) } }),
    stands: scheme.stands,
  };
}

// Named places.

type NamedPlace = Extract<Place, 'header' | 'query' | 'cookie' | 'json-body' | 'form-body'>;
const NAMED_PLACES: readonly NamedPlace[] = ['header', 'query', 'cookie', 'json-body', 'form-body'];

const PLACE_WHY: Readonly<Record<NamedPlace, string>> = {
  header:
    'gateways read the key from a header of their own naming (Kong and APISIX `apikey`, AWS API Gateway `x-api-key`, OpenStack `X-Auth-Token`, ASP.NET ApiKey any KeyName), and CGI-style servers fold `-` and `_` together',
  query:
    'Kong, APISIX and Apigee read `?apikey=`, Spring Security and passport-http-bearer `?access_token=` (RFC 6750 2.3), FastAPI APIKeyQuery and ASP.NET ApiKey any name',
  cookie: 'Tyk (use_cookie), FastAPI APIKeyCookie and OpenAPI `in: cookie` read a key from a cookie',
  'json-body': "Kong's key_in_body and passport-localapikey read the key from the request body, JSON included",
  'form-body': 'RFC 6750 2.2 sends `access_token` in a form body; Spring Security (allowFormEncodedBodyParameter), passport-http-bearer and Kong read it there',
};

/** The stock check's own fields: an item no catalogue holds, so a server that read the key would still sell nothing. */
const STOCK_CHECK_FIELDS = { item_id: NO_SUCH_ITEM, quantity: 1 } as const;

function present(place: NamedPlace, name: string, key: string): Presentation {
  switch (place) {
    case 'header':
      return { ...GET_BALANCE, headers: { [name]: key } };
    case 'query':
      return { ...GET_BALANCE, headers: {}, query: { [name]: key } };
    case 'cookie':
      return { ...GET_BALANCE, headers: deliberateCookie(`${name}=${key}`, 'AUTH-09') };
    case 'json-body':
      return { method: 'POST', path: 'orders/check', headers: {}, json: { ...STOCK_CHECK_FIELDS, [name]: key } };
    case 'form-body': {
      const form = new URLSearchParams({ item_id: STOCK_CHECK_FIELDS.item_id, quantity: String(STOCK_CHECK_FIELDS.quantity), [name]: key });
      return { method: 'POST', path: 'orders/check', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() };
    }
  }
}

const PLACE_TITLE: Readonly<Record<NamedPlace, (name: string) => string>> = {
  header: (name) => `in a header named ${name}`,
  query: (name) => `in the query as ${name}`,
  cookie: (name) => `in a cookie named ${name}`,
  'json-body': (name) => `in a JSON body field ${name} of POST orders/check`,
  'form-body': (name) => `in a form body field ${name} of POST orders/check`,
};

function named(place: NamedPlace, name: string): CredentialPlace {
  return {
    id: `${place}-${name}`,
    title: PLACE_TITLE[place](name),
    why: PLACE_WHY[place],
    place,
    present: (key) => present(place, name, key),
    stands: place === 'query' || place === 'form-body' ? formStands : noStands,
  };
}

const withWord = (s: Scheme): s is Scheme & { word: string } => s.word !== undefined;

/**
 * The commonest names of each place (AUTH-09's own list first: `api_key`, `apiKey`, `X-API-Key`,
 * `key`, `token`, and the misspellings `X-API-Keys`, `X_API_Key`, `X-APIKey`, `API-Key`), every
 * Authorization scheme, and X-API-Key behind `Bearer`.
 */
const CORE_NAMES: Readonly<Record<NamedPlace, readonly string[]>> = {
  header: ['X-API-Keys', 'X_API_Key', 'X-APIKey', 'API-Key', 'apikey', 'X-Auth-Token'],
  query: ['api_key', 'apiKey', 'X-API-Key', 'key', 'token', 'access_token', 'apikey'],
  cookie: ['api_key', 'apiKey', 'X-API-Key', 'key', 'token'],
  'json-body': ['api_key', 'apikey', 'access_token'],
  'form-body': ['access_token', 'api_key', 'apikey'],
};

const BEARER = SCHEMES.find((s) => s.id === 'bearer') as Scheme & { word: string };

/** A name drawn from the whole grammar, put in a place it may go (a header named X-API-Key is the key's own field). */
const drawnNamed = fc
  .tuple(fc.constantFrom(...NAMED_PLACES), fc.constantFrom(...NAMES))
  .filter(([place, name]) => !(place === 'header' && isKeyField(name)))
  .map(([place, name]) => named(place, name));

export const CREDENTIAL_PLACES: Family<CredentialPlace> = {
  id: 'auth-09-credential-places',
  core: [
    ...SCHEMES.map((s) => inAuthorization(s, 'as-registered')),
    inKeyFieldWithScheme(BEARER, 'as-registered'),
    ...NAMED_PLACES.flatMap((place) => CORE_NAMES[place].map((name) => named(place, name))),
  ],
  arbitrary: fc.oneof(
    { weight: 6, arbitrary: drawnNamed },
    {
      weight: 1,
      // A bare key has no scheme word to write in another case.
      arbitrary: fc
        .tuple(fc.constantFrom(...SCHEMES), fc.constantFrom(...SCHEME_CASES))
        .filter(([s, c]) => withWord(s) || c === 'as-registered')
        .map(([s, c]) => inAuthorization(s, c)),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...SCHEMES.filter(withWord)), fc.constantFrom(...SCHEME_CASES)).map(([s, c]) => inKeyFieldWithScheme(s, c)),
    },
  ),
  sampled: 20,
  requestsPerMember: 1,
};
