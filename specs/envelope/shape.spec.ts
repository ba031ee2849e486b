import { bounded } from '../../helpers/bounded';
import type { Call } from '../../helpers/client/client';
import { expectJsonContentType, expectSchema, is2xx } from '../../helpers/expectations';
import { NO_SUCH_ORDER } from '../../helpers/endpoints';
import type { Keys } from '../../helpers/fixtures';
import { expect, requirement, test } from '../../helpers/fixtures';

interface Probe {
  id: string;
  title: string;
  call: (k: Keys) => Call;
}

/** Answers the API itself gives, success and error, whose envelope ENV-01 and ENV-02 check. */
const PROBES: readonly Probe[] = [
  { id: 'balance', title: 'GET balance with the valid key', call: (k) => ({ path: 'balance', headers: { 'X-API-Key': k.valid } }) },
  { id: 'catalog', title: 'GET catalog with the valid key', call: (k) => ({ path: 'catalog', headers: { 'X-API-Key': k.valid } }) },
  { id: 'orders', title: 'GET orders with the valid key', call: (k) => ({ path: 'orders', headers: { 'X-API-Key': k.valid } }) },
  { id: 'unknown-order', title: 'GET orders/{id} of an unknown order', call: (k) => ({ path: `orders/${NO_SUCH_ORDER}`, headers: { 'X-API-Key': k.valid } }) },
  { id: 'no-key', title: 'GET balance without a key', call: () => ({ path: 'balance' }) },
  { id: 'never-issued-key', title: 'GET balance with a never-issued key', call: (k) => ({ path: 'balance', headers: { 'X-API-Key': k.invalid } }) },
];

for (const p of PROBES) {
  test(`ENV-01 ${p.title} answers application/json with a JSON body`, requirement('ENV-01', p.id), async ({ api, keys }) => {
    const reply = await api.send(p.call(keys));
    expectJsonContentType(reply, p.title);
    expect(reply.json, `${p.title}: the body must be JSON (got ${reply.text.length} bytes that do not parse)`).toBeDefined();
  });

  test(`ENV-02 ${p.title} answers {success, message, data} with success matching the status`, requirement('ENV-02', p.id), async ({ api, keys }) => {
    const reply = await api.send(p.call(keys));
    await expectSchema(reply, 'envelope', p.title);
    const success = (reply.json as { success?: unknown }).success;
    expect(success, `${p.title}: success must be ${is2xx(reply.status)} for status ${reply.status}`).toBe(is2xx(reply.status));
  });
}

const KEY_FAILURES: ReadonlyArray<{ id: string; title: string; key: (k: Keys) => string | undefined }> = [
  { id: 'missing', title: 'a missing key', key: () => undefined },
  { id: 'empty', title: 'an empty key', key: () => '' },
  { id: 'never-issued', title: 'a never-issued key', key: (k) => k.invalid },
  { id: 'malformed', title: 'a malformed key', key: (k) => k.valid.slice(0, -1) },
  { id: 'revoked', title: 'a revoked key', key: (k) => k.inactive },
];

for (const f of KEY_FAILURES) {
  test(`ENV-03 the 401 for ${f.title} has message "Unauthorized"`, requirement('ENV-03', f.id), async ({ api, keys }) => {
    if (f.id === 'revoked') test.skip(!keys.inactive, 'CARDPLUSPAY_INACTIVE_API_KEY is not set: there is no revoked key to present');
    const key = f.key(keys);
    const reply = await api.send({ path: 'balance', headers: key === undefined ? {} : { 'X-API-Key': key } });
    expect(reply.status, `GET balance with ${f.title}: status must be 401 (got ${reply.status})`).toBe(401);
    const message = (reply.json as { message?: unknown } | undefined)?.message;
    expect(bounded(message), `GET balance with ${f.title}: message must be exactly "Unauthorized"`).toBe('Unauthorized');
  });
}
