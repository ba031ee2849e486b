import type { ApiClient } from '../../helpers/client/client';
import { expect401, is2xx } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { drawFor } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import { membersOf } from '../../helpers/cases/family';
import { HEADER_NAME_CASES } from '../../helpers/cases/keys';
import { CREDENTIAL_PLACES, type CredentialPlace } from '../../helpers/cases/places';

/** The valid key in one place and nowhere else (no X-API-Key): anything but 401 means the server read it there. */
async function presentIn(api: ApiClient, valid: string, p: CredentialPlace, options: { soft?: boolean } = {}): Promise<void> {
  const call = p.present(valid);
  const reply = await api.send({ ...call, stands: p.stands(valid, 'CARDPLUSPAY_API_KEY') });
  expect401(reply, `${call.method} ${call.path} with the valid key ${p.title} (${p.id}: ${p.why})`, options);
}

for (const p of CREDENTIAL_PLACES.core) {
  test(`AUTH-09 the valid key ${p.title} gets 401`, requirement('AUTH-09', p.id), async ({ api, keys }) => {
    await presentIn(api, keys.valid, p);
  });
}

test("AUTH-09 places drawn with the run's seed: the valid key in each gets 401", requirement('AUTH-09', 'places-drawn'), async ({ api, keys, settings }) => {
  const drawn = membersOf(CREDENTIAL_PLACES, drawFor(settings)).slice(CREDENTIAL_PLACES.core.length);
  await eachMember(
    drawn,
    (p) => `the valid key ${p.title}`,
    (p) => presentIn(api, keys.valid, p, { soft: true }),
  );
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
