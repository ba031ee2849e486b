import { expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { KEY_CLASSES_ON_ENDPOINTS } from '../../helpers/cases/key-classes';
import { keyHeader } from '../../helpers/cases/keys';

// The revoked key on every endpoint a configured key may go to (never POST orders: it spends).
for (const m of KEY_CLASSES_ON_ENDPOINTS.core.filter((c) => c.requirement === 'AUTH-08')) {
  test(`AUTH-08 ${m.title} gets the 401 Unauthorized envelope`, requirement('AUTH-08', m.id), async ({ api, settings, revokedKey }) => {
    const reply = await api.send({ ...m.endpoint.call(settings), headers: keyHeader(revokedKey) });
    await expectUnauthorizedEnvelope(reply, `${m.title} (${m.id}: ${m.why})`);
  });
}
