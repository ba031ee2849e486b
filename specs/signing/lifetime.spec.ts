import { expectSignedSuccess } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { signedEndpoint } from '../../helpers/signing/session';
import { skipUnlessQuickOrSlowAllowed, waitFor } from '../../helpers/signing/lifetime';

/**
 * "Well inside" is a third of the lifetime, not at once: a server that expires challenges early
 * (at a tenth of what it advertises, say) still serves an immediate use.
 */
const INSIDE_FRACTION = 0.3;
/**
 * The use leaves by this share of the lifetime, counted from the asking, so its 401 is judged (the
 * session's timing allows 0.9): a slow challenge exchange shortens the wait rather than the judgement.
 */
const LEAVE_BY = 0.85;

test('SIGN-11 a challenge used well inside its lifetime succeeds', requirement('SIGN-11', 'inside-lifetime'), async ({ signing, settings }) => {
  skipUnlessQuickOrSlowAllowed(settings);
  const ttlMs = settings.challenge.ttlSeconds * 1000;
  test.setTimeout(test.info().timeout + ttlMs * INSIDE_FRACTION);
  const endpoint = signedEndpoint('balance');
  // Alone at the signing from the asking to the use: no other check's challenge may end this one (an API keeping a few live).
  const { signed, waitMs, reply } = await signing.alone(async () => {
    const signed = await signing.signedChallenge();
    // Counted from the answer: a server may issue the challenge as late as that.
    const waitMs = Math.max(0, Math.min(ttlMs * INSIDE_FRACTION, ttlMs * LEAVE_BY - signing.ageOf(signed.challenge)));
    await waitFor(waitMs, `(up to ${Math.round(INSIDE_FRACTION * 100)} % of the lifetime after the challenge came)`);
    return { signed, waitMs, reply: await signing.send(endpoint, signed, { looksFor: 'success' }) };
  });
  const age = (signing.ageOf(signed.challenge) / 1000).toFixed(1);
  await expectSignedSuccess(
    reply,
    `${endpoint.title} with a challenge used ${(waitMs / 1000).toFixed(1)} s after it came (the use answered ${age} s after the challenge was asked for, of a ${settings.challenge.ttlSeconds} s lifetime)`,
    signing,
  );
});
