/**
 * The request signer (SIGN-13): RSASSA-PKCS1-v1_5 with SHA-256 over the UTF-8 bytes of the
 * challenge exactly as issued, standard Base64 with padding; what `openssl dgst -sha256 -sign`
 * and JWS RS256 produce. Built on node-rsa 2, whose default scheme is the randomised RSASSA-PSS
 * (docs/pitfalls.md), so the scheme is always named. Every signature it makes is registered with the
 * redactor before it is returned, so no report or error can show one.
 */
import crypto from 'node:crypto';
import NodeRSA from 'node-rsa';
import { redactor } from '../safety/redact';

/** The contract's "RSA-SHA256". Never leave it to node-rsa's default (PSS since 2.0). */
const SIGNING_SCHEME = 'pkcs1-sha256';

/**
 * One parsed key per PEM: parsing costs far more than signing, and the concurrency and expiry
 * checks must sign without delay.
 */
const keys = new Map<string, NodeRSA>();

/** The node-rsa key for a PEM, parsed once. Any PEM node:crypto reads (PKCS#1, PKCS#8) is accepted. */
export function rsaKeyFor(privateKeyPem: string): NodeRSA {
  let key = keys.get(privateKeyPem);
  if (!key) {
    // node:crypto normalises every private-key PEM to PKCS#1, the one form node-rsa needs no hint for.
    // The settings already refused encrypted and non-RSA keys with a message naming the variable.
    const pkcs1 = crypto.createPrivateKey(privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    redactor.add(pkcs1);
    key = new NodeRSA(pkcs1, 'pkcs1-private-pem', { signingScheme: SIGNING_SCHEME });
    keys.set(privateKeyPem, key);
  }
  return key;
}

/** The bytes a challenge is signed as: its UTF-8 encoding, exactly as issued (no trimming, no normalising). */
export function signedBytes(challenge: string): Buffer {
  return Buffer.from(challenge, 'utf8');
}

/** Base64 RSASSA-PKCS1-v1_5 SHA-256 signature over the UTF-8 bytes of `challenge`. */
export function signChallenge(challenge: string, privateKeyPem: string): string {
  const signature = rsaKeyFor(privateKeyPem).sign(signedBytes(challenge), 'base64');
  redactor.add(signature);
  return signature;
}
