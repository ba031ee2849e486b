/**
 * SAFE-06: a check that sends a Cookie on purpose names itself in this header beside it
 * (helpers/client/cookies.ts), so the embedded mock's journal can tell a deliberate cookie (AUTH-09)
 * from an ambient one, which the self-test fails on. Both sides must spell it alike.
 */
export const COOKIE_CHECK_HEADER = 'X-Conformance-Check';
