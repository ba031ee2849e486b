import { expectUnauthorizedEnvelope, told } from '../../helpers/expectations';
import { requirement, test } from '../../helpers/fixtures';
import { presentChanged, refused, theValidKey } from '../../helpers/cases/changed-keys';
import { drawnOf } from '../../helpers/cases/families';
import { EMPTY_KEYS, MALFORMED_KEYS, OVERSIZED_KEYS, OVERSIZED_REFUSALS, keyHeader } from '../../helpers/cases/keys';
import { NEAR_MISSES } from '../../helpers/cases/near-misses';
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

test('AUTH-05 each malformed spelling of the valid key gets 401', requirement('AUTH-05', 'malformed'), async ({ api, keys }) => {
  await presentChanged(api, theValidKey(keys), MALFORMED_KEYS, refused);
});

test("AUTH-05 the valid key changed as each near-miss of the family's core gets 401", requirement('AUTH-05', 'near-misses'), async ({ api, keys }) => {
  await presentChanged(api, theValidKey(keys), NEAR_MISSES.core, refused, NEAR_MISSES.sampled);
});

test("AUTH-05 near-misses of the valid key drawn with the run's seed get 401", requirement('AUTH-05', 'near-misses-drawn'), async ({ api, keys, settings }) => {
  await presentChanged(api, theValidKey(keys), drawnOf(NEAR_MISSES, settings), refused, NEAR_MISSES.sampled);
});

test(
  `AUTH-05 a key ${OVERSIZED_KEYS.map((c) => c.title).join(' or ')} gets 401 or a proxy's too-large refusal`,
  requirement('AUTH-05', 'oversized'),
  async ({ api, keys }) => {
    await presentChanged(api, theValidKey(keys), OVERSIZED_KEYS, (reply, what) => {
      expect
        .soft(
          [401, ...OVERSIZED_REFUSALS],
          told(
            reply,
            `${what}: status must be 401 or a too-large refusal (${OVERSIZED_REFUSALS.join('/')}), never 2xx or 5xx (got ${reply.status})`,
            [401, ...OVERSIZED_REFUSALS].includes(reply.status),
          ),
        )
        .toContain(reply.status);
    });
  },
);
