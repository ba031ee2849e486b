/** Faults of the API key: what counts as the key, which endpoints enforce it, whose orders it reaches, and what a refusal says. */
import crypto from 'node:crypto';
import { KEY_PATTERN, randomKey } from '../accounts';
import { sameKey, unauthorized, type KeyFailure } from '../auth';
import { ORDERS } from '../data';
import { fail, json, type Data } from '../envelope';
import type { ProbeReply } from '../probe-client';
import type { MockBehaviour } from '../behaviour';
import type { ApiRequest } from '../request';
import type { ApiContext } from '../routes';
import { alsoIn, bendEndpoint, bendPart, crash, type Fault } from './fault';
import { bodyOf, dataOf, utf8, type Kit } from './probe-kit';

/** The key is also read from `read` when X-API-Key is absent. */
const readAlsoFrom = (read: (req: ApiRequest) => string | undefined) =>
  bendPart('key', (key) => ({ presentedKey: (req) => key.presentedKey(req) ?? read(req) }));

const normaliseWith = (normalise: (value: string) => string) => bendPart('key', () => ({ normalise }));

const matchWith = (matches: (candidate: string, key: string) => boolean) => bendPart('key', () => ({ matches }));

/** Every refusal is `reply()` where `when` holds. */
const refuseWith = (
  reply: (failure: KeyFailure, presented: string | undefined) => ReturnType<typeof unauthorized>,
  when: (failure: KeyFailure) => boolean = () => true,
) => bendPart('key', (key) => ({ refusal: (check) => (when(check.failure) ? reply(check.failure, check.presented) : key.refusal(check)) }));

/** The session cookie of the session-cookie fault. */
const SESSION = 'cpp_session';

/** An opaque session id for an account: a hash, so the cookie never carries the key itself. */
const sessionOf = (key: string): string => crypto.createHash('sha256').update(`session:${key}`).digest('hex');

/** A presented value for which `when` holds crashes the check. */
const crashOn = (name: string, when: (presented: string) => boolean) =>
  bendPart('key', (key) => ({
    settle: (check, presented, accounts) => (presented !== undefined && when(presented) ? crash(name) : key.settle(check, presented, accounts)),
  }));

