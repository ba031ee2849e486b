/**
 * The client checker's verdict and rules over hand-made exchanges (issue 21): never seen is could
 * not judge; a trap set and never reached is not judged; a failure wins; each rule's line between
 * holding and breaking; and the bound on what it keeps, a million requests long. The clients that
 * prove each requirement end to end are npm test's client-checker step.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, test } from '../support/unit-test';
import { LOOP_AFTER, RETRY_TOLERANCE_MS } from '../../mock/client-check/politeness';
import { acceptsJson } from '../../mock/client-check/rules';
import { BoundedMap, EVIDENCE_KEPT, STATE_KEPT, Tally } from '../../mock/client-check/tally';
import { verifiesCertificate } from '../../mock/client-check/trap-rules';
import { NEVER_SEEN } from '../../mock/client-check/verdict';
import type { AccountName } from '../../mock/accounts';
import { CLIENT_REQUIREMENTS } from '../../helpers/contract/requirements';
import { ALL_TRAPS, arrival, keys, ok, pipeline, SETUP } from './client-check-kit';

test.describe('the verdict', () => {
  test('a client never seen could not be judged: every requirement not judged, exit 3', () => {
    const s = pipeline(ALL_TRAPS).verdict(0);
    expect(s.verdict).toBe('could-not-judge');
    expect(s.exitStatus).toBe(3);
    expect(s.notJudgedRequirements).toEqual(CLIENT_REQUIREMENTS);
    expect(s.requirements['CLIENT-02'].reason).toBe(NEVER_SEEN);
  });

  test('a client seen only at the impostor sent no request: could not judge, though it refused the certificate', () => {
    const p = pipeline({ ...SETUP, impostor: true });
    p.impostorRule.refused('during the handshake', p.tallies.get('CLIENT-05')!);
    const s = p.verdict(0, 1);
    expect(s.requirements['CLIENT-05'].status).toBe('passed');
    expect(s.notJudgedRequirements).toEqual(['CLIENT-02']);
    expect(s.requirements['CLIENT-02'].reason).toMatch(/^no request arrived, only connections to the impostor/);
    expect(s.verdict).toBe('could-not-judge');
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

test.describe('the rules about what a request carries', () => {
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
});

test.describe('the rules about the traps and politeness', () => {
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
