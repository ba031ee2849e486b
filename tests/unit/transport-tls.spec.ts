/**
 * The TLS probes against local servers whose policy is known, so a verdict is shown to come from
 * the server: the legacy probe completes TLS 1.0 and 1.1 handshakes with a server that allows them
 * (OpenSSL 3 needs SECLEVEL=0 on both ends for that), and is refused by a TLS 1.2-minimum server's
 * own alert. The certificate check (TLS-01) fails without the CA and for a name the certificate
 * does not hold; and no code in the project can switch certificate checks off.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { expect, test } from '../support/unit-test';
import { Egress } from '../../helpers/client/egress';
import type { HandshakeOptions, HandshakeResult } from '../../helpers/client/handshake';
import { classifyLegacyHandshake, LEGACY_TLS_VERSIONS, probeLegacyTls as probeThrough } from '../../helpers/transport/tls-versions';
import { unitTls } from '../configs/unit-tls';

const req = (id: string) => ({ annotation: [{ type: 'requirement', description: id }] });
const ROOT = path.resolve(__dirname, '..', '..');

const servers: net.Server[] = [];

/** A TLS server to probe, and the CA file to trust for it. */
interface TlsTarget {
  host: string;
  port: number;
  caFile?: string;
}

/** The egress to a TLS target: its handshakes are the ones the specs make. */
const egressOf = (t: TlsTarget): Egress =>
  new Egress({ baseUrl: `https://${t.host}:${t.port}/`, configuredKeys: [], caPem: t.caFile ? fs.readFileSync(t.caFile, 'utf8') : undefined });
const handshake = (t: TlsTarget, options?: HandshakeOptions): Promise<HandshakeResult> => egressOf(t).handshake(options);
const probeLegacyTls = (t: TlsTarget, ...rest: Parameters<typeof probeThrough> extends [unknown, ...infer R] ? R : never) => probeThrough(egressOf(t), ...rest);
let legacyAllowed: TlsTarget;
let modernOnly: TlsTarget;
let dropsEverything: TlsTarget;

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return (server.address() as net.AddressInfo).port;
}

function tlsServer(options: tls.TlsOptions): tls.Server {
  const { certPem, keyPem } = unitTls();
  const server = tls.createServer({ cert: certPem, key: keyPem, ...options }, (socket) => socket.end());
  // A refused handshake is the point of some tests: keep it from surfacing as an error.
  server.on('tlsClientError', () => undefined);
  return server;
}

