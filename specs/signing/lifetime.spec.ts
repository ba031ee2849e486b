import { expectSuccessEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { signedEndpoint } from '../../helpers/signing/session';
import { skipUnlessQuickOrSlowAllowed, waitFor } from '../../helpers/signing/lifetime';

/**
 * "Well inside" is a third of the lifetime, not at once: a server that expires challenges early
 * (at a tenth of what it advertises, say) still serves an immediate use.
 */
const INSIDE_FRACTION = 0.3;

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
