/**
 * The fault catalogue, checked three ways: it lints itself; every fault starts and still serves
 * the active key; and every fault shows its misbehaviour to a probe that the conformant mock
 * passes. The probe table is a Record over FaultName, so a fault without a probe does not compile.
 */
import crypto from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { isRequirementId } from '../../helpers/requirements';
import { schemaErrors } from '../../helpers/schemas';
import { randomKey, type MockMaterial } from '../../mock/accounts';
import { FAULT_NAMES, FAULTS, isFaultName, type FaultName } from '../../mock/faults';
import { ECHO_SPELLINGS } from '../../mock/faults/api-key';
import { probe, send, signChallenge, type ProbeCall, type ProbeReply } from '../support/probe';
import { startMock, type MockHandle } from '../../mock/server';
import { expect, test } from '../support/mock-fixture';

/** Long enough that the conformant mock answers well inside it on a loaded machine. */
const TTL_SECONDS = 2;

let material: MockMaterial;
let conformant: MockHandle;

test.beforeAll(async ({ mockMaterial }) => {
  material = mockMaterial;
  conformant = await startMock({ material, challengeTtlSeconds: TTL_SECONDS });
});
test.afterAll(async () => conformant.close());

async function withMock<T>(fault: FaultName, use: (mock: MockHandle) => Promise<T>): Promise<T> {
  const mock = await startMock({ material, fault, challengeTtlSeconds: TTL_SECONDS });
  try {
    return await use(mock);
  } finally {
    await mock.close();
  }
}

