/**
 * Per-run secrets of the mock: the test accounts' keys, the signing accounts' RSA key pairs and the
 * TLS certificate. Made once per run and shared by every mock instance (one per fault), because
 * minting two 2048-bit RSA keys (0.2-0.5 CPU-s each here) costs far more than starting a server.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { generate as generateCertificate } from 'selfsigned';

/** `second` is a second account without signing, for the cross-account checks (AUTH-15). */
export type AccountName = 'active' | 'second' | 'inactive' | 'signing' | 'signing2';

export interface Account {
  name: AccountName;
  key: string;
  active: boolean;
  signing?: { publicKeyPem: string; privateKeyPem: string };
}

export interface MockMaterial {
  accounts: Record<AccountName, Account>;
  tls: { certPem: string; keyPem: string };
}

/** What an issued key looks like; a presented value that does not match is "malformed", not "unknown". */
export const KEY_PATTERN = /^cpp_test_[A-Za-z0-9]{32}$/;

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh key in the issued format; also what tests use as a well-formed key nobody was issued. */
export function randomKey(): string {
  let body = '';
  for (let i = 0; i < 32; i += 1) body += KEY_ALPHABET[crypto.randomInt(KEY_ALPHABET.length)];
  return `cpp_test_${body}`;
}

const generateKeyPair = promisify(crypto.generateKeyPair);

async function rsaKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * The certificate's key: ECDSA P-256. The contract asks for TLS, not for a kind of key, and a P-256
 * key is made in a tenth of a millisecond where an RSA one takes 0.2-0.5 CPU-s, in every mock a
 * self-test starts. Certificates signed with it (a fault's) say so too.
 */
export const CERTIFICATE_KEY = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

/** The TLS certificate alone, for a server that needs no accounts (the unit tests' local HTTPS servers). */
export async function tlsMaterial(): Promise<MockMaterial['tls']> {
  const now = Date.now();
  const pems = await generateCertificate([{ name: 'commonName', value: 'CardPlusPay mock' }], {
    ...CERTIFICATE_KEY,
    // Backdated a little so a client whose clock runs slightly behind still accepts the certificate.
    notBeforeDate: new Date(now - 60 * 60 * 1000),
    notAfterDate: new Date(now + 2 * 24 * 60 * 60 * 1000),
    extensions: [
      // CA-capable so the suite can trust it as its CA file: the leaf is its own trust anchor.
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

export async function createMockMaterial(): Promise<MockMaterial> {
  const [signing, signing2, tls] = await Promise.all([rsaKeyPair(), rsaKeyPair(), tlsMaterial()]);
  return {
    accounts: {
      active: { name: 'active', key: randomKey(), active: true },
      second: { name: 'second', key: randomKey(), active: true },
      inactive: { name: 'inactive', key: randomKey(), active: false },
      signing: { name: 'signing', key: randomKey(), active: true, signing },
      signing2: { name: 'signing2', key: randomKey(), active: true, signing: signing2 },
    },
    tls,
  };
}
