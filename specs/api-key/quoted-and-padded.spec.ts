import { expect401 } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { NON_OWS_PADDINGS, OWS_PADDINGS, QUOTED_KEYS, keyHeader } from '../../helpers/cases/keys';

for (const c of QUOTED_KEYS) {
  test(`AUTH-06 the valid key ${c.title} gets 401`, requirement('AUTH-06', c.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
    expect401(reply, `GET balance with the valid key ${c.title}`);
  });
}

for (const c of OWS_PADDINGS) {
  test(
    `AUTH-07 the valid key with ${c.title} gets the outcome of the unpadded key`,
    requirement('AUTH-07', `ows-valid-${c.id}`),
    async ({ api, keys, settings }) => {
      const unpadded = await api.send({ path: 'balance', headers: keyHeader(keys.valid) });
      const padded = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
      // RFC 9110 5.5: the padding is not part of the field value, so the server sees the key itself.
      if (settings.paddedKey === 'same-or-401' && padded.status === 401) return;
      expect(
        padded.status,
        `GET balance with the valid key and ${c.title}: status must equal the unpadded key's ${unpadded.status} (CARDPLUSPAY_PADDED_KEY=${settings.paddedKey})`,
      ).toBe(unpadded.status);
    },
  );

  test(`AUTH-07 a never-issued key with ${c.title} gets 401`, requirement('AUTH-07', `ows-invalid-${c.id}`), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.invalid)) });
    expect401(reply, `GET balance with a never-issued key and ${c.title}`);
  });
}

for (const c of NON_OWS_PADDINGS) {
  test(`AUTH-07 the valid key with ${c.title} gets 401`, requirement('AUTH-07', c.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(c.make(keys.valid)) });
    expect401(reply, `GET balance with the valid key and ${c.title}`);
  });
}
