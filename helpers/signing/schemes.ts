/**
 * RSA signature schemes besides the docs' one, for the SIGN-07 family of signatures the docs do
 * not allow (helpers/cases/signatures.ts): RSASSA-PKCS1-v1_5 with another digest or over the
 * challenge hashed twice, RSASSA-PSS, and the bare digest padded without its DigestInfo (RFC 8017,
 * sections 8 and 9). Made with node:crypto, registered with the redactor before they are returned,
 * as the signer's own are. Each scheme also has its openssl pipeline, so a reproduction rebuilds
 * the signature over a fresh challenge instead of naming a secret.
 */
import crypto from 'node:crypto';
import { redactor } from '../safety/redact';
import { signChallenge, signedBytes } from './signer';

/** Digests node:crypto and openssl both sign with; each is openssl's option name without its dash. */
export type Digest = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sha512-256' | 'sha3-256';

export const DIGEST_NAMES: Readonly<Record<Digest, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  'sha512-256': 'SHA-512/256',
  'sha3-256': 'SHA3-256',
};

/**
 * How a signature is made. `pkcs1` signs the challenge's bytes, or (`over: 'sha256-digest'`) their
 * SHA-256 digest, which the signature's own digest then hashes again; `pss` uses a salt of
 * `saltLength` bytes, or the longest the key allows; `raw` is the bare digest in PKCS#1 type-1
 * padding, without the DigestInfo that names its hash.
 */
export type Scheme =
  | { padding: 'pkcs1'; digest: Digest; over: 'challenge' | 'sha256-digest' }
  | { padding: 'pss'; digest: Digest; saltLength: number | 'max' }
  | { padding: 'raw'; digest: Digest };

/** The docs' "RSA-SHA256" [decision]: RSASSA-PKCS1-v1_5, SHA-256, over the challenge's UTF-8 bytes. */
export const ALLOWED_SCHEME: Scheme = { padding: 'pkcs1', digest: 'sha256', over: 'challenge' };

export function isAllowed(scheme: Scheme): boolean {
  return scheme.padding === 'pkcs1' && scheme.digest === 'sha256' && scheme.over === 'challenge';
}

/** Base64 signature over the UTF-8 bytes of `challenge` in `scheme`; the allowed scheme goes through the suite's own signer. */
export function signWithScheme(scheme: Scheme, challenge: string, privateKeyPem: string): string {
  if (isAllowed(scheme)) return signChallenge(challenge, privateKeyPem);
  const bytes = signedBytes(challenge);
  const signature = (() => {
    switch (scheme.padding) {
      case 'pkcs1':
        return crypto.sign(scheme.digest, scheme.over === 'challenge' ? bytes : crypto.createHash('sha256').update(bytes).digest(), privateKeyPem);
      case 'pss':
        return crypto.sign(scheme.digest, bytes, {
          key: privateKeyPem,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: scheme.saltLength === 'max' ? crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN : scheme.saltLength,
        });
      case 'raw':
        return crypto.privateEncrypt(
          { key: privateKeyPem, padding: crypto.constants.RSA_PKCS1_PADDING },
          crypto.createHash(scheme.digest).update(bytes).digest(),
        );
    }
  })().toString('base64');
  redactor.add(signature);
  return signature;
}

/**
 * A shell word that makes the same kind of signature with openssl: over the text `input` (a shell
 * word, such as `"$FRESH_CHALLENGE"`) with the PEM file named by `keyFileVariable`. PSS and a fresh
 * key make other bytes each time; the kind is what a reproduction needs.
 */
export function signatureShell(scheme: Scheme, input: string, keyFileVariable: string): string {
  const key = `"$${keyFileVariable}"`;
  const steps = [`printf '%s' ${input}`];
  switch (scheme.padding) {
    case 'pkcs1':
      if (scheme.over === 'sha256-digest') steps.push('openssl dgst -sha256 -binary');
      steps.push(`openssl dgst -${scheme.digest} -sign ${key}`);
      break;
    case 'pss':
      steps.push(`openssl dgst -${scheme.digest} -sign ${key} -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:${scheme.saltLength}`);
      break;
    case 'raw':
      steps.push(`openssl dgst -${scheme.digest} -binary`, `openssl pkeyutl -sign -inkey ${key} -pkeyopt rsa_padding_mode:pkcs1`);
      break;
  }
  return `"$(${[...steps, 'openssl base64 -A'].join(' | ')})"`;
}
