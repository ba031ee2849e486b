/**
 * SAFE-05, SAFE-07: SIGN-10's race (SigningSession.race) against a target that turns copies away,
 * with nock, so no real network is used and nothing waits (the run's pause lives in the flow
 * control, tested in pacer-burst.spec.ts). A race in which fewer than two copies got a real answer
 * is run again on a fresh challenge, a bounded number of times and within the check's rate-limit
 * budget; a 429 copy never counts as an answer. And a use of a live challenge (SigningSession.send)
 * that could arrive after the challenge expired, as it leaves or on a retry, is not judged.
 */
import { expect, test } from '../support/unit-test';
import nock from 'nock';
import { nockInThisFile } from '../support/nock-in-this-file';
import { NotJudgedError } from '../../helpers/client/not-judged';
import type { Settings } from '../../helpers/settings/settings';
import type { SigningAccount } from '../../helpers/settings/types';
import { SigningSession, signedEndpoint } from '../../helpers/signing/session';
import { testClient } from '../support/client';
import { TEST_PRIVATE_PEM } from '../support/test-key';

const BASE = 'https://api.example.test/v1/';
const KEY = 'sign-race-test-key-0123456789';
const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };

nockInThisFile();

const settingsFor = (ttlSeconds: number) =>
  ({ challenge: { method: 'POST', path: 'auth/challenge', pointer: '/data/challenge', ttlSeconds } }) as unknown as Settings;
const envelope = (data: unknown) => ({ success: true, message: 'ok', data });
const LIMITED = { success: false, message: 'Too Many Requests', data: null };
const UNAUTHORIZED = { success: false, message: 'Unauthorized', data: null };
const CRASHED = { success: false, message: 'Internal Server Error', data: null };

/**
 * A session whose client counts requests and ends a check not judged by throwing; its clock only the
 * test moves, unless it is given a challenge lifetime: those tests run on the real clock, as the
 * session counts a challenge's age on it.
 */
function session(budgetMs = 20_000, ttlSeconds?: number) {
  const seen = { requests: 0, clock: Date.now() };
  const api = testClient(BASE, [KEY], {
    rateLimitBudgetMs: budgetMs,
    onRequest: () => seen.requests++,
    now: ttlSeconds === undefined ? () => seen.clock : Date.now,
    onNotJudged: (reason: string): never => {
      throw new NotJudgedError(reason);
    },
  });
  const account: SigningAccount = { apiKey: KEY, privateKeyPem: TEST_PRIVATE_PEM, privateKeyFile: 'not read' };
  return { seen, race: new SigningSession(api, settingsFor(ttlSeconds ?? 300), account, '') };
}

/** One race's worth of answers: 8 openers, a challenge (after `challengeDelayMs`), and the copies' statuses in order (each 401 after `refusalDelayMs`). */
function raceAnswers(challenge: string, statuses: readonly number[], challengeDelayMs = 0, refusalDelayMs = 0): void {
  const target = nock('https://api.example.test');
  target
    .get('/v1/')
    .times(8)
    .reply(200, envelope({ name: 'CardPlusPay' }));
  target.post('/v1/auth/challenge').delay(challengeDelayMs).reply(200, envelope({ challenge }));
  for (const status of statuses) {
    const body = status === 200 ? envelope({ balance: 1 }) : status === 429 ? LIMITED : status === 500 ? CRASHED : UNAUTHORIZED;
    target
      .get('/v1/balance')
      .delay(status === 401 ? refusalDelayMs : 0)
      .reply(status, body, status === 429 ? { 'Retry-After': '1' } : {});
  }
}

const STARVED = [200, 429, 429, 429, 429, 429, 429, 429];
const RACED = [200, 401, 401, 401, 401, 401, 401, 401];

