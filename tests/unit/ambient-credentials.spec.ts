/**
 * SAFE-06: no ambient credentials. A target that sets cookies on every answer, one of them holding
 * the key, never gets a cookie back through either client, not within a test, not in a later test
 * on the same request context, not from concurrent requests; a Cookie header a check gives itself
 * goes out as given. And the transcript of each exchange lists every header field the server
 * received, in its order and spelling, so nothing is sent that a reviewer cannot see.
 */
import https from 'node:https';
import type { TestInfo } from '@playwright/test';
import { expect, test } from '../support/unit-test';
import { ApiClient, GuardError, USER_AGENT } from '../../helpers/client/client';
import { deliberateCookie } from '../../helpers/contract/cookie-check';
import { COOKIE_CHECK_HEADER } from '../../helpers/contract/cookie-check';
import { unreported } from '../../helpers/client/transcript';
import { testClient } from '../support/client';
import { unitTls } from '../configs/unit-tls';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const SAFE06 = { annotation: [{ type: 'requirement', description: 'SAFE-06' }] };

interface Seen {
  path: string;
  rawHeaders: string[];
}

let server: https.Server;
let base: string;
const seen: Seen[] = [];

test.beforeAll(async () => {
  const { certPem, keyPem } = unitTls();
  server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    seen.push({ path: req.url ?? '', rawHeaders: req.rawHeaders });
    req.resume();
    req.on('end', () => {
      // A sticky load-balancer cookie, a session, and a key put in a cookie, scoped as widely as possible.
      res.setHeader('Set-Cookie', ['AWSALB=sticky-0001; Path=/', `cpp_key=${KEY}; Path=/; Secure`, 'session=s-0002; Path=/v1; HttpOnly']);
      res.setHeader('Content-Type', 'application/json');
      res.end('{"success":true,"message":"ok","data":{}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/v1/`;
});
test.afterAll(() => server.close());

const headerOf = (s: Seen, name: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.rawHeaders.length; i += 2) if (s.rawHeaders[i]!.toLowerCase() === name) out.push(s.rawHeaders[i + 1]!);
  return out;
};

const client = (): ReturnType<typeof testClient> => testClient(base, [KEY]);

test('SAFE-06 cookies a target sets are never sent back, by either kind of call, sequentially or concurrently', SAFE06, async () => {
  const mark = seen.length;
  const api = client();
  await api.send({ path: 'balance', headers: { 'X-API-Key': KEY } });
  await api.send({ path: 'balance' });
  await api.send({ method: 'POST', path: 'orders/check', json: { item_id: 'x', quantity: 1 } });
  await Promise.all(Array.from({ length: 6 }, (_, i) => api.send({ path: `orders/${i}`, headers: { 'X-API-Key': KEY } })));
  await api.sendRaw({ path: 'balance', headerLines: [['X-API-Key', KEY]] });
  await api.sendRaw({ path: 'balance', headerLines: [] });
  // Another client on the same egress is the next test of the same worker.
  await new ApiClient(api.wire, base).send({ path: 'catalog' });
  const mine = seen.slice(mark);
  expect(mine).toHaveLength(12);
  expect(
    mine.filter((s) => headerOf(s, 'cookie').length > 0).map((s) => s.path),
    'requests that carried a Cookie header',
  ).toEqual([]);
  api.wire.dispose();
});

test('SAFE-06 a Cookie header a check gives goes out exactly as given, and only on that request', SAFE06, async () => {
  const api = client();
  await api.send({ path: 'balance' });
  const mark = seen.length;
  await api.send({ path: 'balance', headers: deliberateCookie('AWSALB=sticky-0001', 'AUTH-09') });
  await api.sendRaw({ path: 'balance', headerLines: Object.entries(deliberateCookie('session=s-0002', 'AUTH-09')) });
  await api.send({ path: 'balance' });
  const [chosen, chosenRaw, after] = seen.slice(mark);
  expect(headerOf(chosen!, 'cookie')).toEqual(['AWSALB=sticky-0001']);
  expect(headerOf(chosen!, COOKIE_CHECK_HEADER.toLowerCase())).toEqual(['AUTH-09']);
  expect(headerOf(chosenRaw!, 'cookie')).toEqual(['session=s-0002']);
  expect(headerOf(after!, 'cookie')).toEqual([]);
  api.wire.dispose();
});

test('SAFE-06 a Cookie header without the check naming itself is refused before sending', SAFE06, async () => {
  const api = client();
  const mark = seen.length;
  await expect(api.send({ path: 'balance', headers: { Cookie: 'AWSALB=sticky-0001' } })).rejects.toThrow(/goes out only from a check that names itself/);
  await expect(api.sendRaw({ path: 'balance', headerLines: [['cookie', 'a=1']] })).rejects.toThrow(GuardError);
  expect(seen.length).toBe(mark);
});

/** The header fields a transcript lists: the lines between the request line and the blank line. */
function transcriptFields(info: TestInfo, index: number): Array<[string, string]> {
  const body = info.attachments[index]?.body?.toString('utf8') ?? '';
  const lines = body.split('\n');
  const end = lines.indexOf('');
  return lines.slice(1, end).map((l) => {
    const at = l.indexOf(': ');
    return [l.slice(0, at), l.slice(at + 2)];
  });
}

test('SAFE-06 a transcript lists every header field the server received, in order and spelling', SAFE06, async ({}, info) => {
  const api = client();
  const mark = seen.length;
  const calls: Array<() => Promise<unknown>> = [
    () => api.send({ path: 'balance', headers: { 'x-api-key': 'not-a-configured-key-000000' } }),
    () => api.send({ method: 'POST', path: 'orders/check', json: { item_id: 'x', quantity: 1 } }),
    () => api.send({ method: 'POST', path: 'orders/check', body: 'raw bytes', headers: { Accept: 'text/plain', 'User-Agent': 'chosen-by-the-check' } }),
    () =>
      api.sendRaw({
        method: 'POST',
        path: 'orders/check',
        headerLines: [
          ['X-API-Key', 'a-0000000000000000'],
          ['X-API-Key', 'b-0000000000000000'],
        ],
        json: { a: 1 },
      }),
  ];
  for (const call of calls) await call();
  const received = seen.slice(mark);
  expect(received).toHaveLength(calls.length);
  received.forEach((s, i) => {
    const fields = transcriptFields(info, i);
    const names = [];
    for (let j = 0; j < s.rawHeaders.length; j += 2) names.push(s.rawHeaders[j]!);
    expect(
      fields.map(([n]) => n),
      `request ${i}: the transcript's field names`,
    ).toEqual(names);
    // Values too, except credentials, which the transcript masks.
    fields.forEach(([n, v], j) => {
      if (!/api-key/i.test(n)) expect(v, `request ${i}: ${n}`).toBe(s.rawHeaders[2 * j + 1]);
    });
  });
  expect(headerOf(received[0]!, 'user-agent')).toEqual([USER_AGENT]);
  expect(headerOf(received[2]!, 'user-agent')).toEqual(['chosen-by-the-check']);
  api.wire.dispose();
});

test('SAFE-06 only exchanges sent inside unreported() are left out of the report; the next one has its transcript again', SAFE06, async ({}, info) => {
  const api = client();
  const mark = seen.length;
  await unreported(() => api.send({ path: 'balance' }));
  await api.send({ path: 'catalog' });
  expect(seen.slice(mark).map((s) => s.path)).toEqual(['/v1/balance', '/v1/catalog']);
  expect(info.attachments.map((a) => a.name)).toEqual(['GET /v1/catalog → 200']);
  api.wire.dispose();
});
