/**
 * The mock-mode network guard: every way a worker can open a connection is refused before any
 * lookup or packet when the destination is not loopback, and loopback keeps working, keep-alive
 * included (the reason the guard sits on sockets rather than intercepting HTTP). Addresses are
 * from TEST-NET-3 (RFC 5737): nothing answers there, so only a refusal ends these calls quickly.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { request } from '@playwright/test';
import { expect, test } from '../support/unit-test';
import { isLoopback, refuseNonLoopback } from '../../helpers/client/net-guard';

const OFF_MACHINE = '203.0.113.7';
const REFUSED = /Refused: a connection to 203\.0\.113\.7:443 would leave this machine/;

/** Runs `body` with the guard up, and always lifts it: other tests in this worker need the network as it was. */
async function guarded(body: () => Promise<void>): Promise<void> {
  const lift = refuseNonLoopback();
  try {
    await body();
  } finally {
    lift();
  }
}

function errorOf(start: (onError: (e: Error) => void) => void): Promise<Error> {
  return new Promise((resolve) => start(resolve));
}

test('loopback names and addresses pass; other addresses and any name needing DNS do not', () => {
  for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
  for (const host of ['0.0.0.0', '10.0.0.1', '203.0.113.7', 'api.cardpluspay.com', 'localhost.', '127.0.0.1.nip.io', '::'])
    expect(isLoopback(host), host).toBe(false);
});

test("Playwright's request context is refused at once, by address and by name (before any DNS lookup)", async () => {
  await guarded(async () => {
    const ctx = await request.newContext();
    try {
      // The guard's own message, not a timeout or a DNS error, is what proves it refused first.
      await expect(ctx.get(`https://${OFF_MACHINE}/v1/balance`, { timeout: 10_000 })).rejects.toThrow(REFUSED);
      await expect(ctx.get('https://api.cardpluspay.com/v1/balance', { timeout: 10_000 })).rejects.toThrow(
        /Refused: a connection to api\.cardpluspay\.com:443/,
      );
    } finally {
      await ctx.dispose();
    }
  });
});

test('node:https, fetch, and raw net and tls sockets are refused too', async () => {
  await guarded(async () => {
    const viaHttps = await errorOf((onError) => https.get(`https://${OFF_MACHINE}/`).on('error', onError));
    expect(viaHttps.message).toMatch(REFUSED);
    expect((viaHttps as NodeJS.ErrnoException).code).toBe('ERR_OFF_MACHINE_REFUSED');
    const viaFetch = await fetch(`https://${OFF_MACHINE}/`).then(
      () => new Error('fetch went through'),
      (e: Error) => e,
    );
    expect(String((viaFetch as Error & { cause?: Error }).cause?.message ?? viaFetch.message)).toMatch(REFUSED);
    expect((await errorOf((onError) => tls.connect({ host: OFF_MACHINE, port: 443 }).on('error', onError))).message).toMatch(REFUSED);
    expect((await errorOf((onError) => net.connect(443, OFF_MACHINE).on('error', onError))).message).toMatch(REFUSED);
  });
});

test('loopback still connects, and a request context keeps one connection alive across requests', async () => {
  let connections = 0;
  const server = http.createServer({ keepAlive: true }, (_req, res) => res.end('{}'));
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  try {
    await guarded(async () => {
      const ctx = await request.newContext();
      try {
        for (let i = 0; i < 3; i++) expect((await ctx.get(`http://127.0.0.1:${port}/`)).status()).toBe(200);
      } finally {
        await ctx.dispose();
      }
    });
    expect(connections).toBe(1);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/* eslint-disable @typescript-eslint/unbound-method -- compares the method itself, never calls it */
test('lifting the guard restores the original connect', () => {
  const original = net.Socket.prototype.connect;
  const lift = refuseNonLoopback();
  expect(net.Socket.prototype.connect).not.toBe(original);
  expect(refuseNonLoopback()).toBe(lift);
  lift();
  expect(net.Socket.prototype.connect).toBe(original);
});
/* eslint-enable @typescript-eslint/unbound-method */
