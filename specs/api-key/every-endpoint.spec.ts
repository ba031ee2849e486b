import { expect401 } from '../../helpers/expectations';
import { ENDPOINTS, ROOT_ENDPOINT } from '../../helpers/endpoints';
import { requirement, test } from '../../helpers/fixtures';

const FAILURES = [
  { id: 'no-key', title: 'no key', headers: (): Record<string, string> => ({}) },
  { id: 'never-issued-key', title: 'a never-issued key', headers: (k: { invalid: string }): Record<string, string> => ({ 'X-API-Key': k.invalid }) },
] as const;

for (const endpoint of [...ENDPOINTS, ROOT_ENDPOINT]) {
  for (const failure of FAILURES) {
    test(`AUTH-12 ${endpoint.title} with ${failure.title} gets 401`, requirement('AUTH-12', `${endpoint.id}/${failure.id}`), async ({ api, keys, settings }) => {
      if (endpoint === ROOT_ENDPOINT) test.skip(!settings.rootProtected, 'GET / is not configured as protected (CARDPLUSPAY_ROOT_PROTECTED=1 checks it)');
      const reply = await api.send({ ...endpoint.call(settings), headers: failure.headers(keys) });
      expect401(reply, `${endpoint.title} with ${failure.title}`);
    });
  }
}
