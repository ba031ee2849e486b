import { expect401, is2xx } from '../../helpers/expectations';
import { expect, requirement, test } from '../../helpers/fixtures';
import { HEADER_NAME_CASES, MISPLACED_KEYS } from '../../helpers/cases/keys';

for (const p of MISPLACED_KEYS) {
  test(`AUTH-09 the valid key ${p.title} gets 401`, requirement('AUTH-09', p.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: p.headers?.(keys.valid), query: p.query?.(keys.valid) });
    expect401(reply, `GET balance with the valid key ${p.title}`);
  });
}

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
