/**
 * The signing family of signatures the docs do not allow (issue 18): over an issued challenge, a
 * signature in another scheme than the docs' "RSA-SHA256" (RSASSA-PKCS1-v1_5 with SHA-256 over the
 * challenge's UTF-8 bytes, a [decision] in cardpluspay-api.md), or made with another key. None may
 * succeed.
 *
 * Which requirement: a signature in another scheme by the account's own key is one that does not
 * verify under the one the docs allow, to the server exactly what a damaged one is: SIGN-07 ("a
 * damaged signature: 401, never 5xx"; a verifier handed PSS or a foreign DigestInfo must not crash
 * either). A signature by a key that is not the account's is SIGN-05's ("a different private key"),
 * whose two members (a fresh key, the second signing account's) are this family's too. No new id:
 * the catalogue already names both.
 *
 * The grammar (helpers/signing/schemes.ts): PKCS#1 v1.5 with each other digest; PKCS#1 v1.5 over the
 * challenge's SHA-256 digest (hashed twice); PSS with a digest and a salt length; the bare digest
 * without its DigestInfo. The core holds one of each kind the docs' decision rules out (another
 * digest, another padding, another message) and the two other keys; drawn members range over the rest.
 */
import fc from 'fast-check';
import { ALLOWED_SCHEME, DIGEST_NAMES, isAllowed, type Digest, type Scheme } from '../signing/schemes';
import type { Family, Member } from './family';

export interface SignatureMember extends Member {
  /** SIGN-07 for another scheme, SIGN-05 for another key. */
  requirement: 'SIGN-05' | 'SIGN-07';
  /** Whose private key signs: the signing account's own, one generated for the test, or the second signing account's. */
  key: 'account' | 'fresh' | 'second-account';
  scheme: Scheme;
}

const RFC_8017 = 'RFC 8017';

/** Why a verifier might accept a signature in this scheme, with the source. */
function whyOf(scheme: Scheme): string {
  switch (scheme.padding) {
    case 'pkcs1':
      return scheme.over === 'sha256-digest'
        ? `a signer that hashes the challenge and hands the digest to a sign call that hashes again makes this; a verifier that accepts it as well as the challenge itself accepts two messages for one (the docs sign the challenge's bytes as issued; ${RFC_8017} section 8.2)`
        : `${RFC_8017} section 9.2 lets the DigestInfo name any of several hashes, and a verifier that takes the hash from the signature (python-rsa's rsa.verify returns whichever it found) accepts ${DIGEST_NAMES[scheme.digest]}; the docs name SHA-256 only${scheme.digest === 'sha1' || scheme.digest === 'md5' ? `, and ${DIGEST_NAMES[scheme.digest]} collisions are practical (RFC 6151, SHAttered)` : ''}`;
    case 'pss':
      return `RSASSA-PSS is ${RFC_8017}'s other RSA signature scheme (section 8.1); a verifier that tries both paddings, or node-rsa 2 left to its default scheme (docs/pitfalls.md), accepts it; the docs' "RSA-SHA256" is PKCS#1 v1.5 (the decision in cardpluspay-api.md)`;
    case 'raw':
      return `${RFC_8017} section 9.2 wraps the digest in a DigestInfo naming its hash; a verifier that decrypts the signature (RSA_public_decrypt) and compares only the digest accepts it without one`;
  }
}

function titleOf(scheme: Scheme): string {
  const digest = DIGEST_NAMES[scheme.digest];
  switch (scheme.padding) {
    case 'pkcs1':
      return scheme.over === 'sha256-digest'
        ? `made with RSASSA-PKCS1-v1_5 and ${digest} over the challenge's SHA-256 digest (hashed twice)`
        : `made with RSASSA-PKCS1-v1_5 and ${digest}`;
    case 'pss':
      return `made with RSASSA-PSS, ${digest} and ${scheme.saltLength === 'max' ? 'the longest salt the key allows' : `a ${scheme.saltLength}-byte salt`}`;
    case 'raw':
      return `that is the bare ${digest} digest in PKCS#1 padding, without its DigestInfo`;
  }
}

function idOf(scheme: Scheme): string {
  switch (scheme.padding) {
    case 'pkcs1':
      return `pkcs1-${scheme.digest}${scheme.over === 'sha256-digest' ? '-over-sha256' : ''}`;
    case 'pss':
      return `pss-${scheme.digest}-salt-${scheme.saltLength}`;
    case 'raw':
      return `raw-${scheme.digest}`;
  }
}

/** A signature by the account's own key in a scheme the docs do not allow (SIGN-07). */
function otherScheme(scheme: Scheme): SignatureMember {
  return { id: idOf(scheme), title: titleOf(scheme), why: whyOf(scheme), requirement: 'SIGN-07', key: 'account', scheme };
}

/** SIGN-05: the allowed scheme over the right challenge, with a key that is not the account's. */
const OTHER_KEYS: readonly SignatureMember[] = [
  {
    id: 'fresh-key',
    title: 'made with a freshly generated RSA key',
    why: 'a server that checks the signature is well formed, or verifies it with the key the request could have supplied, accepts any key',
    requirement: 'SIGN-05',
    key: 'fresh',
    scheme: ALLOWED_SCHEME,
  },
  {
    // A key the server knows, of another account: a server that tries every registered key passes it.
    id: 'second-account-key',
    title: "made with the second signing account's key",
    why: "a server that tries every registered public key, or looks the key up by the challenge instead of the API key, accepts another account's signature",
    requirement: 'SIGN-05',
    key: 'second-account',
    scheme: ALLOWED_SCHEME,
  },
];

const DIGESTS: readonly Digest[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha512-256', 'sha3-256'];

/** Every scheme of the grammar but the allowed one. */
const anyScheme: fc.Arbitrary<Scheme> = fc
  .oneof(
    fc.record({
      padding: fc.constant('pkcs1' as const),
      digest: fc.constantFrom(...DIGESTS),
      over: fc.constantFrom('challenge' as const, 'sha256-digest' as const),
    }),
    fc.record({
      padding: fc.constant('pss' as const),
      digest: fc.constantFrom<Digest>('sha1', 'sha256', 'sha384', 'sha512'),
      saltLength: fc.constantFrom<number | 'max'>(0, 20, 32, 64, 'max'),
    }),
    fc.record({ padding: fc.constant('raw' as const), digest: fc.constantFrom<Digest>('md5', 'sha1', 'sha256', 'sha384', 'sha512') }),
  )
  .filter((s) => !isAllowed(s));

export const DISALLOWED_SIGNATURES: Family<SignatureMember> = {
  id: 'sign-disallowed-signatures',
  core: [
    otherScheme({ padding: 'pkcs1', digest: 'sha1', over: 'challenge' }),
    // Salt as long as the digest: what RFC 8017 section 9.1 recommends, and what most PSS signers use.
    otherScheme({ padding: 'pss', digest: 'sha256', saltLength: 32 }),
    otherScheme({ padding: 'pkcs1', digest: 'sha256', over: 'sha256-digest' }),
    ...OTHER_KEYS,
  ],
  arbitrary: anyScheme.map(otherScheme),
  sampled: 1,
  // A fresh challenge each: whether a refused attempt uses the challenge up is left open (docs).
  requestsPerMember: 2,
};
