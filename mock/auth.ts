/**
 * The API key check, and the answer to a key that fails it. Conformant behaviour: the whole
 * X-API-Key value, as Node hands it over (OWS trimmed, repeated fields joined with ", "), must
 * equal an active account's key; anything else gets one and the same 401 envelope.
 *
 * Each key fault bends exactly one stage: where the value is read from (presentedKey), what is
 * done to it first (normalise), how it is compared (matches), or what the refusal says (keyRefusal).
 */
import crypto from 'node:crypto';
import { KEY_PATTERN, type Account, type AccountName } from './accounts';
import { fail, json, type Data, type Reply } from './envelope';
import type { FaultName } from './faults';
import type { ApiRequest } from './request';

export type KeyFailure = 'missing' | 'unknown' | 'malformed' | 'revoked';

export type KeyCheck =
  | { ok: true; account: Account }
  | { ok: false; failure: KeyFailure; presented: string | undefined };

export function authenticate(req: ApiRequest, accounts: Record<AccountName, Account>, fault?: FaultName): KeyCheck {
  const presented = presentedKey(req, fault);
  if (presented === undefined || presented === '') {
    if (fault === 'missing-key-accepted' && presented === undefined) return { ok: true, account: accounts.active };
    if (fault === 'empty-key-accepted' && presented === '') return { ok: true, account: accounts.active };
    if (fault === 'empty-key-crashes' && presented === '') throw new Error('fault empty-key-crashes');
    return { ok: false, failure: 'missing', presented };
  }
  if (fault === 'long-key-crashes' && presented.length > 1024) throw new Error('fault long-key-crashes');
  if (fault === 'non-ascii-key-crashes' && /[^\x00-\x7e]/.test(presented)) throw new Error('fault non-ascii-key-crashes');

  const candidate = normalise(presented, fault);
  // Every account is compared, whichever matches, so the time taken does not tell which one did.
  let account: Account | undefined;
  for (const each of Object.values(accounts)) if (matches(candidate, each.key, fault) && !account) account = each;
  if (!account) {
    if (fault === 'any-key-accepted') return { ok: true, account: accounts.active };
    return { ok: false, failure: KEY_PATTERN.test(presented) ? 'unknown' : 'malformed', presented };
  }
  if (!account.active && fault !== 'inactive-key-accepted') return { ok: false, failure: 'revoked', presented };
  return { ok: true, account };
}

/** Where the key is read from. Only X-API-Key, unless a fault looks elsewhere. */
function presentedKey(req: ApiRequest, fault?: FaultName): string | undefined {
  if (fault === 'header-name-case-sensitive') return rawHeader(req.rawHeaders, (name) => name === 'X-API-Key');
  const value = req.headers['x-api-key'];
  if (value !== undefined) return Array.isArray(value) ? value.join(', ') : value;

  switch (fault) {
    case 'authorization-accepted': {
      const authorization = req.headers.authorization;
      return authorization === undefined ? undefined : authorization.replace(/^Bearer\s+/i, '');
    }
    case 'query-key-accepted':
      return req.query.get('api_key') ?? req.query.get('X-API-Key') ?? undefined;
    case 'cookie-key-accepted':
      return cookie(req.headers.cookie, 'X-API-Key');
    case 'misspelt-header-accepted':
      return rawHeader(req.rawHeaders, (name) => ['apikey', 'xapikey', 'xapikeys'].includes(name.toLowerCase().replace(/[^a-z0-9]/g, '')));
    default:
      return undefined;
  }
}

