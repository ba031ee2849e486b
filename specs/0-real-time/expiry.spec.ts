import type { Settings } from '../../helpers/settings/settings';
import { expectSigningRefusal, expectSuccessEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { signedEndpoint, waitFor } from '../../helpers/signing/session';

// SIGN-11's checks wait out real time, so they live in the folder Playwright's walk finds first:
// started first, their waits overlap the other checks instead of ending the run (spec-order.spec.ts).

/**
 * "Well inside" is a third of the lifetime, not at once: a server that expires challenges early
 * (at a tenth of what it advertises, say) still serves an immediate use.
 */
const INSIDE_FRACTION = 0.3;
/** Past the lifetime by a margin that absorbs a server clock counting in whole seconds. */
const pastLifetimeMs = (ttlMs: number): number => ttlMs + 1000 + ttlMs * 0.05;
/** interface.md: waits for a lifetime over 30 s run only with CARDPLUSPAY_RUN_SLOW=1. */
const SLOW_LIFETIME_SECONDS = 30;

function skipUnlessQuickOrSlowAllowed(settings: Settings): void {
  const ttl = settings.challenge.ttlSeconds;
  test.skip(
    ttl > SLOW_LIFETIME_SECONDS && !settings.runSlow,
    `CARDPLUSPAY_RUN_SLOW is off and the challenge lifetime is ${ttl} s: waiting through it takes over ${SLOW_LIFETIME_SECONDS} s (CARDPLUSPAY_RUN_SLOW=1 runs it)`,
  );
}

test('SIGN-11 a challenge used well inside its lifetime succeeds', requirement('SIGN-11', 'inside-lifetime'), async ({ signing, settings }) => {
  skipUnlessQuickOrSlowAllowed(settings);
  const waitMs = settings.challenge.ttlSeconds * 1000 * INSIDE_FRACTION;
  test.setTimeout(waitMs + 30_000);
  const endpoint = signedEndpoint('balance');
  const signed = await signing.signedChallenge();
  await waitFor(waitMs, `(${Math.round(INSIDE_FRACTION * 100)} % of the lifetime)`);
  const reply = await signing.send(endpoint, signed);
  await expectSuccessEnvelope(reply, `${endpoint.title} with a challenge used at ${Math.round(INSIDE_FRACTION * 100)} % of its lifetime`);
});

test('SIGN-11 a challenge used after its lifetime gets 401', requirement('SIGN-11', 'after-lifetime'), async ({ signing, settings }) => {
  skipUnlessQuickOrSlowAllowed(settings);
  const waitMs = pastLifetimeMs(settings.challenge.ttlSeconds * 1000);
  test.setTimeout(waitMs + 30_000);
  const endpoint = signedEndpoint('balance');
  const signed = await signing.signedChallenge();
  await waitFor(waitMs, '(past the lifetime)');
  const reply = await signing.send(endpoint, signed);
  await expectSigningRefusal(
    reply,
    `${endpoint.title} with a challenge used ${(waitMs / 1000).toFixed(1)} s after it was issued, past its ${settings.challenge.ttlSeconds} s lifetime`,
  );
});
