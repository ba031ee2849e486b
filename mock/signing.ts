/**
 * Request signing for accounts that have it: X-API-Challenge must name a challenge issued to this
 * account, unexpired and unused, and X-API-Signature must be strict standard Base64 of an
 * RSASSA-PKCS1-v1_5 SHA-256 signature over the challenge's UTF-8 bytes exactly as issued.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Account, AccountName } from './accounts';
import { ChallengeStore, conformantPolicy, type Challenge, type ChallengePolicy } from './challenges';
import { fail, type Reply } from './envelope';
import type { FaultName } from './faults';
import type { ApiRequest } from './request';

export const MISSING_SIGNING_HEADERS = 'Missing X-API-Challenge or X-API-Signature header';
export const SIGNATURE_FAILED = 'Signature verification failed';

/** Long enough that N requests fired together all pass the check before the first one marks. */
const RACE_WINDOW_MS = 50;

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function challengePolicy(ttlMs: number, fault?: FaultName): ChallengePolicy {
  const policy = conformantPolicy(ttlMs);
  switch (fault) {
    case 'sign-no-expiry':
      return { ...policy, lifetimeMs: Infinity };
    case 'sign-early-expiry':
      return { ...policy, lifetimeMs: ttlMs / 10 };
    case 'sign-not-bound-to-account':
      return { ...policy, boundToAccount: false };
    case 'sign-never-consumed':
      return { ...policy, consume: 'never' };
    case 'sign-consumed-per-endpoint':
      return { ...policy, consume: 'per-path' };
    case 'sign-unissued-accepted':
      return { ...policy, acceptUnissued: true };
    case 'sign-challenge-repeats':
      return { ...policy, reissueUnused: true };
    default:
      return policy;
  }
}

export class RequestSigning {
  readonly store: ChallengeStore;
  private readonly publicKeys = new Map<AccountName, KeyObject>();

  constructor(accounts: readonly Account[], ttlMs: number, private readonly fault?: FaultName) {
    this.store = new ChallengeStore(challengePolicy(ttlMs, fault));
    // Parsed once: verifying against a PEM string would parse the key on every request.
    for (const account of accounts) {
      if (account.signing) this.publicKeys.set(account.name, crypto.createPublicKey(account.signing.publicKeyPem));
    }
  }

  /**
   * undefined when the request may go on; otherwise the 401 to answer. A promise only under
   * sign-racy-consume, whose whole point is an await between check and mark.
   */
  verify(account: Account, req: ApiRequest): Reply | undefined | Promise<Reply | undefined> {
    const fault = this.fault;
    const challenge = header(req, 'x-api-challenge');
    const signature = header(req, 'x-api-signature');

    if (fault === 'sign-missing-headers-accepted' && challenge === undefined && signature === undefined) return undefined;
    if (challenge === undefined || (signature === undefined && fault !== 'sign-missing-signature-accepted')) {
      return fail(401, MISSING_SIGNING_HEADERS);
    }
    if (fault === 'sign-presence-only') return undefined;

    const sig = signature === undefined ? undefined : this.decode(signature);
    const proves = (issued: Challenge): boolean => {
      if (signature === undefined || fault === 'sign-not-verified') return true;
      return sig !== undefined && this.signedTexts(issued, account.name).some((text) => this.verifies(account.name, text, sig));
    };

    if (fault === 'sign-racy-consume') return this.racyRedeem(challenge, account.name, req.path, proves);
    return this.store.redeem(challenge, account.name, req.path, proves).ok ? undefined : fail(401, SIGNATURE_FAILED);
  }

  private async racyRedeem(challenge: string, account: AccountName, path: string, proves: (c: Challenge) => boolean): Promise<Reply | undefined> {
    const checked = this.store.check(challenge, account, path);
    if (!checked.ok || !proves(checked.challenge)) return fail(401, SIGNATURE_FAILED);
    await delay(RACE_WINDOW_MS);
    this.store.markUsed(checked.challenge, path);
    return undefined;
  }

  /** Strict Base64 or nothing: a lenient decoder would turn garbage into some bytes and try them. */
  private decode(signature: string): Buffer | undefined {
    if (signature === '') {
      if (this.fault === 'sign-empty-signature-crashes') throw new Error('fault sign-empty-signature-crashes');
      return undefined;
    }
    if (!STRICT_BASE64.test(signature)) {
      if (this.fault === 'sign-bad-base64-crashes') throw new Error('fault sign-bad-base64-crashes');
      return undefined;
    }
    return Buffer.from(signature, 'base64');
  }

  /** The texts a signature may cover: the challenge as issued, unless a fault widens the set. */
  private signedTexts(issued: Challenge, account: AccountName): string[] {
    const value = issued.value;
    if (this.fault === 'sign-normalised-challenge') return [value, `${value}\n`, value.trim(), value.toUpperCase(), value.toLowerCase()];
    if (this.fault === 'sign-any-issued-challenge') return [value, ...this.store.liveFor(account).map((c) => c.value)];
    return [value];
  }

  private verifies(account: AccountName, text: string, sig: Buffer): boolean {
    const key = this.publicKeys.get(account);
    if (!key) return false;
    const data = Buffer.from(text, 'utf8');
    try {
      if (this.fault === 'sign-pss-only') {
        return crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO }, sig);
      }
      return crypto.verify('sha256', data, key, sig);
    } catch {
      return false;
    }
  }
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
