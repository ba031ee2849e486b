/**
 * A family's members (or a table's rows) as one test: each member its own report step, titled with
 * its name and id, all sent together (issue 20). A test per member cost more in Playwright's
 * per-test work than the request itself against the mock, and against a real target the run waits
 * for its latency once per wave, not once per member. What is in flight at once is the run's flow
 * control's to bound (CARDPLUSPAY_CONCURRENCY, helpers/client/flow/). Every member finishes before
 * the test does, so no request outlives its test, and every member that fails is named in the
 * test's error: a soft assertion records its own; of the rest, one alone is rethrown as it is,
 * several are joined into one error that lists each with its message (and so its reproduction).
 */
import { test } from '@playwright/test';
import { NOT_JUDGED_PREFIX } from '../contract/verdict';

export interface EachMemberOptions<M> {
  /**
   * How many members one test's time is for (the family's default sample, `Family.sampled`; 1 for
   * a table whose rows were a test each): the test gets one timeout per such share, so a slow or
   * rate-limited target has the time for every member that it had for one test.
   */
  perTest?: number;
  /** Why a member is not sent in this run (a setting it needs is not given); it is listed as a step all the same. */
  notSent?: (member: M) => string | undefined;
  /**
   * Each member whole before the next starts (one live challenge per account, set or found:
   * helpers/signing/schedule.ts): sent together, one member's challenge would replace another's
   * between its asking and its use.
   */
  oneAtATime?: boolean;
}

/**
 * A check that could not be judged (SAFE-07) skips its test with a "not judged: " reason: not a
 * failure of that member, and the test's outcome when no member failed.
 */
function judged(reason: unknown): boolean {
  return !(reason instanceof Error && reason.message.includes(NOT_JUDGED_PREFIX));
}

export async function eachMember<M extends { id: string }>(
  members: readonly M[],
  title: (member: M) => string,
  check: (member: M) => Promise<unknown>,
  options: EachMemberOptions<M> = {},
): Promise<void> {
  const perTest = options.perTest ?? members.length;
  if (perTest > 0 && members.length > perTest) test.setTimeout(test.info().timeout * Math.ceil(members.length / perTest));
  const step = (member: M): Promise<void> => {
    const named = `${title(member)} (${member.id})`;
    const reason = options.notSent?.(member);
    if (reason !== undefined) return test.step(`${named}: not sent, ${reason}`, () => undefined);
    return test.step(named, async () => void (await check(member)));
  };
  const results: Array<PromiseSettledResult<void>> = [];
  for (const wave of options.oneAtATime ? members.map((m) => [m]) : [members]) results.push(...(await Promise.allSettled(wave.map(step))));
  const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [{ member: members[i]!, reason: r.reason as unknown }] : []));
  const failed = rejected.filter((r) => judged(r.reason));
  if (failed.length === 1) throw failed[0]!.reason;
  if (failed.length > 1) {
    const each = failed.map(
      ({ member, reason }) => `- ${title(member)} (${member.id}): ${String(reason instanceof Error ? reason.message : reason).replace(/\n/g, '\n  ')}`,
    );
    throw new Error(`${failed.length} of ${members.length} members failed:\n${each.join('\n')}`);
  }
  if (rejected.length > 0) throw rejected[0]!.reason;
}
