import { expect401, expectUnauthorizedEnvelope } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import type { ApiClient } from '../../helpers/client/client';
import { drawFor } from '../../helpers/cases/families';
import { eachMember } from '../../helpers/cases/each-member';
import { membersOf } from '../../helpers/cases/family';
import { EMPTY_KEYS, MALFORMED_KEYS, OVERSIZED_KEYS, OVERSIZED_REFUSALS, keyHeader } from '../../helpers/cases/keys';
import { NEAR_MISSES, type NearMiss } from '../../helpers/cases/near-misses';
import { expect } from '../../helpers/fixtures';

test('AUTH-02 a request without X-API-Key gets the 401 Unauthorized envelope', requirement('AUTH-02'), async ({ api }) => {
  const reply = await api.send({ path: 'balance' });
  await expectUnauthorizedEnvelope(reply, 'GET balance without X-API-Key');
});

for (const c of EMPTY_KEYS) {
  test(`AUTH-03 a key that is ${c.title} gets the 401 Unauthorized envelope`, requirement('AUTH-03', c.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
    await expectUnauthorizedEnvelope(reply, `GET balance with a key that is ${c.title}`);
  });
}

test('AUTH-04 a well-formed key that was never issued gets the 401 Unauthorized envelope', requirement('AUTH-04'), async ({ api, keys }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(keys.invalid) });
  await expectUnauthorizedEnvelope(reply, 'GET balance with a never-issued key');
});

for (const c of MALFORMED_KEYS) {
  test(`AUTH-05 the valid key ${c.title} gets 401`, requirement('AUTH-05', c.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
    expect401(reply, `GET balance with the valid key ${c.title}`);
  });
}

/** A near-miss of the valid key, sent with the shell expression its reproduction uses for it. */
async function presentNearMiss(api: ApiClient, valid: string, m: NearMiss): Promise<void> {
  const key = m.make(valid);
  const reply = await api.send({ path: 'balance', headers: keyHeader(key), stands: [{ value: key, shell: m.shell('CARDPLUSPAY_API_KEY', valid) }] });
  expect401(reply, `GET balance with the valid key ${m.title} (${m.id}: ${m.why})`, { soft: true });
}

for (const m of NEAR_MISSES.core) {
  test(`AUTH-05 the valid key ${m.title} gets 401`, requirement('AUTH-05', m.id), async ({ api, keys }) => {
    await presentNearMiss(api, keys.valid, m);
  });
}

test("AUTH-05 near-misses of the valid key drawn with the run's seed get 401", requirement('AUTH-05', 'near-misses-drawn'), async ({ api, keys, settings }) => {
  const drawn = membersOf(NEAR_MISSES, drawFor(settings)).slice(NEAR_MISSES.core.length);
  await eachMember(
    drawn,
    (m) => `the valid key ${m.title}`,
    (m) => presentNearMiss(api, keys.valid, m),
  );
});

for (const c of OVERSIZED_KEYS) {
  test(`AUTH-05 a key ${c.title} gets 401 or a proxy's too-large refusal`, requirement('AUTH-05', c.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
    expect(
      [401, ...OVERSIZED_REFUSALS],
      `GET balance with a key ${c.title}: status must be 401 or a too-large refusal (${OVERSIZED_REFUSALS.join('/')}), never 2xx or 5xx (got ${reply.status})`,
    ).toContain(reply.status);
  });
}
