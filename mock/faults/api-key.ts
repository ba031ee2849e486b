/**
 * Faults of the API key: what counts as the key, which endpoints enforce it, and whose orders it
 * reaches. Where the key is read from is key-places.ts; what a refusal says, refusals.ts.
 */
import { KEY_PATTERN, randomKey } from '../accounts';
import { sameKey, unauthorized, type KeyFailure } from '../auth';
import { ORDERS } from '../data';
import { fail } from '../envelope';
import type { MockBehaviour } from '../behaviour';
import type { ApiContext } from '../routes';
import { alsoIn, bendEndpoint, bendPart, crash, type Fault } from './fault';
import { bodyOf, utf8 } from './probe-kit';

const normaliseWith = (normalise: (value: string) => string) => bendPart('key', () => ({ normalise }));

const matchWith = (matches: (candidate: string, key: string) => boolean) => bendPart('key', () => ({ matches }));

/** Every key-failure refusal is `reply()` where `when` holds (also refusals.ts's). */
export const refuseWith = (
  reply: (failure: KeyFailure, presented: string | undefined) => ReturnType<typeof unauthorized>,
  when: (failure: KeyFailure) => boolean = () => true,
) => bendPart('key', (key) => ({ refusal: (check) => (when(check.failure) ? reply(check.failure, check.presented) : key.refusal(check)) }));

/** A presented value for which `when` holds crashes the check. */
const crashOn = (name: string, when: (presented: string) => boolean) =>
  bendPart('key', (key) => ({
    settle: (check, presented, accounts) => (presented !== undefined && when(presented) ? crash(name) : key.settle(check, presented, accounts)),
  }));

/** Every byte of a key percent-encoded, as url-decoded-key's probe and the refusals that echo it spell it. */
export const percentEncoded = (key: string): string =>
  Array.from(Buffer.from(key, 'utf8'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

const flipCase = (k: string): string => [...k].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

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
  'key-trimmed': {
    breaks: ['AUTH-07'],
    summary: 'The key, decoded as Latin-1, goes through String.prototype.trim(): a single 0xA0 byte around it is stripped (the UTF-8 pair C2 A0 is not)',
    probe: async (k) => (await k.balance(`${k.active}\u00a0`)).status === 200,
    bend: normaliseWith((value) => value.trim()),
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
} satisfies Record<string, Fault>;

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
