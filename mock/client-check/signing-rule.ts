/**
 * CLIENT-07: a signing account's requests. The checker keeps its own book of the challenges the API
 * issued (from the challenge endpoint's answers: to whom, until when, used by which request), and
 * when the API refuses a signed request it names the step the client got wrong, in the order the
 * API checks them: attaching the headers, obtaining the challenge (issued, to this account), using
 * it in time, using it once, signing it. Bounded: the book forgets its oldest challenges.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { Account, AccountName } from '../accounts';
import { MISSING_SIGNING_HEADERS, SIGNATURE_FAILED } from '../signing';
import { diagnose } from './signature-diagnosis';
import { counted, each, named, type Rule } from './rules';
import { BoundedMap } from './tally';

interface Issued {
  account: AccountName;
  expiresAt: number;
  /** The request that used it first, successfully. */
  usedBy?: number;
}

/** Other recent challenges of the account tried against a failed signature: the few last issued. */
const OTHERS_TRIED = 20;

export function signsEachRequest(accounts: readonly Account[]): Rule {
  const publicKeys = new Map<AccountName, KeyObject>();
  for (const a of accounts) if (a.signing && a.active) publicKeys.set(a.name, crypto.createPublicKey(a.signing.publicKeyPem));
  const book = new BoundedMap<string, Issued>();

  const recentOf = (account: AccountName): string[] => {
    const mine: string[] = [];
    for (const [value, issued] of book) if (issued.account === account) mine.push(value);
    return mine.slice(-OTHERS_TRIED);
  };

  /** The step the client got wrong, and how. */
  const stepWrong = (account: AccountName, challenge: string | undefined, signature: string | undefined, at: number): string => {
    if (challenge === undefined || signature === undefined) {
      const missing = [challenge === undefined ? 'X-API-Challenge' : '', signature === undefined ? 'X-API-Signature' : ''].filter(Boolean).join(' and ');
      return `step "attach the signing headers": sent no ${missing}`;
    }
    const issued = book.get(challenge);
    if (!issued) return 'step "obtain a challenge": the API never issued this challenge (or issued it too long ago for the checker to remember)';
    if (issued.account !== account) return `step "obtain a challenge": it was issued to account ${issued.account}, not to ${account}`;
    // The API checked between the arrival and the answer: the answer's time is the latest it can have been.
    if (at >= issued.expiresAt) return `step "use it before it expires": used ${at - issued.expiresAt} ms after it expired`;
    if (issued.usedBy !== undefined) return `step "use each challenge once": already used by #${issued.usedBy}`;
    return `step "sign the challenge": ${diagnose({ sent: signature, challenge, key: publicKeys.get(account)!, others: recentOf(account) })}`;
  };

  return {
    id: 'CLIENT-07',
    observe: (a, answer, t) => {
      if (a.route === 'challenge' && answer.issued && a.keyAccount && publicKeys.has(a.keyAccount)) {
        book.set(answer.issued.challenge, { account: a.keyAccount, expiresAt: answer.issued.expiresAt });
        t.count('challenges obtained');
        return;
      }
      // Only the API checks signatures, on every path under /v1/ but the challenge endpoint and the API info; a 429 came before the check.
      if (a.port !== 'api' || a.route !== 'api' || !a.keyAccount || !publicKeys.has(a.keyAccount) || answer.status === 429) return;
      const refused = answer.status === 401 && (answer.message === SIGNATURE_FAILED || answer.message === MISSING_SIGNING_HEADERS);
      if (!refused) {
        const issued = a.challenge === undefined ? undefined : book.get(a.challenge);
        if (issued && issued.usedBy === undefined) issued.usedBy = a.seq;
        return t.held();
      }
      t.broke(`${named(a)}: ${stepWrong(a.keyAccount, a.challenge, a.signature, answer.at)}`);
    },
    unseen: () => ({ status: 'skipped', reason: 'no request needed a signature (the client used no signing account)' }),
    held: (t) => `${counted(t.observed, 'signed request')}, ${each(t.observed)}with a fresh challenge used in time and a signature that verifies`,
  };
}
