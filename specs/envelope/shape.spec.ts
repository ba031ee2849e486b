import { bounded } from '../../helpers/safety/bounded';
import type { Call, Reply } from '../../helpers/client/client';
import type { Settings } from '../../helpers/settings/settings';
import { expectJsonContentType, expectSchema, is2xx } from '../../helpers/expectations';
import { NO_SUCH_ORDER, READ_ONLY_ENDPOINTS, orderCall } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { FAILING_KEYS, MISSING_OR_NEVER_ISSUED, REVOKED_KEY, keyHeader, type Keys } from '../../helpers/cases/keys';

interface Probe {
  id: string;
  title: string;
  call: (k: Keys, s: Settings) => Call;
}

/** Answers the API itself gives, success and error, whose envelope ENV-01 and ENV-02 check. */
const PROBES: readonly Probe[] = [
  ...READ_ONLY_ENDPOINTS.map((e): Probe => ({
    id: e.id,
    title: `${e.title} with the valid key`,
    call: (k, s) => ({ ...e.call(s), headers: keyHeader(k.valid) }),
  })),
  { id: 'unknown-order', title: 'GET orders/{id} of an unknown order', call: (k) => ({ ...orderCall(NO_SUCH_ORDER), headers: keyHeader(k.valid) }) },
  ...MISSING_OR_NEVER_ISSUED.map((f): Probe => ({
    id: f.id,
    title: `GET balance with ${f.title}`,
    call: (k) => ({ path: 'balance', headers: keyHeader(f.key(k)) }),
  })),
];

for (const p of PROBES) {
  test(`ENV-01 ${p.title} answers application/json with a JSON body`, requirement('ENV-01', p.id), async ({ api, keys, settings }) => {
    const reply = await api.send(p.call(keys, settings));
    expectJsonContentType(reply, p.title);
    expect(reply.json, `${p.title}: the body must be JSON (got ${reply.text.length} bytes that do not parse)`).toBeDefined();
  });

  test(`ENV-02 ${p.title} answers {success, message, data} with success matching the status`, requirement('ENV-02', p.id), async ({ api, keys, settings }) => {
    const reply = await api.send(p.call(keys, settings));
    await expectSchema(reply, 'envelope', p.title);
    const success = (reply.json as { success?: unknown }).success;
    expect(success, `${p.title}: success must be ${is2xx(reply.status)} for status ${reply.status}`).toBe(is2xx(reply.status));
  });
}

function expectUnauthorizedMessage(reply: Reply, what: string): void {
  expect(reply.status, `${what}: status must be 401 (got ${reply.status})`).toBe(401);
  const message = (reply.json as { message?: unknown } | undefined)?.message;
  expect(bounded(message), `${what}: message must be exactly "Unauthorized"`).toBe('Unauthorized');
}

for (const f of FAILING_KEYS) {
  test(`ENV-03 the 401 for ${f.title} has message "Unauthorized"`, requirement('ENV-03', f.id), async ({ api, keys }) => {
    const reply = await api.send({ path: 'balance', headers: keyHeader(f.key(keys)) });
    expectUnauthorizedMessage(reply, `GET balance with ${f.title}`);
  });
}

test(`ENV-03 the 401 for ${REVOKED_KEY.title} has message "Unauthorized"`, requirement('ENV-03', REVOKED_KEY.id), async ({ api, revokedKey }) => {
  const reply = await api.send({ path: 'balance', headers: keyHeader(revokedKey) });
  expectUnauthorizedMessage(reply, `GET balance with ${REVOKED_KEY.title}`);
});