test.describe('the catalogue', () => {
  test('every fault has a kebab-case name, a one-line summary and known requirement ids', () => {
    for (const name of FAULT_NAMES) {
      const { breaks, summary, expect: verdict, runs } = FAULTS[name];
      expect(name, name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(summary.trim().length, `${name}: summary`).toBeGreaterThan(10);
      expect(summary, `${name}: summary`).not.toContain('\n');
      // A fault breaks something; a variant that keeps the contract (or cannot be judged) breaks nothing.
      expect(breaks.length > 0, `${name}: breaks, with expected verdict ${verdict}`).toBe(verdict === 'does-not-conform');
      expect(runs.length, `${name}: no check runs against it`).toBeGreaterThan(0);
      expect(new Set(runs).size, `${name}: breaks or checks repeat an id`).toBe(runs.length);
      for (const id of runs) {
        expect(isRequirementId(id), `${name}: unknown requirement ${id}`).toBe(true);
        expect(id, `${name}: SAFE ids are about the suite, not the target`).not.toMatch(/^SAFE-/);
      }
    }
  });

  test('isFaultName knows exactly the catalogue', () => {
    for (const name of FAULT_NAMES) expect(isFaultName(name)).toBe(true);
    for (const name of ['', 'toString', '__proto__', 'no-such-fault']) expect(isFaultName(name)).toBe(false);
  });

  test('startMock refuses an unknown fault and a TTL of zero', async () => {
    await expect(startMock({ material, fault: 'no-such-fault' as FaultName })).rejects.toThrow(/unknown fault/);
    await expect(startMock({ material, challengeTtlSeconds: 0 })).rejects.toThrow(/challengeTtlSeconds/);
  });
});

/** Faults whose whole point is a different GET balance answer for the active key. */
const BALANCE_SHAPE_FAULTS: ReadonlySet<FaultName> = new Set<FaultName>([
  'success-false-on-200', 'success-missing', 'message-not-string', 'success-not-json-content-type', 'balance-number', 'balance-comma-decimal', 'currency-lowercase',
  'gzip-bomb', 'brotli-bomb',
]);

test.describe('every fault starts and serves GET balance to the active key', () => {
  // These never answer GET balance (hang, 429, 503, drop, trickle, a certificate that fails): their probes below check exactly that.
  const NOT_SERVING: ReadonlySet<FaultName> = new Set<FaultName>(['balance-hangs', 'always-429', 'always-503', 'drops-every-connection', 'trickles-response-head', 'key-in-certificate']);
  for (const fault of FAULT_NAMES.filter((f) => !NOT_SERVING.has(f))) {
    test(fault, async () => {
      await withMock(fault, async (mock) => {
        const reply = await probe(material, mock.baseUrl)({ path: 'balance', headers: { 'X-API-Key': material.accounts.active.key } });
        expect(reply.status).toBe(200);
        if (!BALANCE_SHAPE_FAULTS.has(fault)) expect(schemaErrors('balance', reply.json)).toEqual([]);
        expect(mock.fault).toBe(fault);
      });
    });
  }
});

interface Kit {
  mock: MockHandle;
  call: (c: ProbeCall) => Promise<ProbeReply>;
  http: (c: ProbeCall) => Promise<ProbeReply>;
  /** GET balance with X-API-Key set to `key` (no header when undefined). */
  balance: (key: string | undefined) => Promise<ProbeReply>;
  active: string;
  inactive: string;
  issue: (account?: 'signing' | 'signing2', key?: string) => Promise<string>;
  signed: (challenge: string, signature: string | undefined, opts?: { account?: 'signing' | 'signing2'; path?: string }) => Promise<ProbeReply>;
  sign: (text: string, account?: 'signing' | 'signing2') => string;
}

function kitFor(mock: MockHandle): Kit {
  const call = probe(material, mock.baseUrl);
  const { accounts } = material;
  const kit: Kit = {
    mock,
    call,
    http: probe(material, mock.httpUrl),
    balance: (key) => call({ path: 'balance', headers: key === undefined ? {} : { 'X-API-Key': key } }),
    active: accounts.active.key,
    inactive: accounts.inactive.key,
    issue: async (account = 'signing', key = accounts[account].key) => {
      const reply = await call({ method: 'POST', path: 'auth/challenge', headers: { 'X-API-Key': key } });
      return (reply.json as { data?: { challenge?: string } } | undefined)?.data?.challenge ?? '';
    },
    signed: (challenge, signature, opts = {}) => {
      const headers: Record<string, string> = { 'X-API-Key': accounts[opts.account ?? 'signing'].key, 'X-API-Challenge': challenge };
      if (signature !== undefined) headers['X-API-Signature'] = signature;
      return call({ path: opts.path ?? 'balance', headers });
    },
    sign: (text, account = 'signing') => signChallenge(text, accounts[account].signing!.privateKeyPem),
  };
  return kit;
}

const flipCase = (k: string): string => [...k].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
const percentEncoded = (k: string): string => [...k].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const bodyOf = (r: ProbeReply): Record<string, unknown> => (r.json ?? {}) as Record<string, unknown>;
const dataOf = (r: ProbeReply): Record<string, unknown> => (bodyOf(r).data ?? {}) as Record<string, unknown>;
/** A never-issued key presented, and the given part of the answer holding it in the given spelling. */
const echoProbe = (part: (r: ProbeReply) => string, spelling: keyof typeof ECHO_SPELLINGS) => async (k: Kit): Promise<boolean> => {
  const presented = randomKey();
  return part(await k.balance(presented)).includes(ECHO_SPELLINGS[spelling](presented));
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 1024 * 1024;

/** A TLS connection to the mock's HTTPS port, its certificate trusted (certificate and host-name checks on unless `options` say otherwise). */
function connectTls(mock: MockHandle, options: tls.ConnectionOptions = {}): tls.TLSSocket {
  const { hostname, port } = new URL(mock.baseUrl);
  return tls.connect({ host: hostname, port: Number(port), ca: material.tls.certPem, ...options });
}

/**
 * GET balance with the active key on a raw TLS socket, and what arrives in the next `ms`: the text,
 * and whether the connection is still open at the end (it is closed then).
 */
function firstBytes(k: Kit, ms: number): Promise<{ text: string; open: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(k.mock);
    let text = '';
    socket.once('secureConnect', () => {
      socket.write(`GET /v1/balance HTTP/1.1\r\nHost: ${new URL(k.mock.baseUrl).host}\r\nX-API-Key: ${k.active}\r\n\r\n`);
      setTimeout(() => {
        resolve({ text, open: !socket.destroyed && socket.readable });
        socket.destroy();
      }, ms);
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', reject);
  });
}

/**
 * GET balance with the active key, asking for no content coding: true when the answer says
 * `coding`, is small on the wire, and decodes past `limit` bytes. Decoding stops there: the
 * decoder and the connection are destroyed, nothing decoded is kept.
 */
function decodesPast(k: Kit, coding: 'gzip' | 'br', limit: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.get(new URL('balance', k.mock.baseUrl), { ca: material.tls.certPem, agent: false, headers: { 'X-API-Key': k.active, 'Accept-Encoding': 'identity' } }, (res) => {
      const wireBytes = Number(res.headers['content-length']);
      if (res.statusCode !== 200 || res.headers['content-encoding'] !== coding || !(wireBytes <= 2 * MIB)) {
        res.resume();
        resolve(false);
        return;
      }
      const decoder = coding === 'gzip' ? zlib.createGunzip() : zlib.createBrotliDecompress();
      let decoded = 0;
      const done = (seen: boolean): void => {
        resolve(seen);
        decoder.destroy();
        req.destroy();
      };
      decoder.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
        if (decoded > limit) done(true);
      });
      decoder.once('end', () => done(false));
      decoder.on('error', reject);
      res.pipe(decoder);
    });
    // Destroying the request after the verdict may still raise an error here; the promise has settled by then.
    req.on('error', reject);
  });
}

