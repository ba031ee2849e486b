/**
 * SAFE-06: a Cookie header goes out only when a check chose it, and the check says so. It names
 * itself in COOKIE_CHECK_HEADER beside the cookie, so the embedded mock's journal can tell a
 * deliberate cookie (AUTH-09: a key misplaced in a cookie, or the target's own cookies sent back
 * without a key) from an ambient one, which the self-test fails on. Imports only a type, so the
 * mock can share the name.
 */
import { COOKIE_CHECK_HEADER } from '../contract/cookie-check';
import type { RequirementId } from '../contract/requirements';

/** The headers that send `cookie` on behalf of the check of `requirement`. */
export function deliberateCookie(cookie: string, requirement: RequirementId): Record<string, string> {
  return { Cookie: cookie, [COOKIE_CHECK_HEADER]: requirement };
}
