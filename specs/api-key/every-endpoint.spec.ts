import { expect401 } from '../../helpers/expectations';
import { ENDPOINTS, ROOT_ENDPOINT } from '../../helpers/contract/endpoints';
import { requirement, test } from '../../helpers/fixtures';
import { MISSING_OR_NEVER_ISSUED, keyHeader } from '../../helpers/cases/keys';

for (const endpoint of [...ENDPOINTS, ROOT_ENDPOINT]) {
  for (const failure of MISSING_OR_NEVER_ISSUED) {
    test(
      `AUTH-12 ${endpoint.title} with ${failure.title} gets 401`,
      requirement('AUTH-12', `${endpoint.id}/${failure.id}`),
      async ({ api, keys, settings }) => {
        if (endpoint === ROOT_ENDPOINT) test.skip(!settings.rootProtected, 'GET / is not configured as protected (CARDPLUSPAY_ROOT_PROTECTED=1 checks it)');
        const reply = await api.send({ ...endpoint.call(settings), headers: keyHeader(failure.key(keys)) });
        expect401(reply, `${endpoint.title} with ${failure.title}`);
      },
    );
  }
}
