/**
 * A drawn test's members, each its own report step, sent together (issue 20): against a real target
 * the run waits for its latency, not for the suite. What is in flight at once is the run's flow
 * control's to bound (CARDPLUSPAY_CONCURRENCY, helpers/client/flow/). Every member finishes before the
 * test does, so no request outlives its test; the first failure is the one reported.
 */
import { test } from '@playwright/test';

export async function eachMember<M>(members: readonly M[], title: (member: M) => string, check: (member: M) => Promise<unknown>): Promise<void> {
  const results = await Promise.allSettled(members.map((member) => test.step(title(member), async () => void (await check(member)))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