test('a race in which the target turned away all copies but one is run again on a fresh challenge, and that race is the one judged', SAFE05, async () => {
  raceAnswers('first', STARVED);
  raceAnswers('second', RACED);
  const { seen, race } = session();
  const replies = await race.race(signedEndpoint('balance'), 8);
  expect(replies.map((r) => r.status)).toEqual(RACED);
  expect(seen.requests, 'two races of 8 openers, a challenge and 8 copies').toBe(34);
  expect(nock.isDone()).toBe(true);
});

test('a race starved in every attempt is not judged, after a bounded number of them', SAFE05, async () => {
  for (const challenge of ['a', 'b', 'c']) raceAnswers(challenge, STARVED);
  const { seen, race } = session();
  await expect(race.race(signedEndpoint('balance'), 8)).rejects.toThrow(
    /not judged: target rate-limited or unavailable: 7 of 8 simultaneous uses got 429, so no race was observed, in each of 3 attempts on a fresh challenge/,
  );
  expect(seen.requests).toBe(51);
});

test("a race whose next attempt would pass the check's rate-limit budget is not judged at once", SAFE05, async () => {
  raceAnswers('only', STARVED);
  const { seen, race } = session(500);
  await expect(race.race(signedEndpoint('balance'), 8)).rejects.toThrow(/another attempt after 1\.0 s would pass the rate-limit budget .*, 0\.5 s of it left/);
  expect(seen.requests, 'no second race').toBe(17);
});

test('a race whose copies left past 0.8 of the lifetime is not judged when all were refused, and judged when two succeeded', SAFE05, async () => {
  // Lifetime 1 s, the challenge's exchange 0.85 s: the copies leave after 0.8 s.
  raceAnswers('late-refused', [401, 401, 401, 401, 401, 401, 401, 401], 850);
  await expect(session(20_000, 1).race.race(signedEndpoint('balance'), 8)).rejects.toThrow(
    /not judged: a use of the challenge got 401, but it left .* past 80 % of its lifetime of 1 s/,
  );
  raceAnswers('late-served-twice', [200, 200, 401, 401, 401, 401, 401, 401], 850);
  const replies = await session(20_000, 1).race.race(signedEndpoint('balance'), 8);
  expect(
    replies.filter((r) => r.status === 200),
    'two successes say something however late',
  ).toHaveLength(2);
});

test("a race with one copy served is not judged when the others' 401s came back after the lifetime", SAFE05, async () => {
  raceAnswers('late-refusals', RACED, 900, 150);
  await expect(session(20_000, 1).race.race(signedEndpoint('balance'), 8)).rejects.toThrow(
    /not judged: the 401 came back 1\.\d s after the challenge was asked for/,
  );
});

test("a race with a copy answered 500 is judged however late the others' 401s came back: a 500 is wrong at any age", SAFE05, async () => {
  // The losers wait on the winner (a row lock): one fails with a 500, the rest get 401 after the lifetime.
  raceAnswers('crashed-loser', [200, 500, 401, 401, 401, 401, 401, 401], 900, 150);
  const replies = await session(20_000, 1).race.race(signedEndpoint('balance'), 8);
  expect(replies.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 500]);
});

/** A challenge endpoint that answers after `delayMs`, as a slow target or a busy machine would. */
function slowChallenge(challenge: string, delayMs: number): nock.Scope {
  return nock('https://api.example.test').post('/v1/auth/challenge').delay(delayMs).reply(200, envelope({ challenge }));
}

test('a use of a challenge whose own exchange took most of its lifetime is still sent, and its 2xx judged', SAFE05, async () => {
  slowChallenge('slow-served', 950);
  nock('https://api.example.test')
    .get('/v1/balance')
    .reply(200, envelope({ balance: 1 }));
  const { race: signing } = session(20_000, 1);
  const signed = await signing.signedChallenge();
  expect((await signing.send(signedEndpoint('balance'), signed)).status, 'a server that serves a late use must be judged on it').toBe(200);
});

