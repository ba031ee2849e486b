/**
 * SAFE-03 through both clients (the API client and the raw client): a keyed request off the
 * allowlist is refused before sending, every legitimate one is sent. The clients talk to a closed
 * port, so a request the guard lets out ends in "connection refused" and one it refuses in a
 * GuardError.
 */
import { expect, test } from '../support/unit-test';
import { GuardError } from '../../helpers/client/client';
import type { EgressOptions } from '../../helpers/client/egress';
import { unreported } from '../../helpers/client/transcript';
import { orderCall, stockCheckCall } from '../../helpers/contract/endpoints';
import { testClient } from '../support/client';
import { CHALLENGE, KEY, OFF_THE_LIST, PLACES, TARGET } from './keyed-requests';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

/** A client on a closed port: a request the guard lets through ends as "sent" (connection refused), a refused one in a GuardError. */
function clientOnClosedPort(options: Partial<EgressOptions> = {}): ReturnType<typeof testClient> {
  return testClient(options.baseUrl ?? TARGET, [KEY], {
    keyedAllowlist: { challenge: CHALLENGE },
    onNotJudged: (reason: string): never => {
      throw new Error(`sent: ${reason}`);
    },
    ...options,
  });
}

test('SAFE-03 the client refuses a keyed request off the allowlist before sending, through both clients', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const key = { 'X-API-Key': KEY };
  const refused: Array<[string, () => Promise<unknown>]> = [
    [
      'verbatim orders%3F/orders/check',
      () =>
        api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%3F/orders/check', headerLines: [['X-API-Key', KEY]], json: { item_id: 'A', quantity: 1 } }),
    ],
    [
      'verbatim orders%23/orders/check',
      () => api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%23/orders/check', headerLines: [['X-API-Key', KEY]], json: {} }),
    ],
    ['verbatim orders%20.', () => api.sendRaw({ method: 'POST', path: '', target: '/v1/orders%20.', headerLines: [['X-API-Key', KEY]], json: {} })],
    ['path orders%3F/orders/check', () => api.send({ method: 'POST', path: 'orders%3F/orders/check', headers: key, json: { item_id: 'A', quantity: 1 } })],
    ['an unknown method override on GET orders', () => api.send({ path: 'orders', headers: { ...key, 'X-Forwarded-Method': 'POST' } })],
    [
      'X-HTTP-Method-Override on GET orders',
      () =>
        api.sendRaw({
          path: 'orders',
          headerLines: [
            ['X-API-Key', KEY],
            ['X-HTTP-Method-Override', 'POST'],
          ],
        }),
    ],
    [
      'X-Original-URL on POST orders/check',
      () => api.send({ method: 'POST', path: 'orders/check', headers: { ...key, 'X-Original-URL': '/v1/orders' }, json: {} }),
    ],
    ['_method=POST in the query', () => api.send({ path: 'orders', query: { _method: 'POST' }, headers: key })],
    ['_Method=POST in the query', () => api.send({ path: 'orders', query: { _Method: 'POST' }, headers: key })],
    ['POST orders', () => api.send({ method: 'POST', path: 'orders', headers: key, json: { item_code: 'A', quantity: 1 } })],
    ['DELETE orders/1', () => api.send({ method: 'DELETE', path: 'orders/1', headers: key })],
    ['HEAD balance', () => api.sendRaw({ method: 'HEAD', path: 'balance', headerLines: [['X-API-Key', KEY]] })],
    [
      'another Host',
      () =>
        api.sendRaw({
          path: 'balance',
          headerLines: [
            ['Host', 'admin.example.test'],
            ['X-API-Key', KEY],
          ],
        }),
    ],
    ['the key in the query of a POST', () => api.send({ method: 'POST', path: 'orders/check', query: { api_key: KEY }, json: {} })],
  ];
  const sent: string[] = [];
  await unreported(async () => {
    for (const [what, attempt] of refused) if (!((await attempt().catch((e: unknown) => e)) instanceof GuardError)) sent.push(what);
  });
  expect(sent, 'keyed requests that got past the guard').toEqual([]);
  const base = clientOnClosedPort({ baseUrl: 'https://127.0.0.1:1/v1/orders%3F/' });
  await expect(base.send({ path: 'balance', headers: key }), 'a base URL holding %3F').rejects.toThrow(/the base URL's path/);
  const noChallenge = clientOnClosedPort({ keyedAllowlist: undefined });
  await expect(noChallenge.send({ method: 'POST', path: 'auth/challenge', headers: key }), 'no challenge endpoint configured').rejects.toThrow(GuardError);
});

