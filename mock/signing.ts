/**
 * Request signing for accounts that have it: X-API-Challenge must name a challenge issued to this
 * account, unexpired and unused, and X-API-Signature must be strict standard Base64 of an
 * RSASSA-PKCS1-v1_5 SHA-256 signature over the challenge's UTF-8 bytes exactly as issued.
 *
 * The check runs in named stages (SigningStages) and the store follows a ChallengePolicy, both
 * chosen once when the server starts.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { Account, AccountName } from './accounts';
import { ChallengeStore, conformantPolicy, type Challenge, type ChallengePolicy, type Check } from './challenges';
import { fail, type Reply } from './envelope';
import type { ApiRequest } from './request';

export const MISSING_SIGNING_HEADERS = 'Missing X-API-Challenge or X-API-Signature header';
export const SIGNATURE_FAILED = 'Signature verification failed';

export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What the check does with the two headers before any challenge is looked up. */
type Presence = 'refuse' | 'pass' | 'check';

export interface SigningStages {
  /** 'refuse' answers the missing-headers 401, 'pass' lets the request through unchecked. */
  presence(challenge: string | undefined, signature: string | undefined): Presence;
  /** The signature header as bytes; undefined when it is not strict Base64. */
  decode(signature: string): Buffer | undefined;
  /** The texts a signature may cover, given the challenge it names and the account's live ones. */
  signedTexts(issued: Challenge, live: () => readonly Challenge[]): string[];
  /** One cryptographic check of `sig` over `data`. */
  verifies(data: Buffer, key: KeyObject, sig: Buffer): boolean;
  /** Whether the request proves the challenge; `verify` runs the signature check itself. */
  proves(signature: string | undefined, verify: () => boolean): boolean;
  /** Check, prove and mark the challenge used. */
  redeem(store: ChallengeStore, value: string, account: AccountName, path: string, proves: (challenge: Challenge) => boolean): Check | Promise<Check>;
}

export const CONFORMANT_SIGNING: SigningStages = {
  presence: (challenge, signature) => (challenge === undefined || signature === undefined ? 'refuse' : 'check'),
  // Strict Base64 or nothing: a lenient decoder would turn garbage into some bytes and try them.
  decode: (signature) => (signature !== '' && STRICT_BASE64.test(signature) ? Buffer.from(signature, 'base64') : undefined),
  signedTexts: (issued) => [issued.value],
  verifies: (data, key, sig) => crypto.verify('sha256', data, key, sig),
  proves: (_signature, verify) => verify(),
  redeem: (store, value, account, path, proves) => store.redeem(value, account, path, proves),
};

export class RequestSigning {
  readonly store: ChallengeStore;
  private readonly publicKeys = new Map<AccountName, KeyObject>();
  private readonly stages: SigningStages;

  constructor(accounts: readonly Account[], ttlMs: number, bent: { challenges?: ChallengePolicy; signing?: SigningStages } = {}) {
    this.store = new ChallengeStore(bent.challenges ?? conformantPolicy(ttlMs));
    this.stages = bent.signing ?? CONFORMANT_SIGNING;
    // Parsed once: verifying against a PEM string would parse the key on every request.
    for (const account of accounts) {
      if (account.signing) this.publicKeys.set(account.name, crypto.createPublicKey(account.signing.publicKeyPem));
    }
  }

  /** undefined when the request may go on; otherwise the 401 to answer. A promise only when the redeem stage awaits. */
  verify(account: Account, req: ApiRequest): Reply | undefined | Promise<Reply | undefined> {
    const stages = this.stages;
    const challenge = header(req, 'x-api-challenge');
    const signature = header(req, 'x-api-signature');

    const presence = stages.presence(challenge, signature);
    if (presence === 'pass') return undefined;
    if (presence === 'refuse' || challenge === undefined) return fail(401, MISSING_SIGNING_HEADERS);

    const sig = signature === undefined ? undefined : stages.decode(signature);
    const proves = (issued: Challenge): boolean =>
      stages.proves(
        signature,
        () => sig !== undefined && stages.signedTexts(issued, () => this.store.liveFor(account.name)).some((text) => this.verifies(account.name, text, sig)),
      );

    const redeemed = stages.redeem(this.store, challenge, account.name, req.path, proves);
    if (redeemed instanceof Promise) return redeemed.then((checked) => (checked.ok ? undefined : fail(401, SIGNATURE_FAILED)));
    return redeemed.ok ? undefined : fail(401, SIGNATURE_FAILED);
  }

  private verifies(account: AccountName, text: string, sig: Buffer): boolean {
    const key = this.publicKeys.get(account);
    if (!key) return false;
    try {
      return this.stages.verifies(Buffer.from(text, 'utf8'), key, sig);
    } catch {
      return false;
    }
  }
}

function header(req: ApiRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
