/** Faults of the transport: the plain-HTTP origin, the TLS versions and certificate, and HSTS. */
import crypto from 'node:crypto';
import { generate as generateCertificate } from 'selfsigned';
import { CERTIFICATE_KEY, randomKey, type MockMaterial } from '../accounts';
import { authenticate, unauthorized } from '../auth';
import type { MockBehaviour } from '../behaviour';
import { fail } from '../envelope';
import { redirect, type PlainHttpBehaviour } from '../plain-http';
import { send } from '../probe-client';
import { bendPart, type Fault } from './fault';
import { handshakeOutcome } from './probe-kit';

/** The plain-HTTP origin accepts connections, whatever the mode, and answers with `answer`. */
const plainHttpAnswers =
  (answer: PlainHttpBehaviour['answer']) =>
  (behaviour: MockBehaviour): MockBehaviour => ({ ...behaviour, plainHttp: { refuses: false, answer } });

/**
 * A certificate for the mock's own key pair, signed by the mock's CA, whose subject CN is the active
 * account's key and whose one name is `<key>.example`: it verifies up to the CA and fails only on
 * the host name, and Node's error for that quotes the names (for a target addressed by name; for
 * an IP address it lists the certificate's IP addresses, none here) and carries the certificate.
 * Reusing the key pair costs one signature, no key generation.
 */
async function certificateNamingTheKey(material: MockMaterial): Promise<MockMaterial['tls']> {
  const key = material.accounts.active.key;
  const now = Date.now();
  const pems = await generateCertificate([{ name: 'commonName', value: key }], {
    keyPair: { privateKey: material.tls.keyPem, publicKey: crypto.createPublicKey(material.tls.keyPem).export({ type: 'spki', format: 'pem' }).toString() },
    ca: { key: material.tls.keyPem, cert: material.tls.certPem },
    ...CERTIFICATE_KEY,
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 2 * 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: `${key}.example` }] },
    ],
  });
  return { certPem: pems.cert, keyPem: material.tls.keyPem };
}

export const TRANSPORT_FAULTS = {
  'http-serves-api': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin serves the whole API, auth included',
    probe: async (k) => (await k.http({ path: 'balance', headers: { 'X-API-Key': k.active } })).status === 200,
    bend: plainHttpAnswers((ctx, req) => ctx.api(req)),
  },
  'http-auth-401': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin runs the key check: a refused key gets the 401 envelope, a valid one 403',
    probe: async (k) => (await k.http({ path: 'balance', headers: { 'X-API-Key': randomKey() } })).status === 401,
    bend: plainHttpAnswers((ctx, req) => (authenticate(req, ctx.material.accounts).ok ? fail(403, 'HTTPS required') : unauthorized())),
  },
  'http-redirects-to-http': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to an http: Location',
    probe: async (k) => (await k.http({ path: 'balance' })).headers.location?.startsWith('http:') === true,
    bend: plainHttpAnswers((ctx, _req, target) => redirect(`${ctx.httpOrigin}${target}`)),
  },
  'http-redirect-with-data': {
    breaks: ['TLS-02'],
    summary: 'The plain-HTTP origin redirects to https: but its body is the answer the API would give',
    probe: async (k) => {
      const reply = await k.http({ path: 'balance', headers: { 'X-API-Key': randomKey() } });
      return reply.status === 301 && reply.text.length > 0;
    },
    bend: plainHttpAnswers(async (ctx, req, target) => {
      const answer = await ctx.api(req);
      return { status: 301, headers: { ...answer.headers, location: `${ctx.httpsOrigin}${target}` }, body: answer.body };
    }),
  },
  'tls11-allowed': {
    breaks: ['TLS-04'],
    summary: 'HTTPS accepts TLS 1.0 and 1.1 handshakes',
    probe: async (k) =>
      send(k.material, new URL('balance', k.mock.baseUrl), { tls: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } }).then(
        () => true,
        () => false,
      ),
    bend: bendPart('tls', () => ({ minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' })),
  },
  'key-in-certificate': {
    breaks: ['TLS-01'],
    summary:
      "HTTPS serves a certificate from the mock's CA whose subject CN is the active key and whose only name is <key>.example: the host-name check fails, and Node's error carries the certificate (and quotes the name when the host is a name)",
    // The chain and the name it holds verify (asked for by that name, `<key>.example`); by any other name Node's error quotes the key.
    probe: async (k) => {
      const byName = await handshakeOutcome(k, { servername: 'localhost' });
      const chain = await handshakeOutcome(k, { servername: `${k.active}.example` });
      return byName.error?.code === 'ERR_TLS_CERT_ALTNAME_INVALID' && byName.error.message.includes(k.active) && chain.subject === k.active;
    },
    activeBalance: 'unserved',
    bend: bendPart('tls', () => ({ served: certificateNamingTheKey })),
  },
  'no-hsts': {
    breaks: ['TLS-03'],
    summary: 'HTTPS answers carry no Strict-Transport-Security',
    probe: async (k) => (await k.balance(k.active)).headers['strict-transport-security'] === undefined,
    bend: (behaviour) => ({ ...behaviour, hsts: undefined }),
  },
  'short-hsts': {
    breaks: ['TLS-03'],
    summary: 'Strict-Transport-Security has max-age=3600',
    probe: async (k) => (await k.balance(k.active)).headers['strict-transport-security'] === 'max-age=3600',
    bend: (behaviour) => ({ ...behaviour, hsts: 'max-age=3600' }),
  },
} satisfies Record<string, Fault>;
