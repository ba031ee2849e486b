/**
 * SAFE-06: a Cookie header goes out only when a check chose it, and the check says so. It names
 * itself in COOKIE_CHECK_HEADER beside the cookie, so the embedded mock's journal can tell a
 * deliberate cookie (AUTH-09: a key misplaced in a cookie, or the target's own cookies sent back
 * without a key) from an ambient one, which the self-test fails on; the egress refuses any other
 * Cookie header. Both sides must spell it alike, so it lives in the contract.
 */
import type { RequirementId } from './requirements';

export const COOKIE_CHECK_HEADER = 'X-Conformance-Check';

/** The headers that send `cookie` on behalf of the check of `requirement`. */
export function deliberateCookie(cookie: string, requirement: RequirementId): Record<string, string> {
  return { Cookie: cookie, [COOKIE_CHECK_HEADER]: requirement };
}
