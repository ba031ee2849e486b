import { expectSigningRefusal } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { signedEndpoint } from '../../helpers/signing/session';
import { pastLifetimeMs, skipUnlessQuickOrSlowAllowed, waitFor } from '../../helpers/signing/lifetime';

// SIGN-11's wait past a challenge's lifetime (3.1 s with the mock's 2 s) is a run's longest, so it
// lives in the folder Playwright's walk finds first: started first, the wait overlaps the other
// checks instead of ending the run (tests/unit/spec-order.spec.ts). A later answer is still a use
// past the lifetime. The use inside the lifetime stays in specs/signing/lifetime.spec.ts: started
// at a run's busiest moment, its exchange could come back after the lifetime on a loaded machine.
// From ALONE_FROM of the lifetime the check goes alone at the target's signing. Later (0.75), with
// the signing checks moved first in the walk, mock runs took 5.1 s instead of 6.7, but behind a
// front adding 250 ms the other workers' signing checks held the turn past the lifetime and the
// check started again (32.9 s against 27.0): docs/benchmarks.md, "What the turns at signing cost".

/** The share of the lifetime after which the check goes alone at the target's signing: before it ends, whatever its length. */
const ALONE_FROM = 0.5;
/** When, in the first challenge's lifetime, another is asked and used: past the 1 s margin with the mock's 2 s lifetime, before its end. */
const ACTIVITY_AT = 0.8;

test('SIGN-11 a challenge used after its lifetime gets 401', requirement('SIGN-11', 'after-lifetime'), async ({ signing, settings }) => {
  skipUnlessQuickOrSlowAllowed(settings);
  const ttlMs = settings.challenge.ttlSeconds * 1000;
  const waitMs = pastLifetimeMs(ttlMs);
  test.setTimeout(test.info().timeout + waitMs);
  const endpoint = signedEndpoint('balance');
  let signed = await signing.signedChallenge();
  let came = Date.now();
  // Alone from part of the way through the lifetime to the use (holding no shared turn before): no
  // other check's use comes between the challenge's expiry and this one (an API whose expiry is a
  // sweep after each use would serve it).
  await signing.aside(() => waitFor(ALONE_FROM * ttlMs, '(through part of the lifetime)'));
  const reply = await signing.alone(async () => {
    // Alone only once the lifetime was over (other checks' long turns): another's use may have come between, so start again.
    if (signing.ageOf(signed.challenge) >= ttlMs) {
      test.setTimeout(test.info().timeout + waitMs);
      signed = await signing.signedChallenge();
      came = Date.now();
    }
    // Late in the lifetime, another challenge asked and used, as other checks' are: a server must not
    // extend this one's lifetime for them (sign-expiry-reset-by-new-challenge); later than the
    // margin after the first, or the extension ends before the use. Not with one live challenge per
    // account: the new one would end this one, and the refusal would prove nothing.
    if (!signing.oneAtATime) {
      await waitFor(Math.max(0, came + ACTIVITY_AT * ttlMs - Date.now()), '(to late in the lifetime)');
      await signing.send(endpoint, await signing.signedChallenge(), {
        step: `send ${endpoint.title} with another challenge, before the first one's lifetime ends`,
      });
    }
    await waitFor(Math.max(0, came + waitMs - Date.now()), '(past the lifetime, alone at the signing)');
    return signing.sendExpired(endpoint, signed);
  });
  await expectSigningRefusal(
    reply,
    `${endpoint.title} with a challenge used ${(waitMs / 1000).toFixed(1)} s or more after it came, past its ${settings.challenge.ttlSeconds} s lifetime`,
  );
});
