import { expectSigningRefusal, expectSuccessEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { wellFormedLike } from '../../helpers/cases/keys';
import { NO_SECOND_SIGNING_ACCOUNT, signedEndpoint } from '../../helpers/signing/session';

test('SIGN-08 a challenge the server never issued, correctly signed, gets 401', requirement('SIGN-08'), async ({ signing }) => {
  const endpoint = signedEndpoint('balance');
  const issued = await signing.challenge();
  // Same length and character classes as a real one, so only "never issued" tells it apart.
  const made = await test.step('make a challenge of the same shape that was never issued', () => wellFormedLike(issued));
  const signature = await signing.sign(made, { step: 'sign the made-up challenge with the account key' });
  const reply = await signing.send(endpoint, { challenge: made, signature });
  await expectSigningRefusal(reply, `${endpoint.title} with a never-issued challenge and a valid signature over it`);
});

test(
  "SIGN-12 a challenge issued to one account gets 401 from another account with that account's valid signature",
  requirement('SIGN-12'),
  async ({ signing }) => {
    test.skip(!signing.second, NO_SECOND_SIGNING_ACCOUNT);
    const second = signing.second!;
    const endpoint = signedEndpoint('balance');
    // Without this control, a second account whose key the server rejects would pass the check below for the wrong reason.
    await test.step("control: the second account's own signed request succeeds", async () => {
      const own = await second.signedChallenge();
      await expectSuccessEnvelope(
        await second.send(endpoint, own),
        `${endpoint.title} signed by the second account (check CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE)`,
      );
    });
    const challenge = await signing.challenge();
    const signature = await second.sign(challenge, { step: "sign the first account's challenge with the second account's key" });
    const reply = await second.send(endpoint, { challenge, signature });
    await expectSigningRefusal(reply, `${endpoint.title} from the second account with a challenge issued to the first`);
  },
);