/** The "helpful" clean-ups a lenient server applies before comparing; the contract applies none. */
function normalise(value: string, fault?: FaultName): string {
  switch (fault) {
    case 'bearer-prefix-stripped':
      return value.replace(/^Bearer\s+/i, '');
    case 'quotes-stripped':
      return value.replace(/^["'`]/, '').replace(/["'`]$/, '');
    case 'whitespace-stripped':
      // Header bytes arrive as latin1: NBSP is "\xA0" (or "\xC2\xA0" if sent as UTF-8), and a
      // zero-width space sent as UTF-8 is the three characters "\xE2\x80\x8B".
      return value.replace(/\xE2\x80[\x8B-\x8D]|\xC2\xA0|[\s\u00A0\u200B-\u200D\uFEFF]/g, '');
    case 'trailing-junk-stripped':
      return value.replace(/(?:[=;]| +\S*)+$/, '');
    case 'url-decoded-key':
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    case 'duplicate-key-first-wins':
      return (value.split(',')[0] ?? '').trim();
    default:
      return value;
  }
}

function matches(candidate: string, key: string, fault?: FaultName): boolean {
  switch (fault) {
    case 'key-case-insensitive':
      return candidate.toLowerCase() === key.toLowerCase();
    case 'prefix-key-accepted':
      return candidate.length >= key.length - 1 && key.startsWith(candidate);
    case 'key-startswith-accepted':
      return candidate.startsWith(key);
    case 'duplicate-key-any-wins':
      return candidate.split(',').some((part) => sameKey(part.trim(), key));
    default:
      return sameKey(candidate, key);
  }
}

/** The accounts' keys as bytes, encoded once rather than on every request. */
const keyBytes = new Map<string, Buffer>();

/** Equal-length values are compared in constant time; the length itself is not a secret worth hiding. */
function sameKey(presented: string, key: string): boolean {
  // latin1 is one byte per character, so equal string lengths are equal byte lengths.
  if (presented.length !== key.length) return false;
  let bytes = keyBytes.get(key);
  if (!bytes) keyBytes.set(key, (bytes = Buffer.from(key, 'latin1')));
  return crypto.timingSafeEqual(Buffer.from(presented, 'latin1'), bytes);
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

/** The conformant refusal: the same for every key failure, echoing nothing. */
export function unauthorized(): Reply {
  return fail(401, 'Unauthorized');
}

/** The answer to a failed key check, as each refusal fault bends it. */
export function keyRefusal(check: Extract<KeyCheck, { ok: false }>, fault?: FaultName): Reply {
  const { failure, presented } = check;
  if (failure === 'revoked' && fault === 'inactive-key-403') return fail(403, 'Forbidden');
  if (failure === 'revoked' && fault === 'inactive-key-message') return fail(401, 'API key revoked');
  if (failure === 'missing' && fault === 'missing-key-distinct') return fail(401, 'API key required');

  switch (fault) {
    case 'unauthorized-as-403':
      return fail(403, 'Unauthorized');
    case 'unauthorized-as-400':
      return failure === 'malformed' ? fail(400, 'Unauthorized') : unauthorized();
    case 'unauthorized-plain-text':
      return { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Unauthorized' };
    case 'unauthorized-wrong-content-type':
      return { ...unauthorized(), headers: { 'content-type': 'text/html; charset=utf-8' } };
    case 'unauthorized-success-true':
      return json(401, { success: true, message: 'Unauthorized', data: {} });
    case 'unauthorized-no-data':
      return json(401, { success: false, message: 'Unauthorized' });
    case 'unauthorized-data-null':
      return json(401, { success: false, message: 'Unauthorized', data: null });
    case 'unauthorized-data-array':
      return json(401, { success: false, message: 'Unauthorized', data: [] });
    case 'unauthorized-message-lowercase':
      return fail(401, 'unauthorized');
    case 'unauthorized-message-detailed':
      return fail(401, 'Invalid API key');
    case 'key-echoed-in-body':
      return fail(401, 'Unauthorized', { presented_key: presented ?? null });
    case 'key-echoed-in-header':
      return presented ? fail(401, 'Unauthorized', {}, { 'x-presented-key': presented }) : unauthorized();
    case 'reason-in-data':
      return fail(401, 'Unauthorized', reasonData(failure));
    default:
      return unauthorized();
  }
}

/** A revoked key also gets a member the others lack, so even a keys-only comparison sees the leak. */
function reasonData(failure: KeyFailure): Data {
  return failure === 'revoked' ? { reason: failure, revoked_at: '2024-01-01T00:00:00Z' } : { reason: failure };
}
