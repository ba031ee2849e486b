/**
 * The plain-HTTP probe against local servers that behave each way TLS-02 knows, and the suite's
 * own conduct around redirects (SAFE-02): a configured key is never sent to plain HTTP, and when
 * the target answers 301/307 to another origin, neither the client nor the probe follows, so
 * that origin receives nothing. Every server counts what reached it: the check is on the
 * receiving side of the wire, not only on what the client says it did.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { GuardError } from '../../helpers/client/client';
import { Egress } from '../../helpers/client/egress';
import type { HttpOutcome } from '../../helpers/settings/types';
import { fingerprint, MockControl } from '../../helpers/mock-control';
import { expectOnlyCanaryOverHttp, probePlainHttp } from '../../helpers/transport/plain-http';
import { startMock } from '../../mock/server';
import { testClient } from '../support/client';
import { send as sendToMock } from '../../mock/probe-client';
import { request } from '@playwright/test';
import { expect, test } from '../support/mock-fixture';
import { unitTls } from '../configs/unit-tls';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });
const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const CANARY = 'cpp_test_CanaryCanaryCanaryCanary000000';

/** A local server that records the X-API-Key of every request it gets. */
interface Recorder {
  origin: string;
  keys: Array<string | undefined>;
}

const servers: net.Server[] = [];

/** The egress of a target on this host, whose configured key is KEY: the probe's plain-HTTP requests go through it. */
const egressTo = (origin: string): Egress => new Egress({ baseUrl: `${origin.replace(/^http:/, 'https:')}/v1/`, configuredKeys: [KEY] });

