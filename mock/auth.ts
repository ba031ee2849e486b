/**
 * The API key check, and the answer to a key that fails it. Conformant behaviour: the whole
 * X-API-Key value, as Node hands it over (OWS trimmed, repeated fields joined with ", "), must
 * equal an active account's key; anything else gets one and the same 401 envelope.
 *
 * The check runs in named stages (KeyCheckStages), so a variant replaces one stage and leaves the
 * rest: where the value is read from, what is done to it first, how it is compared, the last word
 * on the outcome, and what a refusal says.
 */
import { KEY_PATTERN, type Account, type AccountName } from './accounts';
import { fail, type Reply } from './envelope';
import type { ApiRequest } from './request';

export type KeyFailure = 'missing' | 'unknown' | 'malformed' | 'revoked';

type KeyRefused = { ok: false; failure: KeyFailure; presented: string | undefined; account?: Account };

/** A revoked key's refusal carries its account, so a stage that overrules the refusal knows whose it is. */
export type KeyCheck = { ok: true; account: Account } | KeyRefused;

export interface KeyCheckStages {
  /** Where the key is read from. */
  presentedKey(req: ApiRequest): string | undefined;
  /** What is done to a non-empty value before it is compared. */
  normalise(value: string): string;
  matches(candidate: string, key: string): boolean;
  /** The last word on the outcome: given the check as run, what the request gets (a throw is a 500). */
  settle(check: KeyCheck, presented: string | undefined, accounts: Record<AccountName, Account>): KeyCheck;
  /** The answer to a refused key. */
  refusal(check: KeyRefused): Reply;
}

export const CONFORMANT_KEY_CHECK: KeyCheckStages = {
  presentedKey: (req) => {
    const value = req.headers['x-api-key'];
    return Array.isArray(value) ? value.join(', ') : value;
  },
  normalise: (value) => value,
  matches: sameKey,
  settle: (check) => check,
  refusal: () => unauthorized(),
};

export function authenticate(req: ApiRequest, accounts: Record<AccountName, Account>, stages: KeyCheckStages = CONFORMANT_KEY_CHECK): KeyCheck {
  const presented = stages.presentedKey(req);
  return stages.settle(compare(presented, accounts, stages), presented, accounts);
}

function compare(presented: string | undefined, accounts: Record<AccountName, Account>, stages: KeyCheckStages): KeyCheck {
  if (presented === undefined || presented === '') return { ok: false, failure: 'missing', presented };
  const candidate = stages.normalise(presented);
  // Every account is compared, whichever matches, so the time taken does not tell which one did.
  let account: Account | undefined;
  for (const each of Object.values(accounts)) if (stages.matches(candidate, each.key) && !account) account = each;
  if (!account) return { ok: false, failure: KEY_PATTERN.test(presented) ? 'unknown' : 'malformed', presented };
  if (!account.active) return { ok: false, failure: 'revoked', presented, account };
  return { ok: true, account };
}

/**
 * Equal-length values are compared in constant time: every character, whatever differs first. The
 * length itself is not a secret worth hiding. Character codes rather than crypto.timingSafeEqual:
 * every request compares against every account, and making a Buffer of the value for each
 * comparison took twice as long as this whole loop.
 */
export function sameKey(presented: string, key: string): boolean {
  if (presented.length !== key.length) return false;
  let difference = 0;
  for (let i = 0; i < key.length; i++) difference |= presented.charCodeAt(i) ^ key.charCodeAt(i);
  return difference === 0;
}

/** The conformant refusal: the same for every key failure, echoing nothing. */
export function unauthorized(): Reply {
  return fail(401, 'Unauthorized');
}