/** A handshake with the mock's CA trusted: Node's error, if any, and the certificate's subject CN when the chain verified. */
function handshakeOutcome(k: Kit, options: tls.ConnectionOptions): Promise<{ error?: NodeJS.ErrnoException; subject?: string }> {
  return new Promise((resolve) => {
    const socket = connectTls(k.mock, options);
    socket.once('secureConnect', () => {
      const subject = socket.authorized ? String(socket.getPeerCertificate().subject.CN) : undefined;
      socket.destroy();
      resolve({ subject });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
  });
}

/** True when the probe sees the fault's misbehaviour. The conformant mock must give false for all. */
const PROBES: Record<FaultName, (k: Kit) => Promise<boolean>> = {
  'any-key-accepted': async (k) => (await k.balance(randomKey())).status === 200,
  'missing-key-accepted': async (k) => (await k.balance(undefined)).status === 200,
  'empty-key-accepted': async (k) => (await k.balance('')).status === 200,
  'empty-key-crashes': async (k) => (await k.balance('')).status === 500,
  'prefix-key-accepted': async (k) => (await k.balance(k.active.slice(0, -1))).status === 200,
  'key-case-insensitive': async (k) => (await k.balance(flipCase(k.active))).status === 200,
  'key-startswith-accepted': async (k) => (await k.balance(`${k.active} extra`)).status === 200,
  'long-key-crashes': async (k) => (await k.balance(k.active.padEnd(4096, 'A'))).status === 500,
  'non-ascii-key-crashes': async (k) => (await k.balance(k.active + utf8('é'))).status === 500,
  'url-decoded-key': async (k) => (await k.balance(percentEncoded(k.active))).status === 200,
  'quotes-stripped': async (k) => (await k.balance(`'${k.active}`)).status === 200,
  'whitespace-stripped': async (k) => (await k.balance(k.active + utf8('\u200b'))).status === 200,
  'trailing-junk-stripped': async (k) => (await k.balance(`${k.active}==`)).status === 200,
  'bearer-prefix-stripped': async (k) => (await k.balance(`Bearer ${k.active}`)).status === 200,
  'authorization-accepted': async (k) => (await k.call({ path: 'balance', headers: { Authorization: k.active } })).status === 200,
  'query-key-accepted': async (k) => (await k.call({ path: `balance?X-API-Key=${k.active}` })).status === 200,
  'cookie-key-accepted': async (k) => (await k.call({ path: 'balance', headers: { Cookie: `a=b; X-API-Key=${k.active}` } })).status === 200,
  'misspelt-header-accepted': async (k) => (await k.call({ path: 'balance', headers: { X_API_Key: k.active } })).status === 200,
  'header-name-case-sensitive': async (k) => (await k.call({ path: 'balance', headers: { 'x-api-key': k.active } })).status === 401,
  'inactive-key-accepted': async (k) => (await k.balance(k.inactive)).status === 200,
  'inactive-key-403': async (k) => (await k.balance(k.inactive)).status === 403,
  'inactive-key-message': async (k) => bodyOf(await k.balance(k.inactive)).message === 'API key revoked',
  'duplicate-key-first-wins': async (k) => (await k.call({ path: 'balance', headers: [['X-API-Key', k.active], ['X-API-Key', randomKey()]] })).status === 200,
  'duplicate-key-any-wins': async (k) => (await k.balance(`${randomKey()}, ${k.active}`)).status === 200,
  'catalog-public': async (k) => (await k.call({ path: 'catalog' })).status === 200,
  'orders-check-public': async (k) => (await k.call({ path: 'orders/check', headers: { 'X-API-Key': randomKey() }, json: { item_id: 'NOPE' } })).status !== 401,
  'create-order-validates-first': async (k) => (await k.call({ path: 'orders', json: { item_code: 'NOPE', quantity: 1 } })).status !== 401,
  'cookie-api-key-accepted': async (k) => (await k.call({ path: 'balance', headers: { Cookie: `api_key=${k.active}` } })).status === 200,
  'session-cookie-authenticates': async (k) => {
    const session = (await k.balance(k.active)).headers['set-cookie']?.[0]?.split(';')[0];
    return session !== undefined && (await k.call({ path: 'balance', headers: { Cookie: session } })).status === 200;
  },
  'key-trimmed': async (k) => (await k.balance(`${k.active}\u00a0`)).status === 200,
  'orders-without-owner': async (k) => (await k.call({ path: 'orders/4001', headers: { 'X-API-Key': k.active } })).status === 200,
  'auth-exact-path': async (k) => (await k.call({ path: 'balance/' })).status === 200,
  'head-skips-auth': async (k) => (await k.call({ method: 'HEAD', path: 'balance' })).status === 200,
  'method-override-after-auth': async (k) => (await k.call({ method: 'POST', path: 'balance', headers: { 'X-HTTP-Method-Override': 'GET' } })).status === 200,
  'original-url-after-auth': async (k) => (await k.call({ path: 'no-such-path', headers: { 'X-Original-URL': '/v1/balance' } })).status === 200,
  'loopback-trusted': async (k) => (await k.call({ path: 'balance', headers: { 'X-Forwarded-For': '127.0.0.1' } })).status === 200,
  'order-by-id-public': async (k) => (await k.call({ path: 'orders/999999999' })).status === 404,
  'key-echoed-in-body': async (k) => {
    const presented = randomKey();
    return (await k.balance(presented)).text.includes(presented);
  },
  'key-echoed-in-header': async (k) => {
    const presented = randomKey();
    return Object.values((await k.balance(presented)).headers).some((v) => String(v).includes(presented));
  },
  'key-echoed-in-message': echoProbe((r) => String(bodyOf(r).message), 'raw'),
  'key-echoed-in-message-percent': echoProbe((r) => String(bodyOf(r).message), 'percent'),
  'key-echoed-double-percent': echoProbe((r) => String(r.headers['www-authenticate']), 'double-percent'),
  'key-echoed-in-message-base64': echoProbe((r) => String(bodyOf(r).message), 'base64'),
  'key-echoed-in-message-json-escaped': echoProbe((r) => r.text, 'json-partial'),
  'key-echoed-in-www-authenticate': echoProbe((r) => String(r.headers['www-authenticate']), 'raw'),
  'key-echoed-in-www-authenticate-percent': echoProbe((r) => String(r.headers['www-authenticate']), 'percent'),
  'key-echoed-in-www-authenticate-base64': echoProbe((r) => String(r.headers['www-authenticate']), 'base64'),
  'key-echoed-in-body-percent': echoProbe((r) => String(dataOf(r).presented_key), 'percent'),
  'key-echoed-in-body-base64': echoProbe((r) => String(dataOf(r).presented_key), 'base64'),
  'reason-in-data': async (k) => (await k.balance(k.inactive)).text !== (await k.balance(randomKey())).text,
  'missing-key-distinct': async (k) => bodyOf(await k.balance(undefined)).message !== 'Unauthorized',
  'unauthorized-as-403': async (k) => (await k.balance(undefined)).status === 403,
  'unauthorized-as-400': async (k) => (await k.balance('not-a-key')).status === 400,
  'unauthorized-plain-text': async (k) => (await k.balance(undefined)).json === undefined,
  'unauthorized-wrong-content-type': async (k) => !(await k.balance(undefined)).headers['content-type']?.startsWith('application/json'),
  'unauthorized-success-true': async (k) => bodyOf(await k.balance(undefined)).success === true,
  'unauthorized-no-data': async (k) => !('data' in bodyOf(await k.balance(undefined))),
  'unauthorized-data-null': async (k) => bodyOf(await k.balance(undefined)).data === null,
  'unauthorized-data-array': async (k) => Array.isArray(bodyOf(await k.balance(undefined)).data),
  'unauthorized-message-lowercase': async (k) => bodyOf(await k.balance(undefined)).message === 'unauthorized',
  'unauthorized-message-detailed': async (k) => bodyOf(await k.balance(randomKey())).message === 'Invalid API key',
  'success-false-on-200': async (k) => bodyOf(await k.balance(k.active)).success === false,
  'success-missing': async (k) => !('success' in bodyOf(await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } }))),
  'message-not-string': async (k) => bodyOf(await k.call({ path: 'catalog', headers: { 'X-API-Key': k.active } })).message === null,
  'success-not-json-content-type': async (k) => (await k.balance(k.active)).headers['content-type']?.startsWith('text/plain') === true,
  'balance-number': async (k) => typeof dataOf(await k.balance(k.active)).balance === 'number',
  'balance-comma-decimal': async (k) => dataOf(await k.balance(k.active)).balance === '100,50',
  'currency-lowercase': async (k) => dataOf(await k.balance(k.active)).currency === 'usd',
  'balance-hangs': async (k) =>
    Promise.race([k.balance(k.active).then(() => false), pause(500).then(() => true)]),
  'catalog-500': async (k) => (await k.call({ path: 'catalog', headers: { 'X-API-Key': k.active } })).status === 500,
  'orders-401-for-valid-key': async (k) => (await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } })).status === 401,
  'pagination-strings': async (k) => typeof (dataOf(await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } })).pagination as { total?: unknown } | undefined)?.total === 'string',
  'stock-check-price-string': async (k) => typeof dataOf(await k.call({ path: 'orders/check', headers: { 'X-API-Key': k.active }, json: { item_id: 'AMZ-US-25' } })).price === 'string',
  'body-not-json-on-error': async (k) => (await k.call({ path: 'orders/999999999', headers: { 'X-API-Key': k.active } })).headers['content-type']?.startsWith('text/html') === true,
  'http-serves-api': async (k) => (await k.http({ path: 'balance', headers: { 'X-API-Key': k.active } })).status === 200,
  'http-auth-401': async (k) => (await k.http({ path: 'balance', headers: { 'X-API-Key': randomKey() } })).status === 401,
  'http-redirects-to-http': async (k) => (await k.http({ path: 'balance' })).headers.location?.startsWith('http:') === true,
  'http-redirect-with-data': async (k) => {
    const reply = await k.http({ path: 'balance', headers: { 'X-API-Key': randomKey() } });
    return reply.status === 301 && reply.text.length > 0;
  },
  'tls11-allowed': async (k) =>
    send(material, new URL('balance', k.mock.baseUrl), { tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } }).then(
      () => true,
      () => false,
    ),
  'sets-cookies': async (k) => {
    const cookies = (await k.balance(k.active)).headers['set-cookie'] ?? [];
    return cookies.some((c) => c.startsWith(`cpp_key=${k.active};`)) && cookies.some((c) => c.startsWith('AWSALB='));
  },
  'no-hsts': async (k) => (await k.balance(k.active)).headers['strict-transport-security'] === undefined,
  'short-hsts': async (k) => (await k.balance(k.active)).headers['strict-transport-security'] === 'max-age=3600',
  'sign-presence-only': async (k) => (await k.signed('never-issued', 'AAAA')).status === 200,
  'sign-not-verified': async (k) => {
    const challenge = await k.issue();
    return (await k.signed(challenge, k.sign(challenge, 'signing2'))).status === 200;
  },
  'sign-missing-signature-accepted': async (k) => (await k.signed(await k.issue(), undefined)).status === 200,
  'sign-missing-headers-accepted': async (k) => (await k.call({ path: 'balance', headers: { 'X-API-Key': material.accounts.signing.key } })).status === 200,
  'sign-never-consumed': async (k) => {
    const challenge = await k.issue();
    const signature = k.sign(challenge);
    await k.signed(challenge, signature);
    return (await k.signed(challenge, signature)).status === 200;
  },
  'sign-consumed-per-endpoint': async (k) => {
    const challenge = await k.issue();
    const signature = k.sign(challenge);
    await k.signed(challenge, signature);
    return (await k.signed(challenge, signature, { path: 'orders' })).status === 200;
  },
  'sign-racy-consume': async (k) => {
    const challenge = await k.issue();
    const signature = k.sign(challenge);
    const replies = await Promise.all(Array.from({ length: 8 }, () => k.signed(challenge, signature)));
    return replies.filter((r) => r.status === 200).length > 1;
  },
  'sign-no-expiry': async (k) => {
    const challenge = await k.issue();
    await pause(TTL_SECONDS * 1000 + 100);
    return (await k.signed(challenge, k.sign(challenge))).status === 200;
  },
  'sign-early-expiry': async (k) => {
    const challenge = await k.issue();
    // Past the fault's tenth of the lifetime, far from the conformant end of it.
    await pause(TTL_SECONDS * 200);
    return (await k.signed(challenge, k.sign(challenge))).status === 401;
  },
  'sign-not-bound-to-account': async (k) => {
    const challenge = await k.issue('signing');
    return (await k.signed(challenge, k.sign(challenge, 'signing2'), { account: 'signing2' })).status === 200;
  },
  'sign-unissued-accepted': async (k) => {
    const made = crypto.randomBytes(32).toString('base64url');
    return (await k.signed(made, k.sign(made))).status === 200;
  },
  'sign-any-issued-challenge': async (k) => {
    const presented = await k.issue();
    const other = await k.issue();
    return (await k.signed(presented, k.sign(other))).status === 200;
  },
  'sign-normalised-challenge': async (k) => {
    const challenge = await k.issue();
    return (await k.signed(challenge, k.sign(challenge.toUpperCase()))).status === 200;
  },
  'sign-bad-base64-crashes': async (k) => (await k.signed(await k.issue(), '%%%')).status === 500,
  'sign-empty-signature-crashes': async (k) => (await k.signed(await k.issue(), '')).status === 500,
  'sign-challenge-no-key': async (k) => (await k.call({ method: 'POST', path: 'auth/challenge' })).status === 200,
  'sign-challenge-repeats': async (k) => (await k.issue()) === (await k.issue()),
  'sign-pss-only': async (k) => {
    const challenge = await k.issue();
    return (await k.signed(challenge, k.sign(challenge))).status === 401;
  },
  'rate-limited-retry-after-1': async (k) => (await burst(k, 12)).some((r) => r.status === 429 && r.headers['retry-after'] === '1'),
  'rate-limited-retry-after-0': async (k) => (await burst(k, 12)).some((r) => r.status === 429 && r.headers['retry-after'] === '0'),
  'always-429': async (k) => (await k.balance(k.active)).status === 429,
  'drops-every-connection': async (k) => k.balance(k.active).then(() => false, () => true),
  'always-503': async (k) => {
    const replies = [await k.balance(k.active), await k.balance(undefined), await k.call({ path: '/no-such-path' })];
    return replies.every((r) => r.status === 503 && r.headers['retry-after'] === '120' && bodyOf(r).success === false && bodyOf(r).message === 'Service Unavailable');
  },
  // One byte a second, the first at once: in 3.5 s a few bytes of the status line, no end of head, the connection open.
  'trickles-response-head': async (k) => {
    const { text, open } = await firstBytes(k, 3500);
    return open && text.length >= 2 && text.length <= 6 && 'HTTP/1.1 200 OK'.startsWith(text) && !text.includes('\r\n\r\n');
  },
  'gzip-bomb': async (k) => decodesPast(k, 'gzip', 64 * MIB),
  'brotli-bomb': async (k) => decodesPast(k, 'br', 64 * MIB),
  // The chain and the name it holds verify (asked for by that name, `<key>.example`); by any other name Node's error quotes the key.
  'key-in-certificate': async (k) => {
    const byName = await handshakeOutcome(k, { servername: 'localhost' });
    const chain = await handshakeOutcome(k, { servername: `${k.active}.example` });
    return byName.error?.code === 'ERR_TLS_CERT_ALTNAME_INVALID' && byName.error.message.includes(k.active) && chain.subject === k.active;
  },
  'huge-401-message': async (k) => (bodyOf(await k.balance(randomKey())).message as unknown[] | undefined)?.length === 60_000,
};

