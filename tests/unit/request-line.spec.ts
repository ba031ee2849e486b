/**
 * AUTH-14's request lines through the one egress, held against local servers that record what
 * arrived: HTTP/1.0 goes out as `HTTP/1.0` (over TLS and plain TCP), the absolute form of the
 * configured origin as spelt, and both keep what every exchange keeps: the deadline, the size
 * limit and certificate checks. A target naming another origin, and a keyed request in either
 * spelling, never leave.
 */
import net from 'node:net';
import tls from 'node:tls';
import { expect, test } from '../support/unit-test';
import { Egress, GuardError } from '../../helpers/client/egress';
import { EgressError } from '../../helpers/client/wire';
import { testClient } from '../support/client';
import { unitTls } from '../configs/unit-tls';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });

interface Recorder {
  origin: string;
  /** Each request's head as it arrived, request line first. */
  heads: string[];
  close: () => Promise<void>;
}

/** A server that records every request head and answers it with `answer` (a 401 by default), or never when `silent`. */
async function recorder(scheme: 'http' | 'https', options: { answer?: string; silent?: boolean } = {}): Promise<Recorder> {
  const heads: string[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      heads.push(head.slice(0, end));
      head = head.slice(end + 4);
      if (!options.silent)
        socket.end(options.answer ?? 'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    });
  };
  const { certPem, keyPem } = unitTls();
  const server = scheme === 'https' ? tls.createServer({ cert: certPem, key: keyPem }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    heads,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const requestLines = (r: Recorder): string[] => r.heads.map((h) => h.split('\r\n')[0]!);

test('AUTH-14 HTTP/1.0 goes out as HTTP/1.0 through the egress, over TLS and plain TCP, with the fields as listed', req('AUTH-14'), async () => {
  for (const scheme of ['https', 'http'] as const) {
    const server = await recorder(scheme);
    const api = testClient(`${server.origin}/v1/`);
    try {
      const reply = await api.sendRaw({
        path: '',
        target: '/v1/x/../balance',
        method: 'GET',
        headerLines: [['X-Forwarded-For', '127.0.0.1']],
        httpVersion: '1.0',
      });
      expect(reply.status, scheme).toBe(401);
      // Back to HTTP/1.1 on the next request: the rewrite is of one connection's first write only.
      await api.sendRaw({ path: '', target: '/v1/balance', method: 'GET', headerLines: [] });
    } finally {
      api.wire.dispose();
      await server.close();
    }
    expect(requestLines(server), scheme).toEqual(['GET /v1/x/../balance HTTP/1.0', 'GET /v1/balance HTTP/1.1']);
    expect(server.heads[0], scheme).toContain('\r\nX-Forwarded-For: 127.0.0.1');
    expect(server.heads[0], scheme).toContain(`\r\nHost: ${new URL(server.origin).host}`);
  }
});

test('AUTH-14 the absolute form of the configured origin goes out as spelt, in HTTP/1.1 and HTTP/1.0', req('AUTH-14'), async () => {
  const server = await recorder('https');
  const api = testClient(`${server.origin}/v1/`);
  try {
    for (const httpVersion of [undefined, '1.0'] as const) {
      const reply = await api.sendRaw({ path: '', target: `${server.origin}/v1//balance;x=1`, method: 'GET', headerLines: [], httpVersion });
      expect(reply.status).toBe(401);
    }
  } finally {
    api.wire.dispose();
    await server.close();
  }
  expect(requestLines(server)).toEqual([`GET ${server.origin}/v1//balance;x=1 HTTP/1.1`, `GET ${server.origin}/v1//balance;x=1 HTTP/1.0`]);
});

test('SAFE-02 an absolute-form target naming another origin is refused before anything is sent', req('SAFE-02'), async () => {
  const server = await recorder('https');
  const api = testClient(`${server.origin}/v1/`);
  const egress = new Egress({ baseUrl: `${server.origin}/v1/`, configuredKeys: [] });
  const url = new URL(`${server.origin}/v1/balance`);
  try {
    for (const target of [
      'https://example.com/v1/balance',
      `${server.origin.replace('127.0.0.1', 'localhost')}/v1/balance`,
      `${server.origin}v1/balance`,
      'v1/balance',
    ]) {
      expect(() => api.sendRaw({ path: '', target, method: 'GET', headerLines: [] }), target).toThrow(GuardError);
      await expect(egress.exchange({ method: 'GET', url, target, headerLines: [['Host', url.host]] }), target).rejects.toThrow(GuardError);
    }
  } finally {
    api.wire.dispose();
    egress.dispose();
    await server.close();
  }
  expect(server.heads).toEqual([]);
});

test('SAFE-03 a configured key never goes as HTTP/1.0 or in the absolute form, even to an allowed endpoint', req('SAFE-03'), async () => {
  const server = await recorder('https');
  const api = testClient(`${server.origin}/v1/`, [KEY]);
  try {
    const keyed: Array<[string, string]> = [['X-API-Key', KEY]];
    await expect(api.sendRaw({ path: '', target: '/v1/balance', method: 'GET', headerLines: keyed, httpVersion: '1.0' })).rejects.toThrow(/HTTP\/1\.0/);
    await expect(api.sendRaw({ path: '', target: `${server.origin}/v1/balance`, method: 'GET', headerLines: keyed })).rejects.toThrow(GuardError);
    // The same request in origin-form and HTTP/1.1 is on the allowlist: the refusals above are the spelling's.
    expect((await api.sendRaw({ path: '', target: '/v1/balance', method: 'GET', headerLines: keyed })).status).toBe(401);
  } finally {
    api.wire.dispose();
    await server.close();
  }
  expect(requestLines(server)).toEqual(['GET /v1/balance HTTP/1.1']);
});

test('SAFE-08 an HTTP/1.0 exchange keeps the deadline, the size limit and certificate checks', req('SAFE-08'), async () => {
  const silent = await recorder('https', { silent: true });
  const huge = await recorder('https', {
    answer: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${'x'.repeat(1024 * 1024 + 10)}`,
  });
  const kind = (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'answered',
      (e: unknown) => (e instanceof EgressError ? e.kind : String(e)),
    );
  const exchange = (egress: Egress, origin: string, deadlineMs?: number): Promise<unknown> => {
    const url = new URL(`${origin}/v1/balance`);
    return egress.exchange({ method: 'GET', url, headerLines: [['Host', url.host]], httpVersion: '1.0', deadlineMs });
  };
  const { certPem } = unitTls();
  const trusting = new Egress({ baseUrl: `${silent.origin}/v1/`, configuredKeys: [], caPem: certPem });
  // Node's roots only: the unit certificate is not among them.
  const untrusting = new Egress({ baseUrl: `${silent.origin}/v1/`, configuredKeys: [] });
  try {
    expect(await kind(exchange(trusting, silent.origin, 300))).toBe('deadline');
    expect(await kind(exchange(trusting, huge.origin))).toBe('too-large');
    expect(await kind(exchange(untrusting, huge.origin))).toBe('certificate');
  } finally {
    trusting.dispose();
    untrusting.dispose();
    await Promise.all([silent.close(), huge.close()]);
  }
  expect(requestLines(silent)).toEqual(['GET /v1/balance HTTP/1.0']);
});
