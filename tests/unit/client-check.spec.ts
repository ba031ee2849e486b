/**
 * The client checker's parts as values (issue 21): the key ring that keeps keys out of evidence
 * and out of every written byte, what a request shows (arrival.ts), each rule over hand-made
 * exchanges, the verdict's rules (never seen: could not judge; a trap set and never reached: not
 * judged; a failure wins), the bound on what it keeps, and the writers' last pass. The clients that
 * prove each requirement end to end are npm test's client-checker step.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, test } from '@playwright/test';
import type { Account, AccountName } from '../../mock/accounts';
import type { Answer } from '../../mock/client-check/answer';
import { readArrival, type Arrival } from '../../mock/client-check/arrival';
import { KeyRing } from '../../mock/client-check/key-ring';
import { LOOP_AFTER, noRetryLoop, rateLimit, RETRY_TOLERANCE_MS } from '../../mock/client-check/politeness';
import { acceptHeader, acceptsJson, jsonBody, keyPlacement, noPlainHttp, type CheckSetup, type Rule, type RuleContext } from '../../mock/client-check/rules';
import { signsEachRequest } from '../../mock/client-check/signing-rule';
import { BoundedMap, EVIDENCE_KEPT, STATE_KEPT, Tally } from '../../mock/client-check/tally';
import { noKeyThroughRedirects, verifiesCertificate } from '../../mock/client-check/trap-rules';
import { judgeClient, NEVER_SEEN, type ClientSummary } from '../../mock/client-check/verdict';
import { KeyInOutput, writeClientReports } from '../../mock/client-check/write';
import { MISSING_SIGNING_HEADERS, SIGNATURE_FAILED } from '../../mock/signing';
import { CLIENT_REQUIREMENTS, type ClientRequirementId } from '../../helpers/contract/requirements';

const KEY = 'cpp_test_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const OTHER = 'cpp_test_ZyXwVuTsRqPoNmLkJiHgFeDcBa987654';
const SIGNING = 'cpp_test_SiGnInGkEy0000000000000000000000';
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const ACCOUNTS: Account[] = [
  { name: 'active', key: KEY, active: true },
  { name: 'second', key: OTHER, active: true },
  { name: 'signing', key: SIGNING, active: true, signing: { publicKeyPem: publicKey, privateKeyPem: privateKey } },
];
const keys = new KeyRing(ACCOUNTS);

const SETUP: CheckSetup = { impostor: false, redirectTrap: false, urls: { base: 'https://127.0.0.1:1/v1/' } };
const ALL_TRAPS: CheckSetup = { ...SETUP, impostor: true, redirectTrap: true, rateLimit: 5 };

/** A conforming GET /v1/balance with the active key, as readArrival would make it, changed by `over`. */
function arrival(over: Partial<Arrival> = {}): Arrival {
  return {
    seq: 1,
    at: 1_000_000,
    port: 'api',
    method: 'GET',
    path: '/v1/balance',
    route: 'api',
    sameAs: 'GET balance active',
    keyAccount: 'active',
    misplaced: [],
    keyed: 'active',
    accept: 'application/json',
    contentType: undefined,
    body: undefined,
    challenge: undefined,
    signature: undefined,
    ...over,
  };
}

const ok = (over: Partial<Answer> = {}): Answer => ({ status: 200, at: 1_000_010, ...over });

/** The rules of a checker and what they keep, fed by hand. */
function pipeline(setup: CheckSetup = SETUP): {
  feed(a: Arrival, answer?: Answer): void;
  verdict(seen?: number): ClientSummary;
  leaks: Map<AccountName, Set<string>>;
} {
  const leaks = new Map<AccountName, Set<string>>();
  const ctx: RuleContext = { keys, leaked: (account, how) => leaks.set(account, new Set([...(leaks.get(account) ?? []), how])) };
  const limiter = rateLimit(setup.rateLimit);
  const rules: Rule[] = [
    keyPlacement(),
    acceptHeader(ctx),
    jsonBody(ctx),
    noPlainHttp(ctx),
    verifiesCertificate(ctx),
    noKeyThroughRedirects(ctx),
    signsEachRequest(ACCOUNTS),
    limiter.rule,
    noRetryLoop(),
  ];
  const tallies = new Map<ClientRequirementId, Tally>(rules.map((r) => [r.id, new Tally()]));
  let fed = 0;
  return {
    feed: (a, answer = ok()) => {
      fed += 1;
      for (const r of rules) r.observe(a, answer, tallies.get(r.id)!);
    },
    verdict: (seen = fed) =>
      judgeClient({
        startedAt: new Date(0),
        setup,
        rules,
        tallies,
        seen: { api: seen, plain: 0, impostor: 0, trap: 0, 'trap-origin': 0, 'trap-plain': 0, impostorConnections: 0 },
        leaks,
      }),
    leaks,
  };
}