test('a 401 that fails a success check is not judged when the use left past 0.9 of the lifetime, counted from the asking', SAFE05, async () => {
  slowChallenge('slow-refused', 950);
  nock('https://api.example.test').get('/v1/balance').reply(401, UNAUTHORIZED);
  const { race: signing } = session(20_000, 1);
  const signed = await signing.signedChallenge();
  await expect(signing.send(signedEndpoint('balance'), signed, { looksFor: 'success' })).rejects.toThrow(
    /not judged: a use of the challenge got 401, but it left \d\.\d s after the challenge was asked for, past 90 % of its lifetime of 1 s .*: a conformant server may refuse it for its age/,
  );
});

test('a 401 that a refusal check looks for counts only if it came back within the lifetime, however late the use left', SAFE05, async () => {
  // A target that checks late may refuse a use for the challenge's age: its 401 would pass a refusal check for the wrong reason.
  slowChallenge('checked-late', 500);
  nock('https://api.example.test').get('/v1/balance').delay(600).reply(401, UNAUTHORIZED);
  const late = session(20_000, 1).race;
  const signed = await late.signedChallenge();
  await expect(late.send(signedEndpoint('balance'), signed)).rejects.toThrow(
    /not judged: the 401 came back 1\.\d s after the challenge was asked for, past its lifetime of 1 s .*: the target may have refused the use for the challenge's age/,
  );
  // Left past 0.9 of the lifetime (2.7 s of 3), but back within it: the target checked before the challenge could expire.
  slowChallenge('checked-in-time', 2750);
  nock('https://api.example.test').get('/v1/balance').reply(401, UNAUTHORIZED);
  const inTime = session(20_000, 3).race;
  expect((await inTime.send(signedEndpoint('balance'), await inTime.signedChallenge())).status).toBe(401);
});

test('a challenge is as old as the attempt that got it: a 429 to the asking, and its wait, do not age it', SAFE05, async () => {
  // The first asking waits out a 429 (Retry-After: 2, the lifetime, on the real clock); the challenge then comes at once and
  // its use, in time, is judged. Aged by the wait, its 401 would come back past the lifetime; counted right, the signing and
  // the use have the whole lifetime (a 1 s one was once not enough on a loaded machine).
  nock('https://api.example.test').post('/v1/auth/challenge').reply(429, LIMITED, { 'Retry-After': '2' });
  slowChallenge('after-a-wait', 0);
  nock('https://api.example.test').get('/v1/balance').reply(401, UNAUTHORIZED);
  const { race: signing } = session(20_000, 2);
  const signed = await signing.signedChallenge();
  expect((await signing.send(signedEndpoint('balance'), signed)).status).toBe(401);
});

test("a 429 to a signed request is retried only if the retry leaves by 0.9 of the lifetime, counted from the challenge's asking", SAFE05, async () => {
  // Lifetime 2 s, exchange 0.9 s: a retry 1 s after the 429 would leave at 1.9 s, past 1.8 s. Counted from the answer it would be in time.
  slowChallenge('limited', 900);
  nock('https://api.example.test').get('/v1/balance').reply(429, LIMITED, { 'Retry-After': '1' });
  const { seen, race: signing } = session(20_000, 2);
  const signed = await signing.signedChallenge();
  await expect(signing.send(signedEndpoint('balance'), signed)).rejects.toThrow(/not judged: target rate-limited: .* a retry after 1\.0 s would come too late/);
  expect(seen.requests, 'the challenge and one use, no retry').toBe(2);
});

test('a challenge sent past its lifetime on purpose (SIGN-11) is judged however old it is', SAFE05, async () => {
  slowChallenge('old', 950);
  nock('https://api.example.test').get('/v1/balance').reply(401, UNAUTHORIZED);
  const { race: signing } = session(20_000, 1);
  const signed = await signing.signedChallenge();
  expect((await signing.sendExpired(signedEndpoint('balance'), signed)).status).toBe(401);
  expect(nock.isDone()).toBe(true);
});