test('SAFE-03 every configured key counts: the revoked key goes to POST orders no more than the valid one does', req('SAFE-03'), async () => {
  // AUTH-08 and AUTH-12 send the revoked key to every endpoint on the allowlist, and POST orders only classes that carry no configured key.
  const revoked = 'cpp_test_R3vok3dK3yR3vok3dK3yR3vok3dK3yZ';
  const api = testClient(TARGET, [KEY, revoked], { keyedAllowlist: { challenge: CHALLENGE } });
  const order = { method: 'POST', path: 'orders', json: { item_code: 'CONFORMANCE-NO-SUCH-ITEM-0000', quantity: 1 } } as const;
  await expect(api.send({ ...order, headers: { 'X-API-Key': revoked } })).rejects.toThrow(GuardError);
  await expect(api.send({ ...order, headers: { Authorization: `Bearer ${revoked}` } })).rejects.toThrow(GuardError);
});

test('SAFE-03 the raw client refuses every keyed request off the allowlist, sent verbatim', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const sent: string[] = [];
  await unreported(async () => {
    for (const [what, request] of OFF_THE_LIST) {
      const error = await api
        .sendRaw({ method: request.method, path: '', target: request.target, headerLines: request.headers.map(([n, v]) => [n, v]) })
        .catch((e: unknown) => e);
      if (!(error instanceof GuardError)) sent.push(`${what} (${error instanceof Error ? error.message : 'answered'})`);
    }
  });
  expect(sent, 'keyed requests that got past the guard').toEqual([]);
});

test('SAFE-03 the client sends every legitimate keyed request, through both clients', req('SAFE-03'), async () => {
  const api = clientOnClosedPort();
  const key = { 'X-API-Key': KEY };
  const sent: Array<[string, () => Promise<unknown>]> = [
    ['GET balance', () => api.send({ path: 'balance', headers: key })],
    ['GET orders?per_page=100', () => api.send({ path: 'orders', query: { per_page: '100' }, headers: key })],
    ['GET orders/{id}', () => api.send({ ...orderCall('42'), headers: key })],
    ['POST orders/check', () => api.send({ ...stockCheckCall('ITEM-1'), headers: key })],
    ['POST auth/challenge', () => api.send({ method: 'POST', path: 'auth/challenge', headers: key })],
    [
      'raw GET balance with two keys',
      () =>
        api.sendRaw({
          path: 'balance',
          headerLines: [
            ['X-API-Key', KEY],
            ['X-API-Key', 'other-key-0000000000'],
          ],
        }),
    ],
    ['raw verbatim /v1/catalog', () => api.sendRaw({ path: '', target: '/v1/catalog', headerLines: [['X-API-Key', KEY]] })],
    ['raw POST orders/check', () => api.sendRaw({ ...stockCheckCall('ITEM-1'), headerLines: [['X-API-Key', KEY]] })],
    // Each costs a refused connection: the core and a few drawn members (the guard's own spec checks hundreds).
    ...PLACES.slice(0, 60).map((p): [string, () => Promise<unknown>] => [`the key ${p.title} (${p.id})`, () => api.send(p.present(KEY))]),
  ];
  // Unreported: each refused connection would be a failed step of the report.
  const notSent = await unreported(async () => {
    const wrong: string[] = [];
    for (const [what, attempt] of sent) {
      const error = await attempt().catch((e: unknown) => e);
      if (!(error instanceof Error && /^sent: connection refused/.test(error.message)))
        wrong.push(`${what}: ${error instanceof Error ? error.message : 'answered'}`);
    }
    return wrong;
  });
  expect(notSent, 'legitimate keyed requests that did not go out').toEqual([]);
});
