/**
 * SIGN-11's waits on real time: through part of a challenge's lifetime or past it, each as a report
 * step, and the setting that keeps a long lifetime's wait out of a quick run.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { test } from '@playwright/test';
import type { Settings } from '../settings/settings';

/** interface.md: waits for a lifetime over 30 s run only with CARDPLUSPAY_RUN_SLOW=1. */
const SLOW_LIFETIME_SECONDS = 30;

/** Past the lifetime by a margin that absorbs a server clock counting in whole seconds. */
export const pastLifetimeMs = (ttlMs: number): number => ttlMs + 1000 + ttlMs * 0.05;

/** Skips the running test when waiting through the lifetime would take long and slow runs are off. */
export function skipUnlessQuickOrSlowAllowed(settings: Settings): void {
  const ttl = settings.challenge.ttlSeconds;
  test.skip(
    ttl > SLOW_LIFETIME_SECONDS && !settings.runSlow,
    `CARDPLUSPAY_RUN_SLOW is off and the challenge lifetime is ${ttl} s: waiting through it takes over ${SLOW_LIFETIME_SECONDS} s (CARDPLUSPAY_RUN_SLOW=1 runs it)`,
  );
}

/** Waits, as a report step, so the timeline of an expiry check shows. */
export function waitFor(ms: number, why: string): Promise<void> {
  return test.step(`wait ${(ms / 1000).toFixed(1)} s ${why}`, async () => {
    await delay(ms);
  });
}