test.beforeAll(async () => {
  const { caFile } = unitTls();
  // Under OpenSSL 3 a server must drop to security level 0 to sign a TLS 1.0/1.1 key exchange.
  legacyAllowed = { host: '127.0.0.1', port: await listen(tlsServer({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' })), caFile };
  modernOnly = { host: '127.0.0.1', port: await listen(tlsServer({ minVersion: 'TLSv1.2' })), caFile };
  dropsEverything = { host: '127.0.0.1', port: await listen(net.createServer((s) => s.destroy())), caFile };
});
test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

for (const v of LEGACY_TLS_VERSIONS) {
  test(`TLS-04 the probe completes a ${v.title} handshake with a server that allows it`, req('TLS-04'), async () => {
    const r = await probeLegacyTls(legacyAllowed, v.version, v.title);
    expect(r.legacy.ok && r.legacy.protocol).toBe(v.version);
    expect(r.verdict).toBe('accepted');
  });

  test(`TLS-04 a server with TLS 1.2 as minimum refuses ${v.title} with its own alert`, req('TLS-04'), async () => {
    const r = await probeLegacyTls(modernOnly, v.version, v.title);
    expect(r.verdict).toBe('refused');
    expect(r.what).toMatch(/alert 70 \(protocol_version\)/);
    expect(r.control.ok).toBe(true);
  });

  test(`TLS-04 without SECLEVEL=0 the local library refuses ${v.title} itself, and that is never counted as the server refusing`, req('TLS-04'), async () => {
    const control = await handshake(legacyAllowed);
    const atDefaultLevel = await handshake(legacyAllowed, { minVersion: v.version, maxVersion: v.version });
    expect(atDefaultLevel.ok, 'OpenSSL 3 at its default level fails this handshake on the client side').toBe(false);
    expect(classifyLegacyHandshake(v.title, atDefaultLevel, control).verdict).not.toBe('refused');
  });
}

test('TLS-04 a server that drops every connection gives no verdict: the modern control handshake fails too', req('TLS-04'), async () => {
  const r = await probeLegacyTls(dropsEverything, 'TLSv1', 'TLS 1.0');
  expect(r.verdict).toBe('inconclusive');
});

test('TLS-01 the handshake verifies the certificate against the configured CA file, by IP and by name', req('TLS-01'), async () => {
  const byIp = await handshake(modernOnly);
  expect(byIp.ok && byIp.peer.subject).toContain('CardPlusPay mock');
  const byName = await handshake({ ...modernOnly, host: 'localhost' });
  expect(byName.ok && byName.protocol).toMatch(/^TLSv1\.[23]$/);
});

test('TLS-01 without the CA file the self-signed certificate is refused', req('TLS-01'), async () => {
  const r = await handshake({ ...modernOnly, caFile: undefined });
  expect(r.ok).toBe(false);
  expect(!r.ok && r.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
});

test('TLS-01 a host the certificate does not name is refused', req('TLS-01'), async () => {
  const server = tlsServer({ minVersion: 'TLSv1.2' });
  const port = await listen(server, '127.0.0.2');
  const r = await handshake({ host: '127.0.0.2', port, caFile: unitTls().caFile });
  expect(r.ok).toBe(false);
  expect(!r.ok && r.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
});

/** Unit tests that set NODE_TLS_REJECT_UNAUTHORIZED=0 on purpose, to prove the run and the clients refuse it. */
const SETS_IT_TO_PROVE_REFUSAL = ['tests/unit/settings-mistakes.ts', 'tests/unit/config-exit.spec.ts', 'tests/unit/certificate-checks.spec.ts'];
/**
 * Clients that accept any certificate on purpose, to be caught by the client checker's impostor
 * (CLIENT-05): its bad client in npm test, and the unit tests of its bookkeeping. They talk only to
 * the checker's own loopback listeners.
 */
const TURNS_IT_OFF_TO_BE_CAUGHT = ['tests/support/client-checker/clients.ts', 'tests/unit/client-check-traps.spec.ts'];

test('TLS-01 no code in the project switches certificate checks off', req('TLS-01'), () => {
  // Built from parts so that this file does not match itself.
  const off = [
    new RegExp(['rejectUnauthorized', '\\s*:\\s*false'].join('')),
    new RegExp(['ignoreHTTPSErrors', '\\s*:\\s*true'].join('')),
    // Setting the variable from code (reading it, to refuse the run, is what SAFE-04 asks).
    new RegExp(['\\.NODE_TLS_REJECT', '_UNAUTHORIZED\\s*=[^=]'].join('')),
    new RegExp(['NODE_TLS_REJECT', '_UNAUTHORIZED[\'"]?\\s*:\\s*[\'"]0'].join('')),
    new RegExp(['checkServerIdentity', '\\s*:'].join('')),
  ];
  const hits: string[] = [];
  const allowed = new Set<string>();
  const excused = (file: string, re: RegExp): boolean => {
    const why = SETS_IT_TO_PROVE_REFUSAL.includes(file)
      ? re.source.includes('NODE_TLS')
      : TURNS_IT_OFF_TO_BE_CAUGHT.includes(file) && !re.source.includes('NODE_TLS');
    if (why) allowed.add(file);
    return why;
  };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.(ts|js|json|mjs|cjs)$/.test(entry.name)) {
        const text = fs.readFileSync(p, 'utf8');
        const file = path.relative(ROOT, p);
        for (const re of off) if (re.test(text) && !excused(file, re)) hits.push(`${file}: ${re.source}`);
      }
    }
  };
  for (const dir of ['helpers', 'specs', 'mock', 'tests']) walk(path.join(ROOT, dir));
  for (const file of ['playwright.config.ts', 'package.json']) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const re of off) if (re.test(text)) hits.push(`${file}: ${re.source}`);
  }
  expect(hits).toEqual([]);
  // An entry that no longer needs its excuse goes, so the lists cannot hide a new file of the same name.
  expect([...SETS_IT_TO_PROVE_REFUSAL, ...TURNS_IT_OFF_TO_BE_CAUGHT].filter((file) => !allowed.has(file))).toEqual([]);
});
