import { expect, requirement, test } from '../../helpers/fixtures';
import { presentChanged, refused, theValidKey } from '../../helpers/cases/changed-keys';
import { NON_OWS_PADDINGS, OWS_PADDINGS, QUOTED_KEYS, keyHeader } from '../../helpers/cases/keys';

test('AUTH-06 the valid key quoted in each way gets 401', requirement('AUTH-06', 'quoted'), async ({ api, keys }) => {
  await presentChanged(api, theValidKey(keys), QUOTED_KEYS, refused);
});

test(
  'AUTH-07 the valid key with each whitespace padding gets the outcome of the unpadded key',
  requirement('AUTH-07', 'ows-valid'),
  async ({ api, keys, settings }) => {
    const unpadded = await api.send({ path: 'balance', headers: keyHeader(keys.valid) });
    await presentChanged(api, theValidKey(keys, 'the valid key with'), OWS_PADDINGS, (padded, what) => {
      // RFC 9110 5.5: the padding is not part of the field value, so the server sees the key itself.
      if (settings.paddedKey === 'same-or-401' && padded.status === 401) return;
      expect
        .soft(padded.status, `${what}: status must equal the unpadded key's ${unpadded.status} (CARDPLUSPAY_PADDED_KEY=${settings.paddedKey})`)
        .toBe(unpadded.status);
    });
  },
);

test('AUTH-07 a never-issued key with each whitespace padding gets 401', requirement('AUTH-07', 'ows-invalid'), async ({ api, keys }) => {
  await presentChanged(api, { key: keys.invalid, lead: 'a never-issued key with' }, OWS_PADDINGS, refused);
});

test('AUTH-07 the valid key with each addition that is not whitespace padding gets 401', requirement('AUTH-07', 'not-ows'), async ({ api, keys }) => {
  await presentChanged(api, theValidKey(keys, 'the valid key with'), NON_OWS_PADDINGS, refused);
});