const percentEncoded = (key: string): string => Array.from(Buffer.from(key, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The presented key as an echoing server might spell it: raw, fully percent-encoded (once or twice), Base64, byte by byte in hex. */
const ECHO_SPELLINGS = {
  raw: (key: string) => key,
  percent: percentEncoded,
  /** As a proxy that re-encodes what it forwards spells an encoded key: each `%` becomes `%25`. */
  'double-percent': (key: string) => percentEncoded(key).replace(/%/g, '%25'),
  base64: (key: string) => Buffer.from(key, 'utf8').toString('base64'),
  /** As a debugging aid dumps bytes (OpenSSL, Wireshark): two hex digits each, joined by colons. */
  'hex-colons': (key: string) => Array.from(Buffer.from(key, 'utf8'), (b) => b.toString(16).padStart(2, '0')).join(':'),
  /** As a JSON serialiser that escapes some characters spells it inside a string: every third one as `\u00XX`. */
  'json-partial': (key: string) => key.replace(/./g, (c, i: number) => (i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)),
};

/** A refusal that carries the presented key, spelt one way, in its message, WWW-Authenticate, an X-Debug-Key header or data. */
const echoIn = (place: 'message' | 'www-authenticate' | 'x-debug-key' | 'data', spelling: keyof typeof ECHO_SPELLINGS) =>
  refuseWith((_failure, presented) => {
    if (!presented) return unauthorized();
    const echoed = ECHO_SPELLINGS[spelling](presented);
    if (place === 'message') return fail(401, `Unauthorized: no account has the key ${echoed}`);
    if (place === 'www-authenticate')
      return fail(401, 'Unauthorized', {}, { 'www-authenticate': `ApiKey realm="cardpluspay", error="invalid_key", key="${echoed}"` });
    if (place === 'x-debug-key') return fail(401, 'Unauthorized', {}, { 'x-debug-key': echoed });
    return fail(401, 'Unauthorized', { presented_key: echoed });
  });

const flipCase = (k: string): string => [...k].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

/** A never-issued key presented, and the given part of the answer holding it in the given spelling. */
const echoProbe =
  (part: (r: ProbeReply) => string, spelling: keyof typeof ECHO_SPELLINGS) =>
  async (k: Kit): Promise<boolean> => {
    const presented = randomKey();
    return part(await k.balance(presented)).includes(ECHO_SPELLINGS[spelling](presented));
  };

export const API_KEY_FAULTS = {
  // What counts as the key
  'any-key-accepted': {
    breaks: ['AUTH-04', 'AUTH-05', 'AUTH-06', 'AUTH-07', 'AUTH-09', 'AUTH-11'],
    summary: 'Any non-empty X-API-Key value that is no real key passes as the active account',
    probe: async (k) => (await k.balance(randomKey())).status === 200,
    bend: bendPart('key', (key) => ({
      settle: (check, presented, accounts) =>
        !check.ok && (check.failure === 'unknown' || check.failure === 'malformed')
          ? { ok: true, account: accounts.active }
          : key.settle(check, presented, accounts),
    })),
  },
  'missing-key-accepted': {
    breaks: ['AUTH-02', 'AUTH-12'],
    summary: 'A request without X-API-Key is served as the active account (an empty value still gets 401)',
    probe: async (k) => (await k.balance(undefined)).status === 200,
    bend: bendPart('key', (key) => ({
      settle: (check, presented, accounts) => (presented === undefined ? { ok: true, account: accounts.active } : key.settle(check, presented, accounts)),
    })),
  },
  'empty-key-accepted': {
    breaks: ['AUTH-03'],
    summary: 'An empty X-API-Key value is served as the active account',
    probe: async (k) => (await k.balance('')).status === 200,
    bend: bendPart('key', (key) => ({
      settle: (check, presented, accounts) => (presented === '' ? { ok: true, account: accounts.active } : key.settle(check, presented, accounts)),
    })),
  },
  'empty-key-crashes': {
    breaks: ['AUTH-03'],
    summary: 'An empty X-API-Key value gives a 500',
    probe: async (k) => (await k.balance('')).status === 500,
    bend: crashOn('empty-key-crashes', (presented) => presented === ''),
  },
  'prefix-key-accepted': {
    breaks: ['AUTH-05'],
    summary: 'A real key missing its last character passes (a truncating comparison)',
    probe: async (k) => (await k.balance(k.active.slice(0, -1))).status === 200,
    bend: matchWith((candidate, key) => candidate.length >= key.length - 1 && key.startsWith(candidate)),
  },
  'key-case-insensitive': {
    breaks: ['AUTH-05'],
    summary: 'Keys are compared case-insensitively',
    probe: async (k) => (await k.balance(flipCase(k.active))).status === 200,
    bend: matchWith((candidate, key) => candidate.toLowerCase() === key.toLowerCase()),
  },
  'key-startswith-accepted': {
    breaks: ['AUTH-05', 'AUTH-07'],
    summary: 'Any value that starts with a real key passes (KEY extra, KEY=, KEY;, KEY plus one char)',
    probe: async (k) => (await k.balance(`${k.active} extra`)).status === 200,
    bend: matchWith((candidate, key) => candidate.startsWith(key)),
  },
  // Near-misses of a real key (AUTH-05's family, helpers/cases/near-misses.ts): each comparison
  // below accepts a neighbour of the key that one position class of the family's core sends.
  'key-last-char-ignored': {
    breaks: ['AUTH-05'],
    summary: 'Keys of the right length are compared on all but their last character',
    probe: async (k) => (await k.balance(`${k.active.slice(0, -1)}${k.active.endsWith('x') ? 'y' : 'x'}`)).status === 200,
    bend: matchWith((candidate, key) => candidate.length === key.length && candidate.slice(0, -1) === key.slice(0, -1)),
  },
  'key-lookalike-normalised': {
    breaks: ['AUTH-05'],
    summary: 'Look-alike characters are mapped to one before the lookup (O, o and 0; l, I, i and 1; S and 5; Z and 2; B and 8)',
    probe: async (k) => {
      // A random key lacks every look-alike once in about 2,000 keys; the second account's then stands in.
      const key = [k.active, k.material.accounts.second.key].find((c) => lookAlikeOf(c) !== c) ?? k.active;
      return (await k.balance(lookAlikeOf(key))).status === 200;
    },
    bend: matchWith((candidate, key) => candidate.length === key.length && foldLookAlikes(candidate) === foldLookAlikes(key)),
  },
  'key-prefix-16': {
    breaks: ['AUTH-05'],
    summary: 'Only the first 16 characters of a key are compared (a fixed-width column, a truncated index)',
    probe: async (k) => (await k.balance(k.active.slice(0, 16).padEnd(k.active.length, 'x'))).status === 200,
    bend: matchWith((candidate, key) => candidate.length >= 16 && candidate.slice(0, 16) === key.slice(0, 16)),
  },
  'key-type-prefix-ignored': {
    breaks: ['AUTH-05'],
    summary: "Only the part of a key after its type prefix (cpp_test_) is compared: the key's secret part under any prefix passes",
    probe: async (k) => (await k.balance(`xpp_live_${afterTypePrefix(k.active)}`)).status === 200,
    bend: matchWith((candidate, key) => afterTypePrefix(candidate) === afterTypePrefix(key)),
  },
  'long-key-crashes': {
    breaks: ['AUTH-05'],
    summary: 'A key longer than 1024 characters gives a 500',
    probe: async (k) => (await k.balance(k.active.padEnd(4096, 'A'))).status === 500,
    bend: crashOn('long-key-crashes', (presented) => presented.length > 1024),
  },
  'non-ascii-key-crashes': {
    breaks: ['AUTH-05', 'AUTH-07'],
    summary: 'A key holding any byte above 0x7E gives a 500',
    probe: async (k) => (await k.balance(k.active + utf8('é'))).status === 500,
    bend: crashOn('non-ascii-key-crashes', (presented) => /[^\x00-\x7e]/.test(presented)),
  },
  'url-decoded-key': {
    breaks: ['AUTH-05'],
    summary: 'The key is percent-decoded before it is compared',
    probe: async (k) => (await k.balance(percentEncoded(k.active))).status === 200,
    bend: normaliseWith((value) => {
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }),
  },
  'quotes-stripped': {
    breaks: ['AUTH-06'],
    summary: 'Quotes (", \', `) around the key, on one side or both, are stripped before comparing',
    probe: async (k) => (await k.balance(`'${k.active}`)).status === 200,
    bend: normaliseWith((value) => value.replace(/^["'`]/, '').replace(/["'`]$/, '')),
  },
  'whitespace-stripped': {
    breaks: ['AUTH-07'],
    summary: 'All whitespace, NBSP and zero-width space included, is removed from the key before comparing',
    probe: async (k) => (await k.balance(k.active + utf8('\u200b'))).status === 200,
    // Header bytes arrive as latin1: NBSP is "\xA0" (or "\xC2\xA0" if sent as UTF-8), and a
    // zero-width space sent as UTF-8 is the three characters "\xE2\x80\x8B".
    bend: normaliseWith((value) => value.replace(/\xE2\x80[\x8B-\x8D]|\xC2\xA0|[\s\u00A0\u200B-\u200D\uFEFF]/g, '')),
  },
  'trailing-junk-stripped': {
    breaks: ['AUTH-07'],
    summary: 'Trailing "=", ";" and a trailing " word" are stripped from the key before comparing',
    probe: async (k) => (await k.balance(`${k.active}==`)).status === 200,
    bend: normaliseWith((value) => value.replace(/(?:[=;]| +\S*)+$/, '')),
  },
  'bearer-prefix-stripped': {
    breaks: ['AUTH-09'],
    summary: 'A "Bearer " prefix is stripped from the X-API-Key value',
    probe: async (k) => (await k.balance(`Bearer ${k.active}`)).status === 200,
    bend: normaliseWith((value) => value.replace(/^Bearer\s+/i, '')),
  },
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
  'key-trimmed': {
    breaks: ['AUTH-07'],
    summary: 'The key, decoded as Latin-1, goes through String.prototype.trim(): a single 0xA0 byte around it is stripped (the UTF-8 pair C2 A0 is not)',
    probe: async (k) => (await k.balance(`${k.active}\u00a0`)).status === 200,
    bend: normaliseWith((value) => value.trim()),
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
  'inactive-key-accepted': {
    breaks: ['AUTH-08'],
    summary: 'The revoked key still works',
    probe: async (k) => (await k.balance(k.inactive)).status === 200,
    bend: bendPart('key', (key) => ({
      settle: (check, presented, accounts) =>
        !check.ok && check.failure === 'revoked' && check.account ? { ok: true, account: check.account } : key.settle(check, presented, accounts),
    })),
  },
  'inactive-key-403': {
    breaks: ['AUTH-08', 'AUTH-13'],
    summary: 'The revoked key gets 403 Forbidden instead of the 401 envelope',
    probe: async (k) => (await k.balance(k.inactive)).status === 403,
    bend: refuseWith(
      () => fail(403, 'Forbidden'),
      (failure) => failure === 'revoked',
    ),
  },
  'inactive-key-message': {
    breaks: ['AUTH-08', 'AUTH-13', 'ENV-03'],
    summary: 'The revoked key gets 401 with message "API key revoked"',
    probe: async (k) => bodyOf(await k.balance(k.inactive)).message === 'API key revoked',
    bend: refuseWith(
      () => fail(401, 'API key revoked'),
      (failure) => failure === 'revoked',
    ),
  },
  'duplicate-key-first-wins': {
    breaks: ['AUTH-11'],
    summary: 'Of two X-API-Key values (comma-joined), the first one is used',
    probe: async (k) =>
      (
        await k.call({
          path: 'balance',
          headers: [
            ['X-API-Key', k.active],
            ['X-API-Key', randomKey()],
          ],
        })
      ).status === 200,
    bend: normaliseWith((value) => (value.split(',')[0] ?? '').trim()),
  },
  'duplicate-key-any-wins': {
    breaks: ['AUTH-11'],
    summary: 'Of two X-API-Key values (comma-joined), any real key lets the request through',
    probe: async (k) => (await k.balance(`${randomKey()}, ${k.active}`)).status === 200,
    bend: matchWith((candidate, key) => candidate.split(',').some((part) => sameKey(part.trim(), key))),
  },
  // Which endpoints enforce it
  'catalog-public': {
    breaks: ['AUTH-12'],
    summary: 'GET catalog is served without a key or with an invalid one',
    probe: async (k) => (await k.call({ path: 'catalog' })).status === 200,
    bend: alsoIn('withoutKey', 'catalog'),
  },
  'orders-check-public': {
    breaks: ['AUTH-12'],
    summary: 'POST orders/check is served without a key or with an invalid one',
    probe: async (k) => (await k.call({ path: 'orders/check', headers: { 'X-API-Key': randomKey() }, json: { item_id: 'NOPE' } })).status !== 401,
    bend: alsoIn('withoutKey', 'stock-check'),
  },
  'create-order-validates-first': {
    breaks: ['AUTH-12'],
    summary: 'POST orders validates its body before the key, so a missing or invalid key gets 422/400, not 401',
    probe: async (k) => (await k.call({ path: 'orders', json: { item_code: 'NOPE', quantity: 1 } })).status !== 401,
    bend: alsoIn('beforeKey', 'create-order'),
  },
  'order-by-id-public': {
    breaks: ['AUTH-12'],
    summary: 'GET orders/{id} looks the order up before the key, so a missing or invalid key gets 404, not 401',
    probe: async (k) => (await k.call({ path: 'orders/999999999' })).status === 404,
    bend: alsoIn('withoutKey', 'order'),
  },
  // One class of key on one endpoint (AUTH-08/AUTH-12's family, helpers/cases/key-classes.ts)
  'challenge-accepts-revoked-key': {
    breaks: ['AUTH-08'],
    summary: 'The challenge endpoint checks that a key exists, not that it is active: the revoked key gets a challenge',
    probe: async (k) => (await k.call({ method: 'POST', path: 'auth/challenge', headers: { 'X-API-Key': k.inactive } })).status === 200,
    bend: servesFailingKey('challenge', (presented, ctx) => Object.values(ctx.material.accounts).some((a) => !a.active && sameKey(presented, a.key)), null),
  },
  'orders-list-accepts-malformed-key': {
    breaks: ['AUTH-12'],
    summary: 'GET orders serves a malformed key (one not shaped like an issued key) as the active account: its own format check falls through',
    probe: async (k) => (await k.call({ path: 'orders', headers: { 'X-API-Key': 'not-a-key' } })).status === 200,
    bend: servesFailingKey('orders', (presented) => !KEY_PATTERN.test(presented), 'active'),
  },
  // Whose orders a key reaches
  'orders-without-owner': {
    breaks: ['AUTH-15'],
    summary: "GET orders/{id} looks the order up in every account, so another account's order is served to any valid key",
    probe: async (k) => (await k.call({ path: 'orders/4001', headers: { 'X-API-Key': k.active } })).status === 200,
    bend: bendEndpoint('order', (current) => (ctx, req, account, id) => {
      const owner = account && Object.values(ctx.material.accounts).find((a) => ORDERS[a.name].some((o) => String(o.order_id) === id));
      return current(ctx, req, owner ?? account, id);
    }),
  },
  // What a refusal gives away
  'key-echoed-in-body': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key as presented_key',
    probe: async (k) => {
      const presented = randomKey();
      return (await k.balance(presented)).text.includes(presented);
    },
    bend: refuseWith((_failure, presented) => fail(401, 'Unauthorized', { presented_key: presented ?? null })),
  },
  'key-echoed-in-header': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in an X-Presented-Key header',
    probe: async (k) => {
      const presented = randomKey();
      return Object.values((await k.balance(presented)).headers).some((v) => String(v).includes(presented));
    },
    bend: refuseWith((_failure, presented) => (presented ? fail(401, 'Unauthorized', {}, { 'x-presented-key': presented }) : unauthorized())),
  },
  // The presented key echoed in each place and each spelling SAFE-01 names
  'key-echoed-in-message': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key ("Unauthorized: no account has the key KEY")',
    probe: echoProbe((r) => String(bodyOf(r).message), 'raw'),
    bend: echoIn('message', 'raw'),
  },
  'key-echoed-in-message-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key fully percent-encoded (%63%70...)',
    probe: echoProbe((r) => String(bodyOf(r).message), 'percent'),
    bend: echoIn('message', 'percent'),
  },
  // In a header, not the message: a message that varies with the key already fails AUTH-13's
  // "indistinguishable answers", so only the echo check (holdsSecret) can catch it there.
  'key-echoed-double-percent': {
    breaks: ['AUTH-13'],
    summary:
      'The 401 echoes the presented key double-percent-encoded in its WWW-Authenticate challenge (key="%2563%2570...", as a proxy that re-encodes writes it)',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'double-percent'),
    bend: echoIn('www-authenticate', 'double-percent'),
  },
  'key-echoed-hex-colons': {
    breaks: ['AUTH-13'],
    summary:
      'The 401 echoes the presented key as colon-separated hex in an X-Debug-Key header (X-Debug-Key: 63:70:70:5f:..., as OpenSSL and Wireshark dump bytes)',
    probe: echoProbe((r) => String(r.headers['x-debug-key']), 'hex-colons'),
    bend: echoIn('x-debug-key', 'hex-colons'),
  },
  'key-echoed-in-message-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key in Base64',
    probe: echoProbe((r) => String(bodyOf(r).message), 'base64'),
    bend: echoIn('message', 'base64'),
  },
  'key-echoed-in-message-json-escaped': {
    breaks: ['AUTH-13'],
    summary: 'The 401 message echoes the presented key with some characters written as JSON \\u escapes (the parsed message holds the key itself)',
    probe: echoProbe((r) => r.text, 'json-partial'),
    bend: refuseWith((_failure, presented) => {
      if (!presented) return unauthorized();
      const reply = fail(401, `Unauthorized: no account has the key ${presented}`);
      return { ...reply, body: reply.body.replace(JSON.stringify(presented).slice(1, -1), ECHO_SPELLINGS['json-partial'](presented)) };
    }),
  },
  'key-echoed-in-www-authenticate': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in its WWW-Authenticate challenge (key="KEY")',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'raw'),
    bend: echoIn('www-authenticate', 'raw'),
  },
  'key-echoed-in-www-authenticate-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key fully percent-encoded in its WWW-Authenticate challenge',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'percent'),
    bend: echoIn('www-authenticate', 'percent'),
  },
  'key-echoed-in-www-authenticate-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 echoes the presented key in Base64 in its WWW-Authenticate challenge',
    probe: echoProbe((r) => String(r.headers['www-authenticate']), 'base64'),
    bend: echoIn('www-authenticate', 'base64'),
  },
  'key-echoed-in-body-percent': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key fully percent-encoded as presented_key',
    probe: echoProbe((r) => String(dataOf(r).presented_key), 'percent'),
    bend: echoIn('data', 'percent'),
  },
  'key-echoed-in-body-base64': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data echoes the presented key in Base64 as presented_key',
    probe: echoProbe((r) => String(dataOf(r).presented_key), 'base64'),
    bend: echoIn('data', 'base64'),
  },
  'reason-in-data': {
    breaks: ['AUTH-13'],
    summary: 'The 401 data says why the key failed (reason: missing/unknown/malformed/revoked; revoked_at when revoked)',
    probe: async (k) => (await k.balance(k.inactive)).text !== (await k.balance(randomKey())).text,
    bend: refuseWith((failure) => fail(401, 'Unauthorized', reasonData(failure))),
  },
  'missing-key-distinct': {
    breaks: ['AUTH-02', 'AUTH-13', 'ENV-03'],
    summary: 'A missing key gets 401 with message "API key required"',
    probe: async (k) => bodyOf(await k.balance(undefined)).message !== 'Unauthorized',
    bend: refuseWith(
      () => fail(401, 'API key required'),
      (failure) => failure === 'missing',
    ),
  },
  // The key-failure answer itself
  'unauthorized-as-403': {
    breaks: ['AUTH-02', 'AUTH-03', 'AUTH-04', 'AUTH-08', 'AUTH-12'],
    summary: 'Every key failure answers 403 (same envelope)',
    probe: async (k) => (await k.balance(undefined)).status === 403,
    bend: refuseWith(() => fail(403, 'Unauthorized')),
  },
  'unauthorized-as-400': {
    breaks: ['AUTH-05'],
    summary: 'A key that does not look like a key (wrong format) gets 400',
    probe: async (k) => (await k.balance('not-a-key')).status === 400,
    bend: refuseWith(
      () => fail(400, 'Unauthorized'),
      (failure) => failure === 'malformed',
    ),
  },
  'unauthorized-plain-text': {
    breaks: ['ENV-01', 'AUTH-02'],
    summary: 'The 401 body is text/plain "Unauthorized"',
    probe: async (k) => (await k.balance(undefined)).json === undefined,
    bend: refuseWith(() => ({ status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized' })),
  },
  'unauthorized-wrong-content-type': {
    breaks: ['ENV-01'],
    summary: 'The 401 body is the JSON envelope labelled text/html',
    probe: async (k) => !(await k.balance(undefined)).headers['content-type']?.startsWith('application/json'),
    bend: refuseWith(() => ({ ...unauthorized(), headers: { 'content-type': 'text/html; charset=utf-8' } })),
  },
  'unauthorized-success-true': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope says success: true',
    probe: async (k) => bodyOf(await k.balance(undefined)).success === true,
    bend: refuseWith(() => json(401, { success: true, message: 'Unauthorized', data: {} })),
  },
  'unauthorized-no-data': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has no data member',
    probe: async (k) => !('data' in bodyOf(await k.balance(undefined))),
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized' })),
  },
  'unauthorized-data-null': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: null',
    probe: async (k) => bodyOf(await k.balance(undefined)).data === null,
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized', data: null })),
  },
  'unauthorized-data-array': {
    breaks: ['ENV-02', 'AUTH-02'],
    summary: 'The 401 envelope has data: []',
    probe: async (k) => Array.isArray(bodyOf(await k.balance(undefined)).data),
    bend: refuseWith(() => json(401, { success: false, message: 'Unauthorized', data: [] })),
  },
  'unauthorized-message-lowercase': {
    breaks: ['ENV-03', 'AUTH-02'],
    summary: 'The 401 message is "unauthorized"',
    probe: async (k) => bodyOf(await k.balance(undefined)).message === 'unauthorized',
    bend: refuseWith(() => fail(401, 'unauthorized')),
  },
  'unauthorized-message-detailed': {
    breaks: ['ENV-03', 'AUTH-04'],
    summary: 'The 401 message is "Invalid API key"',
    probe: async (k) => bodyOf(await k.balance(randomKey())).message === 'Invalid API key',
    bend: refuseWith(() => fail(401, 'Invalid API key')),
  },
  // Cookies: what a client must never send back (SAFE-06 is the suite's side of it)
  'sets-cookies': {
    breaks: ['AUTH-13'],
    summary: 'Every HTTPS answer sets cookies: a sticky load-balancer one, a session, and one holding the presented key (echoed, so a 401 carries it)',
    probe: async (k) => {
      const cookies = (await k.balance(k.active)).headers['set-cookie'] ?? [];
      return cookies.some((c) => c.startsWith(`cpp_key=${k.active};`)) && cookies.some((c) => c.startsWith('AWSALB='));
    },
    bend: (behaviour) => ({
      ...behaviour,
      cookies: (headers) => {
        const presented = headers['x-api-key'];
        const key = Array.isArray(presented) ? presented.join(', ') : presented;
        return [
          'AWSALB=conformance-sticky-0001; Path=/',
          'cpp_session=conformance-session-0002; Path=/; Secure; HttpOnly',
          ...(key ? [`cpp_key=${encodeURIComponent(key)}; Path=/; Secure`] : []),
        ];
      },
    }),
  },
} satisfies Record<string, Fault>;

