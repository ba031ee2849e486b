/**
 * Why a signature did not verify, where the checker can tell: the mistakes integrators make, each a
 * named case (cases are data), tried in order against the account's public key. A signature none
 * of them explains was made with another key or over other bytes.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { STRICT_BASE64 } from '../signing';

export interface Signed {
  /** The X-API-Signature value as sent. */
  sent: string;
  /** The challenge the request named. */
  challenge: string;
  key: KeyObject;
  /** Other challenges issued to the account lately. */
  others: readonly string[];
}

interface Diagnosis {
  id: string;
  why: string;
  holds(s: Signed): boolean;
}

const PKCS1 = (key: KeyObject): KeyObject => key;
const PSS = (key: KeyObject): crypto.VerifyKeyObjectInput => ({
  key,
  padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
  saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO,
});

function verifies(text: string, key: KeyObject | crypto.VerifyKeyObjectInput, signature: Buffer | undefined): boolean {
  if (!signature || signature.length === 0) return false;
  try {
    return crypto.verify('sha256', Buffer.from(text, 'utf8'), key, signature);
  } catch {
    return false;
  }
}

const base64 = (s: string): Buffer | undefined => (STRICT_BASE64.test(s) ? Buffer.from(s, 'base64') : undefined);

const DIAGNOSES: readonly Diagnosis[] = [
  {
    id: 'pss',
    why: "signed with RSASSA-PSS, not PKCS#1 v1.5 (node-rsa 2's default unless signingScheme is 'pkcs1-sha256')",
    holds: (s) => verifies(s.challenge, PSS(s.key), base64(s.sent)),
  },
  {
    id: 'base64url',
    why: 'encoded the signature as base64url, not standard Base64 with padding',
    holds: (s) => !STRICT_BASE64.test(s.sent) && /^[A-Za-z0-9_-]+=*$/.test(s.sent) && verifies(s.challenge, PKCS1(s.key), Buffer.from(s.sent, 'base64url')),
  },
  {
    id: 'hex',
    why: 'encoded the signature as hex, not Base64',
    holds: (s) => /^(?:[0-9a-fA-F]{2})+$/.test(s.sent) && verifies(s.challenge, PKCS1(s.key), Buffer.from(s.sent, 'hex')),
  },
  {
    id: 'trailing-newline',
    why: 'signed the challenge followed by a newline (echo without -n), not its exact bytes',
    holds: (s) => verifies(`${s.challenge}\n`, PKCS1(s.key), base64(s.sent)),
  },
  {
    id: 'other-challenge',
    why: 'signed another challenge than the one it sent',
    holds: (s) => s.others.some((other) => other !== s.challenge && verifies(other, PKCS1(s.key), base64(s.sent))),
  },
];

/** Why the signature failed, in words. */
export function diagnose(s: Signed): string {
  if (s.sent === '') return 'sent an empty X-API-Signature';
  const found = DIAGNOSES.find((d) => d.holds(s));
  if (found) return found.why;
  return verifies(s.challenge, PKCS1(s.key), base64(s.sent))
    ? 'the signature verifies: the API refused it for another reason'
    : "the signature does not verify with the account's public key (signed with another key, or over other bytes than the challenge)";
}
