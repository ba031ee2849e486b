/** Faults of where the key is read from: a header of another name, Authorization under any scheme, the query, a cookie, the body, a session cookie (AUTH-09), and the header name's case (AUTH-10). */
import crypto from 'node:crypto';
import type { ApiRequest } from '../request';
import { bendPart, type Fault } from './fault';

/** The key is also read from `read` when X-API-Key is absent. */
const readAlsoFrom = (read: (req: ApiRequest) => string | undefined) =>
  bendPart('key', (key) => ({ presentedKey: (req) => key.presentedKey(req) ?? read(req) }));

/** The session cookie of the session-cookie fault. */
const SESSION = 'cpp_session';

/** An opaque session id for an account: a hash, so the cookie never carries the key itself. */
const sessionOf = (key: string): string => crypto.createHash('sha256').update(`session:${key}`).digest('hex');

export const KEY_PLACE_FAULTS = {
  'authorization-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from Authorization (Bearer KEY or bare KEY)',
    probe: async (k) => (await k.call({ path: 'balance', headers: { Authorization: k.active } })).status === 200,
    bend: readAlsoFrom((req) => req.headers.authorization?.replace(/^Bearer\s+/i, '')),
  },
  'query-key-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from the query (?api_key= or ?X-API-Key=)',
    probe: async (k) => (await k.call({ path: `balance?X-API-Key=${k.active}` })).status === 200,
    bend: readAlsoFrom((req) => req.query.get('api_key') ?? req.query.get('X-API-Key') ?? undefined),
  },
  'cookie-key-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from the cookie X-API-Key',
    probe: async (k) => (await k.call({ path: 'balance', headers: { Cookie: `a=b; X-API-Key=${k.active}` } })).status === 200,
    bend: readAlsoFrom((req) => cookie(req.headers.cookie, 'X-API-Key')),
  },
  'cookie-api-key-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from the cookie api_key (a name the query placements use)',
    probe: async (k) => (await k.call({ path: 'balance', headers: { Cookie: `api_key=${k.active}` } })).status === 200,
    bend: readAlsoFrom((req) => cookie(req.headers.cookie, 'api_key')),
  },
  'session-cookie-authenticates': {
    breaks: ['AUTH-09'],
    summary: `Answers to a valid key set a ${SESSION} cookie, and that cookie alone authenticates as the account`,
    probe: async (k) => {
      const session = (await k.balance(k.active)).headers['set-cookie']?.[0]?.split(';')[0];
      return session !== undefined && (await k.call({ path: 'balance', headers: { Cookie: session } })).status === 200;
    },
    bend: (behaviour) =>
      [
        readAlsoFrom((req) => cookie(req.headers.cookie, SESSION)),
        bendPart('key', (key) => ({ matches: (candidate, k) => key.matches(candidate, k) || candidate === sessionOf(k) })),
        bendPart('front', (front) => ({
          answered: (reply, account, req) => {
            const sent = front.answered(reply, account, req);
            return { ...sent, headers: { ...sent.headers, 'set-cookie': `${SESSION}=${sessionOf(account.key)}; Path=/; Secure; HttpOnly` } };
          },
        })),
      ].reduce((b, bend) => bend(b), behaviour),
  },
  'misspelt-header-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, any header spelt like it (X-API-Keys, X_API_Key, X-APIKey, API-Key) is read',
    probe: async (k) => (await k.call({ path: 'balance', headers: { X_API_Key: k.active } })).status === 200,
    bend: readAlsoFrom((req) => rawHeader(req.rawHeaders, (name) => ['apikey', 'xapikey', 'xapikeys'].includes(name.toLowerCase().replace(/[^a-z0-9]/g, '')))),
  },
  'body-key-accepted': {
    breaks: ['AUTH-09'],
    summary: "Without X-API-Key, the key is read from a JSON or form body field api_key, apikey or access_token (Kong's key_in_body, passport-localapikey)",
    probe: async (k) => (await k.call({ method: 'POST', path: 'orders/check', json: { item_id: 'NOPE', quantity: 1, api_key: k.active } })).status !== 401,
    bend: readAlsoFrom((req) => bodyField(req, ['api_key', 'apikey', 'access_token'])),
  },
  'basic-auth-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from Authorization: Basic, as the password or, when that is empty, as the user name',
    probe: async (k) =>
      (await k.call({ path: 'balance', headers: { Authorization: `Basic ${Buffer.from(`:${k.active}`).toString('base64')}` } })).status === 200,
    bend: readAlsoFrom((req) => basicCredential(req.headers.authorization)),
  },
  'authorization-any-scheme-accepted': {
    breaks: ['AUTH-09'],
    summary:
      "Without X-API-Key, the key is read from Authorization after any scheme word (Token KEY, ApiKey KEY, Key KEY), as Django REST Framework's keyword allows",
    probe: async (k) => (await k.call({ path: 'balance', headers: { Authorization: `Token ${k.active}` } })).status === 200,
    bend: readAlsoFrom((req) => /^[A-Za-z][\w-]*\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1]),
  },
  'apikey-header-accepted': {
    breaks: ['AUTH-09'],
    summary: 'Without X-API-Key, the key is read from an apikey header (the Kong and APISIX default) or X-Auth-Token (OpenStack)',
    probe: async (k) => (await k.call({ path: 'balance', headers: { apikey: k.active } })).status === 200,
    bend: readAlsoFrom((req) => rawHeader(req.rawHeaders, (name) => ['apikey', 'x-auth-token'].includes(name.toLowerCase()))),
  },
  'header-name-case-sensitive': {
    breaks: ['AUTH-10'],
    summary: 'Only the exact header name X-API-Key is read; x-api-key and X-Api-Key get 401',
    probe: async (k) => (await k.call({ path: 'balance', headers: { 'x-api-key': k.active } })).status === 401,
    bend: bendPart('key', () => ({ presentedKey: (req) => rawHeader(req.rawHeaders, (name) => name === 'X-API-Key') })),
  },
} satisfies Record<string, Fault>;

function rawHeader(rawHeaders: readonly string[], nameMatches: (name: string) => boolean): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (nameMatches(rawHeaders[i]!)) values.push(rawHeaders[i + 1]!);
  }
  return values.length === 0 ? undefined : values.join(', ');
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** A field of a JSON object body or a form body, by the first of `names` present. */
function bodyField(req: ApiRequest, names: readonly string[]): string | undefined {
  const text = req.body.toString('latin1');
  let fields: Record<string, unknown> = {};
  if (/^application\/json/i.test(req.headers['content-type'] ?? '')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
    } catch {
      return undefined;
    }
  } else if (/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) {
    fields = Object.fromEntries(new URLSearchParams(text));
  }
  const value = names.map((n) => fields[n]).find((v) => typeof v === 'string');
  return typeof value === 'string' ? value : undefined;
}

/** Basic credentials' password, or the user name when the password is empty. */
function basicCredential(authorization: string | undefined): string | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return decoded.slice(colon + 1) || decoded.slice(0, colon) || undefined;
}
