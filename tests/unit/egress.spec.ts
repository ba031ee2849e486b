/**
 * The one egress (issue 17), on local servers: what a hostile review of it found, each held here.
 * A key in any whole encoding makes a request a keyed one (so a Base64 key in Basic auth is held to
 * the allowlist); a URL's user:password never becomes a header; more than two content codings are
 * not read, and a nested bomb fails SAFE-08 at its size, not at the end of its CPU cost.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { expect, test } from '../support/unit-test';
import { GuardError } from '../../helpers/client/egress';
import { EgressError } from '../../helpers/client/wire';
import { Egress } from '../../helpers/client/egress';
import type { Flow } from '../../helpers/client/flow/flow';
import type { Outcome } from '../../helpers/client/flow/pacer';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

async function serve(answer: (res: http.ServerResponse) => void): Promise<{ origin: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_q, res) => {
    hits++;
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

const get = (egress: Egress, url: string, headerLines: Array<[string, string]> = []): Promise<unknown> =>
  egress.exchange({ method: 'GET', url: new URL(url), headerLines: [['Host', new URL(url).host], ...headerLines] });

test('SAFE-03 a key in Basic auth (Base64 of KEY:) makes a request keyed, so POST orders is refused', req('SAFE-03'), async () => {
  const egress = new Egress({ baseUrl: 'https://127.0.0.1:1/v1/', configuredKeys: [KEY] });
  for (const value of [
    `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
    `Basic ${Buffer.from(`x:${KEY}`).toString('base64')}`,
    `Bearer ${KEY.toUpperCase()}`,
    `Bearer ${encodeURIComponent(KEY)}`,
  ]) {
    const sent = egress.exchange({
      method: 'POST',
      url: new URL('https://127.0.0.1:1/v1/orders'),
      headerLines: [
        ['Host', '127.0.0.1:1'],
        ['Authorization', value],
      ],
      body: '{}',
    });
    await expect(sent, value.slice(0, 12)).rejects.toThrow(GuardError);
  }
});

test('SAFE-06 a URL with user:password is refused: Node would send it as an Authorization header no check chose', req('SAFE-06'), async () => {
  const target = await serve((res) => res.end('{}'));
  try {
    const egress = new Egress({ baseUrl: 'https://127.0.0.1:1/v1/', configuredKeys: [KEY] });
    await expect(get(egress, `${target.origin.replace('http://', 'http://user:secret@')}/v1/balance`)).rejects.toThrow(/user:password/);
    expect(target.hits()).toBe(0);
  } finally {
    await target.close();
  }
});

test('SAFE-08 more than two content codings are not read, and a bomb under two layers fails at its size', req('SAFE-08'), async () => {
  const twice = zlib.gzipSync(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)));
  const stacked = await serve((res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip, gzip' });
    res.end('x');
  });
  const bomb = await serve((res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip' });
    res.end(twice);
  });
  try {
    const egress = new Egress({ baseUrl: 'https://127.0.0.1:1/v1/', configuredKeys: [] });
    const kind = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'answered',
        (e: unknown) => (e instanceof EgressError ? e.kind : String(e)),
      );
    expect(await kind(get(egress, `${stacked.origin}/v1/balance`))).toBe('malformed');
    expect(await kind(get(egress, `${bomb.origin}/v1/balance`))).toBe('too-large');
  } finally {
    await Promise.all([stacked.close(), bomb.close()]);
  }
});

test("SAFE-05 only the target's own answers reach the run's flow control: a 503 from its plain-HTTP port pauses no one", req('SAFE-05'), async () => {
  const busy = (res: http.ServerResponse): void => {
    res.writeHead(503, { 'retry-after': '30' });
    res.end('{}');
  };
  const [api, plain] = await Promise.all([serve(busy), serve(busy)]);
  try {
    const outcomes: Outcome[] = [];
    const flow: Flow = { acquire: () => Promise.resolve({ id: 0, epoch: 0 }), release: (_grant, outcome = {}) => void outcomes.push(outcome) };
    const egress = new Egress({ baseUrl: `${api.origin}/v1/`, configuredKeys: [], flow });
    await get(egress, `${api.origin}/v1/balance`);
    await get(egress, `${plain.origin}/v1/balance`);
    expect(outcomes).toEqual([{ status: 503, retryAfter: '30' }, {}]);
  } finally {
    await Promise.all([api.close(), plain.close()]);
  }
});
