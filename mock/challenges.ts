/**
 * The challenge store. A challenge belongs to the account it was issued to, expires, and is
 * consumed by its first successful use. `redeem` checks, verifies and marks in one synchronous
 * call, so two requests racing with the same challenge cannot both pass: there is no await
 * between the check and the mark for another request to slip into. A failed attempt consumes
 * nothing (the contract leaves that open; keeping the challenge is the kinder choice).
 *
 * What may vary is a ChallengePolicy, part of the mock's behaviour record and chosen once when
 * the server starts, so this file holds no fault names.
 */
import crypto from 'node:crypto';
import type { AccountName } from './accounts';

export interface Challenge {
  readonly value: string;
  /** null only when the challenge endpoint is served without a key. */
  readonly account: AccountName | null;
  readonly issuedAt: number;
  /** The end of the enforced lifetime (Infinity when the policy never expires challenges). */
  readonly expiresAt: number;
  /** Paths it was successfully used on; any entry means used, unless consumption is per path. */
  readonly usedOn: Set<string>;
}

export interface ChallengePolicy {
  /** Enforced lifetime. Conformant, equal to the advertised TTL. */
  lifetimeMs: number;
  boundToAccount: boolean;
  consume: 'once' | 'per-path' | 'never';
  /** A challenge string the store never issued is treated as freshly issued to the presenter. */
  acceptUnissued: boolean;
  /** issue() hands back a live unused challenge of the account instead of a new one. */
  reissueUnused: boolean;
  /**
   * How many leading characters the lookup compares: conformantly all of them (Infinity). A finite
   * count finds an issued challenge by its first characters alone, as a prefix index or `strncmp`
   * would, and the presented text is what the signature must cover (the server verifies the header
   * it was sent).
   */
  matchedChars: number;
  /**
   * The store's clock counts whole seconds, as `time() > issued + ttl` would: a challenge is served
   * until the second after its lifetime ends, up to a second longer. Conformant either way; false.
   */
  wholeSeconds: boolean;
}

export function conformantPolicy(ttlMs: number): ChallengePolicy {
  return { lifetimeMs: ttlMs, boundToAccount: true, consume: 'once', acceptUnissued: false, reissueUnused: false, matchedChars: Infinity, wholeSeconds: false };
}

type Refusal = 'unknown' | 'other-account' | 'expired' | 'used' | 'bad-signature';

export type Check = { ok: true; challenge: Challenge } | { ok: false; refusal: Refusal };

/** Kept after expiry so that a late or repeated use is still told apart from an unknown one. */
const RETAIN_AFTER_EXPIRY_MS = 60_000;

export class ChallengeStore {
  private readonly byValue = new Map<string, Challenge>();
  private lastSweep = 0;

  constructor(private readonly policy: ChallengePolicy) {}

  issue(account: AccountName | null, now = Date.now()): Challenge {
    this.sweep(now);
    if (this.policy.reissueUnused) {
      const unused = this.liveFor(account, now).find((c) => c.usedOn.size === 0);
      if (unused) return unused;
    }
    const challenge: Challenge = {
      value: newChallengeValue(),
      account,
      issuedAt: now,
      expiresAt: this.expiryOf(now),
      usedOn: new Set(),
    };
    this.byValue.set(challenge.value, challenge);
    return challenge;
  }

  /** Whether `value` may be used by `account` on `path` right now. Marks nothing. */
  check(value: string, account: AccountName, path: string, now = Date.now()): Check {
    let challenge = this.lookup(value);
    if (!challenge) {
      if (!this.policy.acceptUnissued) return { ok: false, refusal: 'unknown' };
      challenge = { value, account, issuedAt: now, expiresAt: this.expiryOf(now), usedOn: new Set() };
    }
    if (this.policy.boundToAccount && challenge.account !== account) return { ok: false, refusal: 'other-account' };
    if (now >= challenge.expiresAt) return { ok: false, refusal: 'expired' };
    if (this.isUsed(challenge, path)) return { ok: false, refusal: 'used' };
    return { ok: true, challenge };
  }

  markUsed(challenge: Challenge, path: string): void {
    if (this.policy.consume === 'never') return;
    challenge.usedOn.add(path);
    this.byValue.set(challenge.value, challenge);
  }

  /** check, prove, mark: atomic because nothing here awaits. */
  redeem(value: string, account: AccountName, path: string, proves: (challenge: Challenge) => boolean, now = Date.now()): Check {
    const checked = this.check(value, account, path, now);
    if (!checked.ok) return checked;
    if (!proves(checked.challenge)) return { ok: false, refusal: 'bad-signature' };
    this.markUsed(checked.challenge, path);
    return checked;
  }

  /** Unexpired, not fully used challenges issued to `account`. */
  liveFor(account: AccountName | null, now = Date.now()): Challenge[] {
    const live: Challenge[] = [];
    for (const c of this.byValue.values()) {
      if (c.account === account && now < c.expiresAt && !(this.policy.consume === 'once' && c.usedOn.size > 0)) live.push(c);
    }
    return live;
  }

  /**
   * The issued challenge `value` names. Found by a prefix, it is returned as the presented text,
   * sharing the issued one's account, lifetime and uses, so using it uses the issued one.
   */
  private lookup(value: string): Challenge | undefined {
    const exact = this.byValue.get(value);
    const n = this.policy.matchedChars;
    if (exact || !Number.isFinite(n) || value.length < n) return exact;
    for (const c of this.byValue.values()) if (c.value.slice(0, n) === value.slice(0, n)) return { ...c, value };
    return undefined;
  }

  /** When a challenge issued at `now` stops being served. */
  private expiryOf(now: number): number {
    return this.policy.wholeSeconds ? (Math.floor(now / 1000) + 1) * 1000 + this.policy.lifetimeMs : now + this.policy.lifetimeMs;
  }

  private isUsed(challenge: Challenge, path: string): boolean {
    if (this.policy.consume === 'per-path') return challenge.usedOn.has(path);
    return challenge.usedOn.size > 0;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [value, c] of this.byValue) {
      if (now >= c.expiresAt + RETAIN_AFTER_EXPIRY_MS) this.byValue.delete(value);
    }
  }
}

/** 32 random bytes, base64url. Holds both letter cases, so a case-changed copy is a different string. */
function newChallengeValue(): string {
  for (;;) {
    const value = crypto.randomBytes(32).toString('base64url');
    if (/[a-z]/.test(value) && /[A-Z]/.test(value)) return value;
  }
}