async function start(server: net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function recorder(scheme: 'http' | 'https', answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Recorder> {
  const rec: Recorder = { origin: '', keys: [] };
  const handler = (q: http.IncomingMessage, s: http.ServerResponse): void => {
    const key = q.headers['x-api-key'];
    rec.keys.push(Array.isArray(key) ? key.join(', ') : key);
    q.resume();
    q.on('end', () => answer(q, s));
  };
  const { certPem, keyPem } = unitTls();
  const server = scheme === 'https' ? https.createServer({ cert: certPem, key: keyPem }, handler) : http.createServer(handler);
  rec.origin = `${scheme}://127.0.0.1:${await start(server)}`;
  return rec;
}

test.afterAll(async () => {
  for (const s of servers) if (s instanceof http.Server || s instanceof https.Server) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

const send = (res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body = ''): void => {
  res.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
};

test.describe('plain-HTTP probe against live servers', () => {
  const BEHAVIOURS: ReadonlyArray<{ id: string; outcome: HttpOutcome; make: () => Promise<string> }> = [
    {
      id: 'is not listening',
      outcome: 'refused',
      make: async () => {
        const port = await start(net.createServer());
        await new Promise((r) => servers.pop()!.close(r));
        return `http://127.0.0.1:${port}`;
      },
    },
    { id: 'drops the connection unread', outcome: 'refused', make: async () => `http://127.0.0.1:${await start(net.createServer((s) => s.destroy()))}` },
    {
      id: 'redirects to https',
      outcome: 'redirect-https',
      make: async () => (await recorder('http', (q, s) => send(s, 301, { location: `https://127.0.0.1:1${q.url ?? '/'}` }))).origin,
    },
    {
      id: 'redirects to http',
      outcome: 'redirect-elsewhere',
      make: async () => (await recorder('http', (q, s) => send(s, 302, { location: `http://127.0.0.1:1${q.url ?? '/'}` }))).origin,
    },
    {
      id: 'rejects with 403',
      outcome: 'rejected',
      make: async () => (await recorder('http', (_q, s) => send(s, 403, {}, '{"success":false,"message":"HTTPS required","data":{}}'))).origin,
    },
    {
      id: 'answers with the 401 envelope',
      outcome: 'auth-answered',
      make: async () => (await recorder('http', (_q, s) => send(s, 401, {}, '{"success":false,"message":"Unauthorized","data":{}}'))).origin,
    },
    {
      id: 'serves 200',
      outcome: 'served',
      make: async () =>
        (await recorder('http', (_q, s) => send(s, 200, {}, '{"success":true,"message":"ok","data":{"balance":"1.00","currency":"USD"}}'))).origin,
    },
    { id: 'takes the request and never answers', outcome: 'other', make: async () => (await recorder('http', () => undefined)).origin },
  ];

  for (const b of BEHAVIOURS) {
    test(`TLS-02 a server that ${b.id} is classified ${b.outcome}`, req('TLS-02'), async () => {
      const origin = await b.make();
      const r = await probePlainHttp(
        egressTo(origin),
        { url: new URL('/v1/balance', origin), method: 'GET', canary: CANARY, timeoutMs: 1_000 },
        fingerprint(CANARY),
      );
      expect(r.classification.outcome, r.classification.what).toBe(b.outcome);
      expect(r.transcript).not.toContain(CANARY);
      expect(r.transcript).toContain(fingerprint(CANARY));
    });
  }
});

test.describe('SAFE-02: the plain-HTTP probe sends no configured key and follows no redirect', () => {
  test('SAFE-02 the plain-HTTP probe refuses a configured key wherever it sits, and nothing is sent', req('SAFE-02'), async () => {
    const target = await recorder('http', (_q, s) => send(s, 403));
    const url = new URL('/v1/balance', target.origin);
    const attempts = [
      { canary: KEY, url },
      { canary: CANARY, url: new URL(`/v1/balance?api_key=${KEY}`, target.origin) },
      { canary: CANARY, url, json: { note: KEY } },
    ];
    for (const a of attempts) {
      await expect(probePlainHttp(egressTo(target.origin), { method: 'POST', ...a }, 'fp')).rejects.toThrow(GuardError);
    }
    await expect(
      probePlainHttp(egressTo(target.origin), { url: new URL('/v1/balance', target.origin.replace('http:', 'https:')), method: 'GET', canary: CANARY }, 'fp'),
    ).rejects.toThrow(/only goes to http:/);
    expect(target.keys).toEqual([]);
  });

  test('SAFE-02 the plain-HTTP probe does not follow a redirect', req('SAFE-02'), async () => {
    const elsewhere = await recorder('http', (_q, s) => send(s, 200, {}, '{}'));
    const target = await recorder('http', (_q, s) => send(s, 301, { location: `${elsewhere.origin}/v1/balance` }));
    const r = await probePlainHttp(egressTo(target.origin), { url: new URL('/v1/balance', target.origin), method: 'GET', canary: CANARY }, fingerprint(CANARY));
    expect(r.exchange.kind === 'answer' && r.exchange.status).toBe(301);
    expect(target.keys).toEqual([CANARY]);
    expect(elsewhere.keys).toEqual([]);
  });
});

test.describe('SAFE-02: the client follows no redirect to another origin with the key', () => {
  const REDIRECTS = [
    { status: 301, to: 'http' },
    { status: 301, to: 'https' },
    { status: 307, to: 'http' },
    { status: 307, to: 'https' },
  ] as const;

  for (const r of REDIRECTS) {
    test(`SAFE-02 a ${r.status} to another ${r.to}: origin is not followed with the key, and that origin receives nothing`, req('SAFE-02'), async () => {
      const other = await recorder(r.to, (_q, s) => send(s, 200, {}, '{"success":true,"message":"ok","data":{}}'));
      const target = await recorder('https', (q, s) => send(s, r.status, { location: `${other.origin}${q.url ?? '/'}` }));
      const api = testClient(`${target.origin}/v1/`, [KEY]);
      try {
        const viaRecord = await api.send({ path: 'balance', headers: { 'X-API-Key': KEY } });
        const viaLines = await api.sendRaw({ path: 'balance', headerLines: [['X-API-Key', KEY]] });
        expect([viaRecord.status, viaLines.status], 'the client hands back the redirect itself').toEqual([r.status, r.status]);
        expect(target.keys, 'the configured target got the key, once per call').toEqual([KEY, KEY]);
        expect(other.keys, 'the other origin received nothing').toEqual([]);
      } finally {
        api.wire.dispose();
      }
    });
  }

  test('SAFE-02 the redirect tests can fail: a bare Playwright context does follow a redirect to another origin', req('SAFE-02'), async () => {
    const other = await recorder('http', (_q, s) => send(s, 200, {}, '{}'));
    const target = await recorder('https', (q, s) => send(s, 307, { location: `${other.origin}${q.url ?? '/'}` }));
    const bare = await request.newContext();
    try {
      // A throwaway key only: this shows what the client's guards prevent, it never risks a real one.
      const res = await bare.get(`${target.origin}/v1/balance`, { headers: { 'X-API-Key': CANARY } });
      expect(res.status()).toBe(200);
      expect(other.keys, 'Playwright carries X-API-Key across origins when it follows (docs/pitfalls.md)').toEqual([CANARY]);
    } finally {
      await bare.dispose();
    }
  });
});

test(
  'SAFE-02 the journal check sees a configured key or a stranger key that reached the mock over HTTP',
  req('SAFE-02'),
  async ({ mockMaterial: material }) => {
    // A mock of its own: the check reads the whole journal, which the worker's shared mock fills with other files' traffic.
    const mock = await startMock({ material });
    try {
      const journal = new MockControl(mock.controlUrl);
      const url = new URL('balance', mock.httpUrl);
      const probe = { method: 'GET', path: url.pathname, canary: CANARY, answered: true };
      // The mock's own bare client stands in for a suite that leaked: the check must notice.
      let since = await journal.mark();
      await sendToMock(material, url, { headers: { 'X-API-Key': CANARY } });
      await expectOnlyCanaryOverHttp(journal, { ...probe, since });
      since = await journal.mark();
      await sendToMock(material, url, { headers: { 'X-API-Key': 'cpp_test_SomeoneElseSomeoneElseSomeone00' } });
      await expect(expectOnlyCanaryOverHttp(journal, { ...probe, since })).rejects.toThrow(/only see this probe's canary/);
      since = await journal.mark();
      await sendToMock(material, url, { headers: { 'X-API-Key': material.accounts.active.key } });
      const error = (await expectOnlyCanaryOverHttp(journal, { ...probe, since }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/no configured key may ever arrive over plain HTTP/);
      expect(error.message).not.toContain(material.accounts.active.key);
    } finally {
      await mock.close();
    }
  },
);
