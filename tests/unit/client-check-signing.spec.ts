/**
 * CLIENT-07 (issue 21): when the API refuses a signing account's request, the checker names the
 * step the client got wrong, each case a hand-made exchange over a real RSA key pair.
 */
import crypto from 'node:crypto';
import { expect, test } from '../support/unit-test';
import type { Answer } from '../../mock/client-check/answer';
import type { Arrival } from '../../mock/client-check/arrival';
import { MISSING_SIGNING_HEADERS, SIGNATURE_FAILED } from '../../mock/signing';
import { arrival, ok, pipeline, privateKey } from './client-check-kit';

/** When the challenges c1 and c2 were issued. */
const issuedAt = 10_000;
const signed = (challenge: string, how: 'pkcs1' | 'pss' | 'base64url' | 'hex' | 'newline' = 'pkcs1'): string => {
  const text = how === 'newline' ? `${challenge}\n` : challenge;
  const sig =
    how === 'pss'
      ? crypto.sign('sha256', Buffer.from(text), { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
      : crypto.sign('sha256', Buffer.from(text), privateKey);
  return how === 'base64url' ? sig.toString('base64url') : how === 'hex' ? sig.toString('hex') : sig.toString('base64');
};

/** A pipeline that has seen challenges c1 and c2 issued to the signing account, alive until issuedAt + 2 s. */
function issued(): ReturnType<typeof pipeline> {
  const p = pipeline();
  for (const c of ['c1-challenge', 'c2-challenge']) {
    p.feed(
      arrival({ method: 'POST', path: '/v1/auth/challenge', route: 'challenge', keyAccount: 'signing', keyed: 'signing' }),
      ok({ issued: { challenge: c, expiresAt: issuedAt + 2000 } }),
    );
  }
  return p;
}
const request = (over: Partial<Arrival>): Arrival => arrival({ seq: 5, keyAccount: 'signing', keyed: 'signing', ...over });
const refused = (message = SIGNATURE_FAILED, at = issuedAt + 100): Answer => ({ status: 401, at, message });

/** Each mistake, the request that makes it, and what the evidence must say. */
const CASES: ReadonlyArray<{ name: string; over: Partial<Arrival>; answer?: Answer; says: string }> = [
  {
    name: 'no headers',
    over: {},
    answer: refused(MISSING_SIGNING_HEADERS),
    says: 'step "attach the signing headers": sent no X-API-Challenge and X-API-Signature',
  },
  {
    name: 'a challenge never issued',
    over: { challenge: 'made-up', signature: signed('made-up') },
    says: 'step "obtain a challenge": the API never issued this challenge (or issued it too long ago for the checker to remember)',
  },
  {
    name: 'expired',
    over: { challenge: 'c1-challenge', signature: signed('c1-challenge') },
    answer: refused(SIGNATURE_FAILED, issuedAt + 2300),
    says: 'step "use it before it expires": used 300 ms after it expired',
  },
  { name: 'PSS', over: { challenge: 'c1-challenge', signature: signed('c1-challenge', 'pss') }, says: 'step "sign the challenge": signed with RSASSA-PSS' },
  { name: 'base64url', over: { challenge: 'c1-challenge', signature: signed('c1-challenge', 'base64url') }, says: 'encoded the signature as base64url' },
  { name: 'hex', over: { challenge: 'c1-challenge', signature: signed('c1-challenge', 'hex') }, says: 'encoded the signature as hex' },
  {
    name: 'a trailing newline',
    over: { challenge: 'c1-challenge', signature: signed('c1-challenge', 'newline') },
    says: 'signed the challenge followed by a newline',
  },
  {
    name: 'another challenge',
    over: { challenge: 'c1-challenge', signature: signed('c2-challenge') },
    says: 'signed another challenge than the one it sent',
  },
  {
    name: 'another key',
    over: { challenge: 'c1-challenge', signature: Buffer.alloc(256, 7).toString('base64') },
    says: "does not verify with the account's public key",
  },
];

test.describe('CLIENT-07 names the step a signing client got wrong', () => {
  for (const c of CASES) {
    test(`${c.name}`, () => {
      const p = issued();
      p.feed(request(c.over), c.answer ?? refused());
      const v = p.verdict().requirements['CLIENT-07'];
      expect(v.evidence).toHaveLength(1);
      expect(v.evidence[0]).toContain(c.says);
    });
  }

  test('a challenge reused after a successful use, and one issued to another account', () => {
    const p = issued();
    p.feed(request({ seq: 6, challenge: 'c1-challenge', signature: signed('c1-challenge') }), ok({ at: issuedAt + 50 }));
    p.feed(request({ seq: 7, challenge: 'c1-challenge', signature: signed('c1-challenge') }), refused());
    p.feed(request({ seq: 8, keyAccount: 'active', challenge: 'c2-challenge', signature: signed('c2-challenge') }), ok());
    const v = p.verdict().requirements['CLIENT-07'];
    expect(v.evidence).toEqual(['#7 GET /v1/balance: step "use each challenge once": already used by #6']);
    expect([v.tests, v.failedTests]).toEqual([2, 1]);
  });

  test('a 429 and the challenge endpoint are not signed requests', () => {
    const p = issued();
    p.feed(request({}), ok({ status: 429, retryAfterSeconds: 1 }));
    const v = p.verdict().requirements['CLIENT-07'];
    expect(v.status).toBe('skipped');
  });
});
