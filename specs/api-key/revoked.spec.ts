import { expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { eachMember } from '../../helpers/cases/each-member';
import { KEY_CLASSES_ON_ENDPOINTS } from '../../helpers/cases/key-classes';
import { keyHeader } from '../../helpers/cases/keys';

// The revoked key on every endpoint a configured key may go to (never POST orders: it spends), a step each, sent together.
test(
  "AUTH-08 each endpoint of the family's core with the revoked key gets the 401 Unauthorized envelope",
  requirement('AUTH-08', 'key-classes'),
  async ({ api, settings, revokedKey }) => {
    await eachMember(
      KEY_CLASSES_ON_ENDPOINTS.core.filter((c) => c.requirement === 'AUTH-08'),
      (m) => m.title,
      async (m) => {
        const reply = await api.send({ ...m.endpoint.call(settings), headers: keyHeader(revokedKey) });
        await expectUnauthorizedEnvelope(reply, `${m.title} (${m.id}: ${m.why})`);
      },
      { perTest: KEY_CLASSES_ON_ENDPOINTS.sampled },
    );
  },
);
