import type { ApiClient } from '../../helpers/client/client';
import { expect401, is2xx } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { drawnOf } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import { HEADER_NAME_CASES } from '../../helpers/cases/keys';
import { CREDENTIAL_PLACES, type CredentialPlace } from '../../helpers/cases/places';

/**
 * The valid key in each place and nowhere else (no X-API-Key), a place a step, sent together:
 * anything but 401 means the server read it there, and each such place is named with its reproduction.
 */
async function presentIn(api: ApiClient, valid: string, places: readonly CredentialPlace[]): Promise<void> {
  await eachMember(
    places,
    (p) => `the valid key ${p.title}`,
    async (p) => {
      const call = p.present(valid);
      const reply = await api.send({ ...call, stands: p.stands(valid, 'CARDPLUSPAY_API_KEY') });
      expect401(reply, `${call.method} ${call.path} with the valid key ${p.title} (${p.id}: ${p.why})`, { soft: true });
    },
    { perTest: CREDENTIAL_PLACES.sampled },
  );
}

test("AUTH-09 the valid key in each place of the family's core gets 401", requirement('AUTH-09', 'places'), async ({ api, keys }) => {
  await presentIn(api, keys.valid, CREDENTIAL_PLACES.core);
});

test("AUTH-09 places drawn with the run's seed: the valid key in each gets 401", requirement('AUTH-09', 'places-drawn'), async ({ api, keys, settings }) => {
  await presentIn(api, keys.valid, drawnOf(CREDENTIAL_PLACES, settings));
});

for (const name of HEADER_NAME_CASES) {
  test(`AUTH-10 the header name written ${name} is honoured as configured`, requirement('AUTH-10', name), async ({ api, keys, settings }) => {
    const reply = await api.send({ path: 'balance', headers: { [name]: keys.valid } });
    const what = `GET balance with the valid key in a field named ${name} (CARDPLUSPAY_HEADER_NAME_CASE=${settings.headerNameCase})`;
    if (settings.headerNameCase === 'insensitive') {
      expect(is2xx(reply.status), `${what}: field names are case-insensitive (RFC 9110 5.1), so it must succeed (got ${reply.status})`).toBe(true);
    } else if (settings.headerNameCase === 'sensitive') {
      expect401(reply, what);
    } else {
      expect(is2xx(reply.status) || reply.status === 401, `${what}: must succeed or get 401 (got ${reply.status})`).toBe(true);
      test.info().annotations.push({ type: 'observed', description: `${name}: ${reply.status}` });
    }
  });
}
