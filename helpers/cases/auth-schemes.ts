/**
 * The `Authorization` schemes AUTH-09's family puts a key under (places.ts): Bearer, none, Basic with
 * the key as the user, the password or both, Token, ApiKey and the rest, each with the shell words
 * that rebuild its value from the key's variable in a reproduction, so none spells the key.
 */
import type { Stand } from './reproduce';

// Values derived from the key, and the shell words that rebuild them from its variable.

/** The application/x-www-form-urlencoded spelling, as URLSearchParams writes a query or a form. */
const formEncoded = (value: string): string => new URLSearchParams([['', value]]).toString().slice(1);

/** A key outside the unreserved characters is sent form-encoded: the reproduction rebuilds that spelling with node. */
export function formStands(key: string, variable: string): Stand[] {
  const encoded = formEncoded(key);
  if (encoded === key) return [];
  return [{ value: encoded, shell: `"$(node -e 'process.stdout.write(new URLSearchParams([["",process.env.${variable}]]).toString().slice(1))')"` }];
}

/** Basic credentials `user:password` with the key in `template`'s `%s`. */
const basic = (template: string, key: string): string =>
  Buffer.from(
    template.replace('%s', () => key),
    'utf8',
  ).toString('base64');

function basicStands(template: string, key: string, variable: string): Stand[] {
  return [{ value: basic(template, key), shell: `"$(printf '${template}' "$${variable}" | base64 | tr -d '\\n')"` }];
}

// Authorization schemes.

export interface Scheme {
  id: string;
  /** The scheme's token (RFC 9110 11.1), case-insensitive on the wire; none for a bare value. */
  word?: string;
  /** What follows the word. */
  credentials: (key: string) => string;
  stands: (key: string, variable: string) => Stand[];
  title: string;
  why: string;
}

export const noStands = (): Stand[] => [];

export const SCHEMES: readonly Scheme[] = [
  {
    id: 'bearer',
    word: 'Bearer',
    credentials: (k) => k,
    stands: noStands,
    title: 'as a Bearer token',
    why: 'RFC 6750; Spring Security, passport-http-bearer, ASP.NET JwtBearer and Tyk read it first',
  },
  {
    id: 'bare',
    credentials: (k) => k,
    stands: noStands,
    title: 'without a scheme',
    why: 'Tyk takes the Authorization value as the key, with or without "Bearer"',
  },
  {
    id: 'basic-user',
    word: 'Basic',
    credentials: (k) => basic('%s:', k),
    stands: (k, v) => basicStands('%s:', k, v),
    title: 'as the Basic user name (KEY:)',
    why: 'Stripe-style APIs take the key as the Basic user name with an empty password',
  },
  {
    id: 'basic-password',
    word: 'Basic',
    credentials: (k) => basic(':%s', k),
    stands: (k, v) => basicStands(':%s', k, v),
    title: 'as the Basic password with no user name (:KEY)',
    why: 'a Basic handler that ignores the user name takes the key as the password',
  },
  {
    id: 'basic-user-password',
    word: 'Basic',
    credentials: (k) => basic('api:%s', k),
    stands: (k, v) => basicStands('api:%s', k, v),
    title: 'as the Basic password of the user "api" (api:KEY)',
    why: 'Mailgun-style APIs take the key as the password of a fixed user',
  },
  {
    id: 'token',
    word: 'Token',
    credentials: (k) => k,
    stands: noStands,
    title: 'under the Token scheme',
    why: "Django REST Framework's TokenAuthentication and GitHub read `Token KEY`",
  },
  {
    id: 'token-param',
    word: 'Token',
    credentials: (k) => `token="${k}"`,
    stands: noStands,
    title: 'as the token parameter of the Token scheme (token="KEY")',
    why: 'Rails\' authenticate_with_http_token reads `Token token="KEY"`',
  },
  {
    id: 'apikey',
    word: 'ApiKey',
    credentials: (k) => k,
    stands: noStands,
    title: 'under the ApiKey scheme',
    why: "ASP.NET's AspNetCore.Authentication.ApiKey (AddApiKeyInAuthorizationHeader) and Elasticsearch read `ApiKey KEY`",
  },
  {
    id: 'api-key',
    word: 'Api-Key',
    credentials: (k) => k,
    stands: noStands,
    title: 'under the Api-Key scheme',
    why: 'djangorestframework-api-key reads `Api-Key KEY`',
  },
  {
    id: 'key',
    word: 'Key',
    credentials: (k) => k,
    stands: noStands,
    title: 'under the Key scheme',
    why: 'some APIs document `Authorization: Key KEY`; a handler that strips any scheme word accepts it',
  },
  {
    id: 'digest-username',
    word: 'Digest',
    credentials: (k) => `username="${k}"`,
    stands: noStands,
    title: 'as a Digest user name (username="KEY")',
    why: 'a Digest parser that looks up the user name as an account accepts it without checking the response',
  },
];

/** The scheme's word as written: as registered (the core), or in another case (RFC 9110 11.1: case-insensitive). */
export type SchemeCase = 'as-registered' | 'lower' | 'upper';
export const SCHEME_CASES: readonly SchemeCase[] = ['as-registered', 'lower', 'upper'];

export function schemeValue(scheme: Scheme, schemeCase: SchemeCase, key: string): string {
  if (!scheme.word) return scheme.credentials(key);
  const word = schemeCase === 'lower' ? scheme.word.toLowerCase() : schemeCase === 'upper' ? scheme.word.toUpperCase() : scheme.word;
  return `${word} ${scheme.credentials(key)}`;
}

export const caseSuffix = (schemeCase: SchemeCase): string => (schemeCase === 'as-registered' ? '' : `-${schemeCase}`);
export const caseTitle = (schemeCase: SchemeCase): string => (schemeCase === 'as-registered' ? '' : `, its scheme written in ${schemeCase} case`);