/** A revoked key also gets a member the others lack, so even a keys-only comparison sees the leak. */
function reasonData(failure: KeyFailure): Data {
  return failure === 'revoked' ? { reason: failure, revoked_at: '2024-01-01T00:00:00Z' } : { reason: failure };
}

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

/**
 * One endpoint answers a failing key for which `serves` holds, as `as` (an account, or nobody: the
 * handler's answer to a caller without one); every other failing key gets the conformant refusal.
 */
function servesFailingKey(endpoint: 'challenge' | 'orders', serves: (presented: string, ctx: ApiContext) => boolean, as: 'active' | null) {
  return (behaviour: MockBehaviour): MockBehaviour =>
    bendEndpoint(endpoint, (current) => (ctx, req, account, param) => {
      if (account) return current(ctx, req, account, param);
      const presented = ctx.behaviour.key.presentedKey(req);
      if (!presented || !serves(presented, ctx)) return unauthorized();
      return current(ctx, req, as && ctx.material.accounts[as], param);
    })(alsoIn('withoutKey', endpoint)(behaviour));
}

/** Look-alikes mapped to one character each, as an OCR-minded "normalisation" does. */
const LOOK_ALIKE_FOLD: Readonly<Record<string, string>> = { O: '0', o: '0', l: '1', I: '1', i: '1', S: '5', Z: '2', B: '8' };

function foldLookAlikes(value: string): string {
  return value.replace(/[OolIiSZB]/g, (c) => LOOK_ALIKE_FOLD[c]!);
}

/** The key with its first character that has a look-alike swapped for one (unchanged when it has none). */
function lookAlikeOf(key: string): string {
  const i = key.search(/[0OolIi1SZB258]/);
  if (i < 0) return key;
  const c = key[i]!;
  const swap: Readonly<Record<string, string>> = {
    '0': 'O',
    O: '0',
    o: '0',
    l: '1',
    I: 'l',
    i: '1',
    '1': 'l',
    S: '5',
    '5': 'S',
    Z: '2',
    '2': 'Z',
    B: '8',
    '8': 'B',
  };
  return key.slice(0, i) + swap[c]! + key.slice(i + 1);
}

/** What follows a key's type prefix (`cpp_test_`): everything after its last underscore. */
function afterTypePrefix(value: string): string {
  return value.slice(value.lastIndexOf('_') + 1);
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
