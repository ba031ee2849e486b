import type { Reply } from '../../helpers/client/client';
import type { Settings } from '../../helpers/settings/settings';
import { expect401, is2xx } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { KEY_HEADER, keyHeader } from '../../helpers/cases/keys';

/** A repeated X-API-Key field is refused: 401, or 400 where the setting allows (RFC 9110 5.3). */
function expectDuplicateRefused(reply: Reply, settings: Settings, what: string): void {
  const allowed = settings.duplicateFields === '401-or-400' ? [401, 400] : [401];
  expect(allowed, `${what}: status must be ${allowed.join(' or ')} (got ${reply.status}; CARDPLUSPAY_DUPLICATE_FIELDS=${settings.duplicateFields})`).toContain(
    reply.status,
  );
}

test(
  'AUTH-11 two X-API-Key fields, valid then never-issued, are refused',
  requirement('AUTH-11', 'two-fields-valid-first'),
  async ({ api, keys, settings }) => {
    const reply = await api.sendRaw({
      path: 'balance',
      headerLines: [
        [KEY_HEADER, keys.valid],
        [KEY_HEADER, keys.invalid],
      ],
    });
    expectDuplicateRefused(reply, settings, 'GET balance with two X-API-Key fields (valid, then never-issued)');
  },
);

test('AUTH-11 two X-API-Key fields, never-issued then valid, are refused', requirement('AUTH-11', 'two-fields-valid-last'), async ({ api, keys, settings }) => {
  const reply = await api.sendRaw({
    path: 'balance',
    headerLines: [
      [KEY_HEADER, keys.invalid],
      [KEY_HEADER, keys.valid],
    ],
  });
  expectDuplicateRefused(reply, settings, 'GET balance with two X-API-Key fields (never-issued, then valid)');
});

test('AUTH-11 one field holding "valid, never-issued" gets 401', requirement('AUTH-11', 'comma-joined-valid-first'), async ({ api, keys }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(`${keys.valid}, ${keys.invalid}`) });
  expect401(reply, 'GET balance with X-API-Key holding the valid and a never-issued key, comma-joined');
});

test('AUTH-11 one field holding "never-issued, valid" gets 401', requirement('AUTH-11', 'comma-joined-valid-last'), async ({ api, keys }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(`${keys.invalid}, ${keys.valid}`) });
  expect401(reply, 'GET balance with X-API-Key holding a never-issued and the valid key, comma-joined');
});

test(
  'AUTH-11 two X-API-Key fields both holding the valid key get 2xx or a refusal (recorded)',
  requirement('AUTH-11', 'two-fields-both-valid'),
  async ({ api, keys, settings }) => {
    const reply = await api.sendRaw({
      path: 'balance',
      headerLines: [
        [KEY_HEADER, keys.valid],
        [KEY_HEADER, keys.valid],
      ],
    });
    test.info().annotations.push({ type: 'observed', description: `two valid X-API-Key fields got ${reply.status}` });
    if (is2xx(reply.status)) return;
    expectDuplicateRefused(reply, settings, 'GET balance with two X-API-Key fields both valid');
  },
);
