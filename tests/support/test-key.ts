/**
 * An RSA-2048 key pair for unit tests that need an RSA key but no secret one: RFC 9421's published
 * test key (tests/vectors/). Read, not generated: a spec that generated its own at load paid about
 * a fifth of a CPU-second in every process that loads it, and Playwright's runner loads every spec
 * to list it, the catalogue lint lists them all again, and each worker loads what it runs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VECTOR = path.resolve(__dirname, '..', 'vectors', 'rfc9421-test-key-rsa.json');
const { privateKeyPkcs1Pem } = JSON.parse(fs.readFileSync(VECTOR, 'utf8')) as { privateKeyPkcs1Pem: string };

export const testPrivateKey = crypto.createPrivateKey(privateKeyPkcs1Pem);
export const testPublicKey = crypto.createPublicKey(testPrivateKey);
/** The private key as PKCS#8 PEM, the form the suite's settings and the mock take. */
export const TEST_PRIVATE_PEM = testPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The public key as SPKI PEM. */
export const TEST_PUBLIC_PEM = testPublicKey.export({ type: 'spki', format: 'pem' }).toString();