/** `n` GET balance requests at once: past a rate limit, some get 429. */
function burst(k: Kit, n: number): Promise<ProbeReply[]> {
  return Promise.all(Array.from({ length: n }, () => k.balance(k.active)));
}

test.describe('every fault shows itself to its probe, and the conformant mock does not', () => {
  for (const fault of FAULT_NAMES) {
    test(`${fault} (${FAULTS[fault].breaks.join(', ')})`, async () => {
      const seen = await withMock(fault, (mock) => PROBES[fault](kitFor(mock)));
      expect(seen, `the fault ${fault} did not show`).toBe(true);
      expect(await PROBES[fault](kitFor(conformant)), `the conformant mock misbehaves on the probe for ${fault}`).toBe(false);
    });
  }
});

test.describe('a trickle lasts exactly as long as its connection', () => {
  /** The process's timers that keep it alive: the trickle's is one of them, on purpose. */
  const liveTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  /** Waits `ms`, then lets the timer that waited finish, so that it no longer counts. */
  const settle = async (ms: number): Promise<void> => {
    await pause(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** A connection whose GET balance has had its first `n` bytes. */
  const trickling = (mock: MockHandle, n: number): Promise<tls.TLSSocket> =>
    new Promise((resolve, reject) => {
      const socket = connectTls(mock);
      let seen = 0;
      socket.once('secureConnect', () => socket.write(`GET /v1/balance HTTP/1.1\r\nHost: ${new URL(mock.baseUrl).host}\r\n\r\n`));
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= n) resolve(socket);
      });
      socket.on('error', reject);
    });

  test('the timer stops when the client goes away and when the mock closes, and close() stays prompt', async () => {
    const before = liveTimers();
    const mock = await startMock({ material, fault: 'trickles-response-head', challengeTtlSeconds: TTL_SECONDS });
    try {
      const idle = liveTimers();
      const leaving = await trickling(mock, 2);
      expect(liveTimers(), 'one timer per trickling connection').toBe(idle + 1);
      leaving.destroy();
      for (let i = 0; i < 40 && liveTimers() !== idle; i += 1) await settle(50);
      expect(liveTimers(), 'the timer of a connection the client closed').toBe(idle);

      const staying = await trickling(mock, 1);
      const closed = new Promise((resolve) => staying.once('close', resolve));
      const started = Date.now();
      await mock.close();
      expect(Date.now() - started, 'close() with a trickle under way').toBeLessThan(1000);
      await closed;
      await settle(0);
      expect(liveTimers(), 'timers left after close()').toBe(before);
    } finally {
      await mock.close();
    }
  });
});
