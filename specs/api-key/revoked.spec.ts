import { expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';

test('AUTH-08 a revoked or inactive key gets the 401 Unauthorized envelope', requirement('AUTH-08'), async ({ api, keys }) => {
  test.skip(!keys.inactive, 'CARDPLUSPAY_INACTIVE_API_KEY is not set: there is no revoked key to present');
  const reply = await api.send({ path: 'balance', headers: { 'X-API-Key': keys.inactive! } });
  await expectUnauthorizedEnvelope(reply, 'GET balance with the revoked key');
});
