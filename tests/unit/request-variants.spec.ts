/**
 * AUTH-14's parts on their own: the variant table spells paths exactly as the requirement writes
 * them, the judgement fails only on a 2xx or API data (never on a front proxy's own refusals),
 * and sendRaw puts the method and the request-target on the wire byte for byte.
 */
import net from 'node:net';
import { expect, test } from '@playwright/test';
import { testClient } from '../support/client';
import { REQUEST_VARIANTS, judgeVariant, type VariantAnswer, type VariantContext, type VariantRequest } from '../../helpers/cases/variants';

const req = { annotation: [{ type: 'requirement', description: 'AUTH-14' }] };

const CTX: VariantContext = {
  basePath: '/v1/',
  endpoints: [
    { id: 'balance', title: 'GET balance', method: 'GET', path: 'balance' },
    { id: 'challenge', title: 'the challenge endpoint', method: 'POST', path: 'auth/challenge' },
  ],
  rootProtected: false,
  unfulfillableOrder: { item_code: 'NONE', quantity: 1 },
};

const targetsOf = (id: string): string[] =>
  REQUEST_VARIANTS.find((v) => v.id === id)!
    .requests(CTX)
    .map((r) => `${r.method} ${r.target}`);

test('every variant has a unique id and sends at least one request', req, () => {
  const ids = REQUEST_VARIANTS.map((v) => v.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const v of REQUEST_VARIANTS) expect(v.requests(CTX).length, v.id).toBeGreaterThan(0);
});

test('path spellings are the ones the requirement writes, for GET and POST endpoints alike', req, () => {
  expect(targetsOf('path-trailing-slash')).toEqual(['GET /v1/balance/', 'POST /v1/auth/challenge/']);
  expect(targetsOf('path-double-slash')).toEqual(['GET /v1//balance', 'GET //v1/balance', 'POST /v1//auth/challenge', 'POST //v1/auth/challenge']);
  expect(targetsOf('path-dot-segment')).toContain('GET /v1/x/../balance');
  expect(targetsOf('path-dot-segment')).toContain('GET /v1/./balance');
  expect(targetsOf('path-percent-encoded')).toContain('GET /v1/%62alance');
  expect(targetsOf('path-upper-case')).toEqual(['GET /v1/BALANCE', 'GET /V1/balance', 'POST /v1/AUTH/CHALLENGE', 'POST /V1/auth/challenge']);
  expect(targetsOf('path-matrix-param')).toContain('GET /v1/balance;x=1');
  expect(targetsOf('path-extension')).toContain('GET /v1/balance.json');
});

test('HEAD and method overrides go to GET endpoints only; the rewrite headers to an unknown path and to GET /', req, () => {
  expect(targetsOf('head')).toEqual(['HEAD /v1/balance']);
  expect(targetsOf('lowercase-method')).toEqual(['get /v1/balance', 'post /v1/auth/challenge']);
  const override = REQUEST_VARIANTS.find((v) => v.id === 'override-x-http-method-override')!.requests(CTX);
  expect(override).toEqual([{ method: 'POST', target: '/v1/balance', headers: [['X-HTTP-Method-Override', 'GET']], json: CTX.unfulfillableOrder }]);
  const rewrite = REQUEST_VARIANTS.find((v) => v.id === 'x-original-url')!.requests(CTX);
  expect(rewrite.map((r) => [r.target, r.headers])).toEqual([
    ['/v1/conformance-no-such-path', [['X-Original-URL', '/v1/balance']]],
    ['/v1/', [['X-Original-URL', '/v1/balance']]],
  ]);
  expect(rewrite[1]!.publicButNot).toBeDefined();
});

const GET: VariantRequest = { method: 'GET', target: '/v1/balance/', headers: [] };
const json = (status: number, body: unknown): VariantAnswer => ({ status, contentType: 'application/json', text: JSON.stringify(body), json: body });
const html = (status: number): VariantAnswer => ({
  status,
  contentType: 'text/html',
  text: `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`,
  json: undefined,
});
const empty = (status: number): VariantAnswer => ({ status, contentType: '', text: '', json: undefined });

const CASES: ReadonlyArray<{ id: string; request: VariantRequest; answer: VariantAnswer; fails?: RegExp }> = [
  { id: 'the 401 envelope', request: GET, answer: json(401, { success: false, message: 'Unauthorized', data: {} }) },
  { id: "nginx's own HTML 400", request: { ...GET, method: 'get' }, answer: html(400) },
  { id: "nginx's own HTML 404", request: GET, answer: html(404) },
  { id: "nginx's own HTML 405", request: { ...GET, method: 'FOOBAR' }, answer: html(405) },
  { id: 'a 405 envelope', request: GET, answer: json(405, { success: false, message: 'Method Not Allowed', data: {} }) },
  { id: 'a redirect without data', request: GET, answer: empty(301) },
  { id: 'an empty 204 to OPTIONS (CORS preflight)', request: { ...GET, method: 'OPTIONS' }, answer: empty(204) },
  {
    id: 'a 200 to OPTIONS with a body',
    request: { ...GET, method: 'OPTIONS' },
    answer: json(200, { success: true, message: 'ok', data: { balance: '1.00' } }),
    fails: /answered 200 with a success envelope/,
  },
  {
    id: 'a success envelope',
    request: GET,
    answer: json(200, { success: true, message: 'Balance retrieved successfully', data: { balance: '1.00', currency: 'USD' } }),
    fails: /answered 200 with a success envelope/,
  },
  { id: 'an empty 200 to HEAD', request: { ...GET, method: 'HEAD' }, answer: empty(200), fails: /answered 200 with an empty body/ },
  {
    id: 'API data under an error status',
    request: GET,
    answer: json(404, { success: false, message: 'x', data: { balance: '1.00' } }),
    fails: /answered 404 with the API data field "balance"/,
  },
  {
    id: 'the public root answering itself',
    request: { ...GET, target: '/v1/', publicButNot: ['balance', 'currency'] },
    answer: json(200, { success: true, message: 'CardPlusPay API', data: { version: 'v1' } }),
  },
  {
    id: 'the public root answering with balance data',
    request: { ...GET, target: '/v1/', publicButNot: ['balance', 'currency'] },
    answer: json(200, { success: true, message: 'ok', data: { balance: '1.00' } }),
    fails: /field "balance" of the endpoint it was rewritten to/,
  },
];

for (const c of CASES) {
  test(`judgement: ${c.id} ${c.fails ? 'fails' : 'is fine'}`, req, () => {
    const verdict = judgeVariant(c.request, c.answer);
    if (c.fails) expect(verdict).toMatch(c.fails);
    else expect(verdict).toBeUndefined();
  });
}

test('sendRaw puts the method and the request-target on the wire as written', req, async () => {
  const lines: string[] = [];
  const server = net.createServer((socket) => {
    // Answers once the whole head has arrived: a head split across packets must not be cut short.
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      lines.push(head.split('\r\n')[0]!);
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const api = testClient(`http://127.0.0.1:${port}/v1/`);
  try {
    for (const [method, target] of [
      ['get', '/v1/x/../balance'],
      ['FOOBAR', '//v1/balance'],
      ['GET', '/v1/%62alance;x=1'],
    ] as const) {
      const reply = await api.sendRaw({ path: '', method, target, headerLines: [] });
      expect(reply.status).toBe(401);
    }
  } finally {
    api.wire.dispose();
    server.close();
  }
  expect(lines).toEqual(['get /v1/x/../balance HTTP/1.1', 'FOOBAR //v1/balance HTTP/1.1', 'GET /v1/%62alance;x=1 HTTP/1.1']);
});
