import type { ApiClient } from '../../helpers/client/client';
import { expect401 } from '../../helpers/expectations';
import { ROOT_ENDPOINT } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { drawFor } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import { membersOf } from '../../helpers/cases/family';
import { KEY_CLASSES_ON_ENDPOINTS, type KeyOnEndpoint } from '../../helpers/cases/key-classes';
import { keyHeader, type Keys } from '../../helpers/cases/keys';
import type { Settings } from '../../helpers/settings/settings';

/** One class of failing key on one endpoint; the revoked key's members are AUTH-08's (revoked.spec.ts). */
async function present(api: ApiClient, settings: Settings, keys: Keys, m: KeyOnEndpoint, options: { soft?: boolean } = {}): Promise<void> {
  const reply = await api.send({ ...m.endpoint.call(settings), headers: keyHeader(m.key(keys)), stands: m.stands(keys) });
  expect401(reply, `${m.title} (${m.id}: ${m.why})`, options);
}

for (const m of KEY_CLASSES_ON_ENDPOINTS.core.filter((c) => c.requirement === 'AUTH-12')) {
  test(`AUTH-12 ${m.title} gets 401`, requirement('AUTH-12', m.id), async ({ api, keys, settings }) => {
    if (m.endpoint === ROOT_ENDPOINT) test.skip(!settings.rootProtected, 'GET / is not configured as protected (CARDPLUSPAY_ROOT_PROTECTED=1 checks it)');
    await present(api, settings, keys, m);
  });
}

test(
  "AUTH-12 malformed keys drawn with the run's seed get 401 on the endpoints they are sent to",
  requirement('AUTH-12', 'key-classes-drawn'),
  async ({ api, keys, settings }) => {
    const drawn = membersOf(KEY_CLASSES_ON_ENDPOINTS, drawFor(settings)).slice(KEY_CLASSES_ON_ENDPOINTS.core.length);
    await eachMember(
      drawn,
      (m) => m.title,
      (m) => present(api, settings, keys, m, { soft: true }),
    );
  },
);
