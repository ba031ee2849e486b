/**
 * How a signing check shares the target with the run's other signing checks, by
 * CARDPLUSPAY_LIVE_CHALLENGES (docs/configuration.md, "Challenges side by side"). With `auto`, the
 * default, each takes a turn at the target's signing (helpers/client/flow/turns.ts): the first to
 * get one finds out whether a new challenge, or a use, ends the account's other challenges, and
 * every later one goes side by side or alone by what it found.
 */
import { test, type TestInfo } from '@playwright/test';
import type { ApiClient } from '../client/client';
import type { Egress } from '../client/egress';
import { ASKED_TO_FIND_OUT, LIVE_CHALLENGES_FOUND, type LiveChallenges, type Turn, type TurnOptions } from '../client/flow/turns';
import { is2xx } from '../expectations';
import type { Settings } from '../settings/settings';
import { signedEndpoint, SigningSession } from './session';

/** Why a SIGN check is skipped without a signing account. */
const NO_SIGNING_ACCOUNT = 'CARDPLUSPAY_SIGNING_API_KEY is not set: there is no signing account to sign requests with';

/**
 * ASKED_TO_FIND_OUT challenges asked, then the newest and the oldest used, in that order, signed, on
 * a read-only endpoint: both served, the API keeps several live; the oldest refused, it keeps fewer,
 * or the newest's use ended the ones issued before it (or all others). Either way the checks go one
 * at a time. Anything else (the newest refused, a 429 past the retries) cannot tell, and one at a
 * time judges either kind of API, so it is "one" too. The uses are not timed as a check's are:
 * nothing is judged here.
 */
async function findLiveChallenges(session: SigningSession, api: ApiClient, settings: Settings): Promise<LiveChallenges> {
  return test.step(
    `find out whether the API keeps ${ASKED_TO_FIND_OUT} live challenges for an account: ask them, use the newest, then the oldest (CARDPLUSPAY_LIVE_CHALLENGES=auto)`,
    async () => {
      const asked = [];
      for (let i = 0; i < ASKED_TO_FIND_OUT; i++) asked.push(await session.challenge());
      const call = signedEndpoint('balance').call(settings);
      const use = async (challenge: string) =>
        is2xx((await api.send({ ...call, headers: session.headers({ challenge, signature: await session.sign(challenge) }) })).status);
      return (await use(asked.at(-1)!)) && (await use(asked[0]!)) ? 'several' : 'one';
    },
    { box: true },
  );
}

/**
 * Waits for a turn with no timeout running (the run's own limit still holds), then gives the check
 * its timeout back with the wait added: the wait is other checks' time, not this one's.
 */
async function waitForTurn(egress: Egress, testInfo: TestInfo, options: TurnOptions = {}): Promise<Turn> {
  const asked = Date.now();
  const timeout = testInfo.timeout;
  testInfo.setTimeout(0);
  try {
    return await egress.takeTurn(options);
  } finally {
    testInfo.setTimeout(timeout + (Date.now() - asked));
  }
}

/**
 * The `signing` fixture: the configured signing account(s) for a check (`use`), in its turn, the
 * session told how its uses go (one at a time, side by side); skips the check without an account.
 */
export async function signingInTurn(
  { api, egress, settings }: { api: ApiClient; egress: Egress; settings: Settings },
  testInfo: TestInfo,
  use: (session: SigningSession) => Promise<void>,
): Promise<void> {
  testInfo.skip(!settings.signing, NO_SIGNING_ACCOUNT);
  const second = settings.secondSigning && new SigningSession(api, settings, settings.secondSigning, ' (second account)');
  const session = new SigningSession(api, settings, settings.signing!, '', second);
  const sideBySide = settings.workers > 1 || settings.concurrency > 1;
  if (settings.liveChallenges !== 'auto') {
    session.oneAtATime = settings.liveChallenges === 'one';
    session.sideBySide = !session.oneAtATime && sideBySide;
    return use(session);
  }
  let turn: Turn | undefined = await waitForTurn(egress, testInfo);
  if (turn.live === undefined) {
    let found: LiveChallenges | undefined;
    try {
      found = await findLiveChallenges(session, api, settings);
    } finally {
      // Nothing found (the finding failed or was stopped): the run assumes one, and says so.
      testInfo.annotations.push({ type: LIVE_CHALLENGES_FOUND, description: found ?? 'one' });
      egress.giveTurn(turn, found);
    }
    // Taken again by what the run now knows: side by side, or alone after the checks already waiting.
    turn = await waitForTurn(egress, testInfo);
  }
  // Alone, another check comes beside this one only from another shard: a run of its own.
  const shards = (testInfo.config.shard?.total ?? 1) > 1;
  session.oneAtATime = turn.live === 'one';
  session.sideBySide = turn.alone ? shards : sideBySide;
  // SIGN-11: alone for the part that holds a challenge, whatever was found; and a shared turn
  // handed back while it only waits, so that a check asking to go alone need not wait for it.
  // An alone turn is kept throughout: with one live challenge, another's asking would end this one's.
  session.aside = (fn) => {
    if (turn && !turn.alone) egress.giveTurn(turn);
    if (!turn?.alone) turn = undefined;
    return fn();
  };
  session.alone = async (fn) => {
    if (!turn?.alone) {
      if (turn) egress.giveTurn(turn);
      turn = undefined;
      turn = await waitForTurn(egress, testInfo, { alone: true });
      session.sideBySide = shards;
    }
    return fn();
  };
  try {
    await use(session);
  } finally {
    if (turn) egress.giveTurn(turn);
  }
}