test.describe('the key ring', () => {
  test('finds a key as written, percent-encoded and inside Base64 (Basic auth)', () => {
    expect(keys.accountIn(`x=${KEY}`)).toBe('active');
    expect(keys.accountIn(encodeURIComponent(`"${OTHER}"`).replace(/_/g, '%5F'))).toBe('second');
    expect(keys.accountIn(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`)).toBe('active');
    expect(keys.accountIn('application/json')).toBeNull();
    expect(keys.exact(KEY)).toBe('active');
    expect(keys.exact(` ${KEY}`)).toBeNull();
  });

  test('shows a value holding a key only as whose key it holds, and cuts long values', () => {
    expect(keys.shown(`Bearer ${KEY}`)).toBe('[a value holding the key of active]');
    expect(keys.shown('x'.repeat(100), 10)).toBe(`${'x'.repeat(10)}...`);
    expect(keys.shown('a "quoted"\nline')).toBe('a \\"quoted\\"\\nline');
  });

  for (const [encoding, encode] of [
    ['raw', (k: string) => k],
    ['upper case', (k: string) => k.toUpperCase()],
    ['hex', (k: string) => Buffer.from(k).toString('hex')],
    ['percent-encoded', (k: string) => [...Buffer.from(k)].map((b) => `%${b.toString(16).toUpperCase()}`).join('')],
    ['Base64 at offset 1', (k: string) => Buffer.from(`x${k}`).toString('base64')],
    ['Base64 at offset 2', (k: string) => Buffer.from(`xy${k}:`).toString('base64')],
    ['base64url', (k: string) => Buffer.from(`?${k}?`).toString('base64url')],
  ] as const) {
    test(`the last pass finds a key written ${encoding}`, () => {
      expect(keys.leaks(`before ${encode(KEY)} after`)).toBe(true);
    });
  }

  test('the last pass lets text without a key through', () => {
    expect(keys.leaks('CLIENT-01 held: 3 requests carried a key, fingerprint 0123456789abcdef')).toBe(false);
  });
});

test.describe('what a request shows', () => {
  const head = (url: string, rawHeaders: string[]): Parameters<typeof readArrival>[3] => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
    return { method: 'POST', url, headers, rawHeaders };
  };

  test('names every place a key was misplaced, and never the key', () => {
    const a = readArrival(
      keys,
      7,
      'api',
      head(`/v1/orders/check?api_key=${KEY}`, [
        'X-API-Key',
        `"${KEY}"`,
        'Authorization',
        `Bearer ${OTHER}`,
        'Cookie',
        `a=1; token=${KEY}`,
        'Accept',
        'application/json',
      ]),
      { body: Buffer.from(JSON.stringify({ auth: { key: KEY } })), tooLarge: false },
    );
    expect(a.keyAccount).toBeNull();
    expect(a.misplaced.map((m) => `${m.account} in ${m.place}`)).toEqual([
      'active in X-API-Key, not alone (quoted, prefixed or sent twice)',
      'second in header "Authorization"',
      'active in cookie "token"',
      'active in query parameter "api_key"',
      'active in body field /auth/key',
    ]);
    expect(a.keyed).toBe('active');
    expect(a.body).toEqual({ bytes: 19 + KEY.length, json: true, tooLarge: false });
    expect(JSON.stringify({ ...a, challenge: undefined, signature: undefined })).not.toContain(KEY);
  });

  test('tells the same request by method, path and key, without keeping the key', () => {
    const one = readArrival(keys, 1, 'api', head('/v1/balance', ['X-API-Key', KEY]), { body: Buffer.alloc(0), tooLarge: false });
    const again = readArrival(keys, 2, 'api', head('/v1/balance', ['X-API-Key', KEY]), { body: Buffer.alloc(0), tooLarge: false });
    const other = readArrival(keys, 3, 'api', head('/v1/balance', ['X-API-Key', OTHER]), { body: Buffer.alloc(0), tooLarge: false });
    expect(one.sameAs).toBe(again.sameAs);
    expect(one.sameAs).not.toBe(other.sameAs);
    expect(one.sameAs).not.toContain(KEY.slice(9));
    expect(one.body).toBeUndefined();
  });

  test('a path holding a key is shown as whose key it holds', () => {
    const a = readArrival(keys, 1, 'api', head(`/v1/orders/${KEY}`, []), { body: Buffer.alloc(0), tooLarge: false });
    expect(a.path).toBe('[a value holding the key of active]');
    expect(a.misplaced).toEqual([{ account: 'active', place: 'the path' }]);
  });
});

test.describe('the verdict', () => {
  test('a client never seen could not be judged: every requirement not judged, exit 3', () => {
    const s = pipeline(ALL_TRAPS).verdict(0);
    expect(s.verdict).toBe('could-not-judge');
    expect(s.exitStatus).toBe(3);
    expect(s.notJudgedRequirements).toEqual(CLIENT_REQUIREMENTS);
    expect(s.requirements['CLIENT-02'].reason).toBe(NEVER_SEEN);
  });

  test('a conforming request conforms; what it had no occasion for, and the traps not asked for, are skipped with the reason', () => {
    const p = pipeline();
    p.feed(arrival());
    const s = p.verdict();
    expect(s.verdict).toBe('conforms');
    expect(s.requirements['CLIENT-02'].status).toBe('passed');
    expect(s.requirements['CLIENT-03'].reason).toBe('no request had a body');
    expect(s.requirements['CLIENT-05'].reason).toMatch(/^not asked: start the checker with --impostor/);
    expect(s.requirements['CLIENT-08'].reason).toMatch(/^not asked: start the checker with --rate-limit N/);
  });

  test('a trap set and never reached is not judged, so the verdict is could-not-judge', () => {
    const p = pipeline(ALL_TRAPS);
    p.feed(arrival());
    const s = p.verdict();
    expect(s.notJudgedRequirements).toEqual(['CLIENT-05', 'CLIENT-06', 'CLIENT-08']);
    expect(s.verdict).toBe('could-not-judge');
  });

  test('a failure wins over what was not judged, and evidence stays within its bound', () => {
    const p = pipeline(ALL_TRAPS);
    for (let i = 0; i < 1000; i += 1) p.feed(arrival({ seq: i, accept: '*/*' }));
    const s = p.verdict();
    expect(s.verdict).toBe('does-not-conform');
    expect(s.exitStatus).toBe(1);
    expect(s.failedRequirements).toEqual(['CLIENT-02']);
    expect(s.requirements['CLIENT-02'].evidence).toHaveLength(EVIDENCE_KEPT + 1);
    expect(s.requirements['CLIENT-02'].evidence.at(-1)).toBe(`... and ${1000 - EVIDENCE_KEPT} more`);
    expect(s.requirements['CLIENT-02'].evidence[0]).toBe('#0 GET /v1/balance: Accept "*/*", not application/json');
  });
});

test.describe('the rules', () => {
  test('CLIENT-02 wants application/json listed, with parameters allowed and q=0 refused', () => {
    expect(['application/json', 'text/html, application/json;q=0.9', 'APPLICATION/JSON; charset=utf-8'].map(acceptsJson)).toEqual([true, true, true]);
    expect([undefined, '*/*', 'application/*', 'application/json;q=0', 'application/jsonp'].map(acceptsJson)).toEqual([false, false, false, false, false]);
  });

  test('CLIENT-03 judges requests with a body only', () => {
    const p = pipeline();
    p.feed(arrival());
    p.feed(arrival({ method: 'POST', contentType: 'application/json; charset=utf-8', body: { bytes: 2, json: true, tooLarge: false } }));
    p.feed(arrival({ seq: 3, method: 'POST', contentType: 'application/json', body: { bytes: 5, json: false, tooLarge: false } }));
    const v = p.verdict().requirements['CLIENT-03'];
    expect([v.tests, v.failedTests]).toEqual([2, 1]);
    expect(v.evidence).toEqual(['#3 POST /v1/balance: Content-Type "application/json", and a non-JSON body of 5 bytes']);
  });

  test('CLIENT-04 and CLIENT-06 split a key in clear text by cause, and both say to rotate it', () => {
    const p = pipeline(ALL_TRAPS);
    p.feed(arrival({ seq: 1, port: 'plain' }));
    p.feed(arrival({ seq: 2, port: 'trap' }), ok({ status: 307, redirect: 'plain' }));
    p.feed(arrival({ seq: 3, port: 'trap-plain' }), ok({ status: 421 }));
    const s = p.verdict();
    expect(s.requirements['CLIENT-04'].evidence).toEqual([
      '#1 GET /v1/balance over plain HTTP: the key of active in X-API-Key, in clear text: rotate that key',
    ]);
    expect(s.requirements['CLIENT-06'].evidence).toEqual([
      "#3 GET /v1/balance at the trap's plain-HTTP origin: followed the trap's redirect to plain HTTP with the key of active in X-API-Key: rotate that key",
    ]);
    expect(s.rotate).toEqual([{ account: 'active', how: ['a redirect took it to plain HTTP', 'it was sent over plain HTTP'] }]);
  });

  test('CLIENT-06 holds for a redirect followed without the key', () => {
    const p = pipeline({ ...SETUP, redirectTrap: true });
    p.feed(arrival({ port: 'trap' }), ok({ status: 307, redirect: 'origin' }));
    p.feed(arrival({ port: 'trap-origin', keyAccount: null, keyed: null }), ok({ status: 421 }));
    expect(p.verdict().requirements['CLIENT-06'].status).toBe('passed');
  });

  test('CLIENT-05 holds when every connection to the impostor ended before a request, and fails on any request there', () => {
    const leaks = new Map<AccountName, Set<string>>();
    const rule = verifiesCertificate({ keys, leaked: (a, how) => leaks.set(a, new Set([how])) });
    const t = new Tally();
    rule.refused('during the handshake', t);
    rule.refused('after the handshake, before any request', t);
    expect([t.observed, t.violations]).toEqual([2, 0]);
    rule.observe(arrival({ seq: 9, port: 'impostor', keyAccount: null, keyed: null }), ok({ status: 421 }), t);
    expect(t.evidence).toEqual([
      '#9 GET /v1/balance on the impostor port: the client accepted a certificate that does not chain to the printed CA and sent a request (no key in it)',
    ]);
    expect(leaks.size).toBe(0);
  });

  test(`CLIENT-08: the same request within Retry-After (less ${RETRY_TOLERANCE_MS} ms) fails; after it, or another request, does not`, () => {
    const p = pipeline({ ...SETUP, rateLimit: 2 });
    const at = 5_000_000;
    p.feed(arrival({ seq: 1, at }), ok({ status: 429, at, retryAfterSeconds: 1 }));
    p.feed(arrival({ seq: 2, at: at + 10, sameAs: 'GET catalog active' }), ok({ at: at + 11 }));
    p.feed(arrival({ seq: 3, at: at + 1000 - RETRY_TOLERANCE_MS }), ok({ at: at + 1000 }));
    p.feed(arrival({ seq: 4, at: at + 2000 }), ok({ status: 429, at: at + 2000, retryAfterSeconds: 2 }));
    p.feed(arrival({ seq: 5, at: at + 2005 }), ok({ status: 429, at: at + 2006, retryAfterSeconds: 2 }));
    const v = p.verdict().requirements['CLIENT-08'];
    expect(v.evidence).toEqual(['#5 GET /v1/balance: sent again 5 ms after the 429 to #4, whose Retry-After asked for 2 s']);
  });

  test(`CLIENT-09: ${LOOP_AFTER} 401s in a row for the same request are a loop; a success between, or a minute, breaks the row`, () => {
    const p = pipeline();
    const refused = ok({ status: 401 });
    for (let i = 0; i < LOOP_AFTER - 1; i += 1) p.feed(arrival({ seq: i, at: i }), refused);
    p.feed(arrival({ seq: 10, at: 10 }));
    for (let i = 0; i < LOOP_AFTER - 1; i += 1) p.feed(arrival({ seq: 20 + i, at: 20 + i }), refused);
    p.feed(arrival({ seq: 30, at: 70_000 }), refused);
    expect(p.verdict().requirements['CLIENT-09'].status).toBe('passed');
    for (let i = 0; i < LOOP_AFTER; i += 1) p.feed(arrival({ seq: 40 + i, at: 70_001 + i, sameAs: 'other' }), refused);
    expect(p.verdict().requirements['CLIENT-09'].evidence).toEqual([
      '#43 GET /v1/balance: the same request refused with 401 4 times in a row since #40, within 0.0 s',
    ]);
  });
});

test.describe('CLIENT-07 names the step a signing client got wrong', () => {
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

test.describe('what the checker keeps is bounded', () => {
  test('a bounded map forgets its oldest entries, and never holds more than its limit', () => {
    const m = new BoundedMap<number, number>(4);
    for (let i = 0; i < 10; i += 1) m.set(i, i);
    expect([...m].map(([k]) => k)).toEqual([6, 7, 8, 9]);
    m.set(7, 70);
    expect([...m]).toEqual([
      [6, 6],
      [7, 70],
      [8, 8],
      [9, 9],
    ]);
    m.delete(8);
    m.set(10, 10);
    expect(m.size).toBeLessThanOrEqual(4);
    expect(m.get(10)).toBe(10);
  });

  test('a million requests, each a new request refused or rate-limited with a new challenge issued, leave the heap where it was', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const p = pipeline(ALL_TRAPS);
    const feedMany = (from: number, n: number): void => {
      for (let i = from; i < from + n; i += 1) {
        const sameAs = `request-${i}`;
        if (i % 3 === 0) p.feed(arrival({ seq: i, at: i, sameAs, accept: '*/*' }), ok({ status: 401, at: i }));
        else if (i % 3 === 1) p.feed(arrival({ seq: i, at: i, sameAs }), ok({ status: 429, at: i, retryAfterSeconds: 1 }));
        else
          p.feed(
            arrival({ seq: i, at: i, route: 'challenge', keyAccount: 'signing', keyed: 'signing' }),
            ok({ at: i, issued: { challenge: `challenge-${i}`, expiresAt: i + 2000 } }),
          );
      }
    };
    // Past every map's bound first, so that what follows can only replace entries.
    feedMany(0, 3 * STATE_KEPT);
    gc();
    const before = process.memoryUsage().heapUsed;
    feedMany(3 * STATE_KEPT, 1_000_000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Unbounded, the 401 streaks, 429 windows and challenges of a million requests take hundreds of MB.
    expect(grown).toBeLessThan(20 * 1024 * 1024);
    const s = p.verdict();
    expect(s.requirements['CLIENT-02'].evidence.length).toBeLessThanOrEqual(EVIDENCE_KEPT + 1);
  });
});

test.describe('the writers', () => {
  test('write every form, and refuse all of them when one would hold a key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-check-'));
    try {
      const p = pipeline();
      p.feed(arrival({ accept: '*/*' }));
      const s = p.verdict();
      const written = writeClientReports(s, dir, keys);
      expect(written.map((f) => path.basename(f))).toEqual(['client-conformance.json', 'client-conformance.md', 'client-junit.xml', 'client-allure-results']);
      const junit = fs.readFileSync(path.join(dir, 'client-junit.xml'), 'utf8');
      expect(junit).toContain(
        '<failure message="1 of 1 broke it" type="does-not-conform">#1 GET /v1/balance: Accept &quot;*/*&quot;, not application/json</failure>',
      );
      const results = fs.readdirSync(path.join(dir, 'client-allure-results')).filter((f) => f.endsWith('-result.json'));
      expect(results).toHaveLength(CLIENT_REQUIREMENTS.length + 1);

      const leaky: ClientSummary = {
        ...s,
        requirements: { ...s.requirements, 'CLIENT-02': { ...s.requirements['CLIENT-02'], evidence: [`oops ${Buffer.from(KEY).toString('hex')}`] } },
      };
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'client-check-'));
      expect(() => writeClientReports(leaky, other, keys)).toThrow(KeyInOutput);
      expect(fs.readdirSync(other)).toEqual([]);
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
