import type { ApiClient } from '../../helpers/client/client';
import { expect401 } from '../../helpers/expectations';
import { ROOT_ENDPOINT } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { drawnOf } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import { KEY_CLASSES_ON_ENDPOINTS, type KeyOnEndpoint } from '../../helpers/cases/key-classes';
import { keyHeader, type Keys } from '../../helpers/cases/keys';
import type { Settings } from '../../helpers/settings/settings';

/** Each class of failing key on each endpoint, a step each, sent together; the revoked key's members are AUTH-08's (revoked.spec.ts). */
async function present(api: ApiClient, settings: Settings, keys: Keys, members: readonly KeyOnEndpoint[]): Promise<void> {
  await eachMember(
    members,
    (m) => m.title,
    async (m) => {
      const reply = await api.send({ ...m.endpoint.call(settings), headers: keyHeader(m.key(keys)), stands: m.stands(keys) });
      expect401(reply, `${m.title} (${m.id}: ${m.why})`, { soft: true });
    },
    {
      perTest: KEY_CLASSES_ON_ENDPOINTS.sampled,
      notSent: (m) =>
        m.endpoint === ROOT_ENDPOINT && !settings.rootProtected
          ? 'GET / is not configured as protected (CARDPLUSPAY_ROOT_PROTECTED=1 checks it)'
          : m.unsent?.(keys),
    },
  );
}

test(
  "AUTH-12 each endpoint with each class of failing key of the family's core (missing, never-issued, malformed) gets 401",
  requirement('AUTH-12', 'key-classes'),
  async ({ api, keys, settings }) => {
    await present(
      api,
      settings,
      keys,
      KEY_CLASSES_ON_ENDPOINTS.core.filter((c) => c.requirement === 'AUTH-12'),
    );
  },
);

test(
  "AUTH-12 malformed keys drawn with the run's seed get 401 on the endpoints they are sent to",
  requirement('AUTH-12', 'key-classes-drawn'),
  async ({ api, keys, settings }) => {
    await present(api, settings, keys, drawnOf(KEY_CLASSES_ON_ENDPOINTS, settings));
  },
);
