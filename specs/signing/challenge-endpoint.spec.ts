import { expect401, expectSuccessEnvelope } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { keyHeader, wellFormedLike } from '../../helpers/cases/keys';
import { readJsonPointer } from '../../helpers/contract/json-pointer';
import { challengeIn } from '../../helpers/signing/session';
import { observe } from '../../helpers/client/transcript';

test(
  'SIGN-01 the challenge endpoint gives the signing account a challenge in a success envelope',
  requirement('SIGN-01', 'success-envelope'),
  async ({ signing, settings }) => {
    const reply = await test.step('request a challenge', () => signing.requestChallenge());
    await test.step('expect 2xx, a success envelope and a challenge at the configured pointer', async () => {
      await expectSuccessEnvelope(reply, `${settings.challenge.method} ${settings.challenge.path} with the signing key`);
      challengeIn(reply, settings);
    });
    // The lifetime is a setting because the docs give none; a server that advertises another one
    // is worth a note, since SIGN-11 waits by the setting.
    const advertised = readJsonPointer(reply.json, settings.challenge.pointer.replace(/\/[^/]*$/, '/expires_in'));
    if (typeof advertised === 'number' && advertised !== settings.challenge.ttlSeconds) {
      await observe(
        `the challenge endpoint advertises expires_in ${advertised} s, but CARDPLUSPAY_CHALLENGE_TTL_SECONDS is ${settings.challenge.ttlSeconds}: SIGN-11 waits by the setting`,
      );
    }
  },
);

test('SIGN-01 two calls to the challenge endpoint give two different challenges', requirement('SIGN-01', 'fresh'), async ({ signing }) => {
  const first = await signing.challenge();
  const second = await signing.challenge();
  await test.step('expect two different challenges', () => {
    expect(first !== second, 'the challenge endpoint must give a fresh challenge on each call, not repeat an unused one').toBe(true);
  });
});

const WITHOUT_A_VALID_KEY = [
  { id: 'no-key', title: 'without X-API-Key', headers: (): Record<string, string> => ({}) },
  { id: 'never-issued-key', title: 'with a never-issued key', headers: (like: string): Record<string, string> => keyHeader(wellFormedLike(like)) },
] as const;

for (const c of WITHOUT_A_VALID_KEY) {
  test(`SIGN-02 the challenge endpoint ${c.title} gets 401`, requirement('SIGN-02', c.id), async ({ api, settings }) => {
    const { method, path } = settings.challenge;
    const reply = await test.step(`request a challenge ${c.title}`, () =>
      api.send({ method, path, headers: c.headers(settings.signing?.apiKey ?? settings.apiKey) }));
    await test.step('expect 401', () => expect401(reply, `${method} ${path} ${c.title}`));
  });
}
