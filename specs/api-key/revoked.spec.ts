import { expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';

test('AUTH-08 a revoked or inactive key gets the 401 Unauthorized envelope', requirement('AUTH-08'), async ({ api, revokedKey }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(revokedKey) });
  await expectUnauthorizedEnvelope(reply, 'GET balance with the revoked key');
});
