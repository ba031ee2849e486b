/**
 * Live challenges side by side: whole runs (two workers, checks side by side, the default
 * CARDPLUSPAY_LIVE_CHALLENGES=auto) against conformant APIs that keep few live challenges per
 * account. The fault matrix runs only each variant's SIGN checks, in a lane beside other targets,
 * and they passed there whatever the schedule; a whole run is where another check's challenge comes
 * between a check's asking and its use. Without the finding or SIGN-11's turns alone each of these
 * failed at random (a false "does not conform": helper attack 41; without the turns alone, two of
 * the four failed SIGN-11 in one step of two).
 */
import path from 'node:path';
import type { FaultName } from '../../mock/faults';
import type { Summary } from '../../helpers/reporting/summary';
import type { Recorder } from './shard-check';
import { runSuiteAgainstMocks, type RunOutputs } from '../support/run-suite';

/** Conformant APIs: one live, the newest of a few, a use ending the older ones, a newer one ending them after a while. */
const CONFORMANT: readonly FaultName[] = [
  'sign-one-live-challenge',
  'sign-four-live-challenges',
  'sign-use-ends-older-challenges',
  'sign-newer-ends-older-later',
];
/**
 * A broken one a full run side by side used to pass: its expiry is a sweep after each signed
 * request, which other checks' requests ran before SIGN-11's late use. The check goes alone from
 * halfway through the lifetime; the matrix, one requirement's checks at a time, never showed the gap.
 */
const SWEPT: FaultName = 'sign-expiry-swept-after-use';
const VARIANTS: readonly FaultName[] = [...CONFORMANT, SWEPT];

const OUT = path.join('reports', 'self-test', 'live-challenges');

export async function liveChallengeRuns(record: Recorder): Promise<RunOutputs> {
  const out = (fault: FaultName): string => path.join(OUT, fault);
  const { runs, outputs } = await runSuiteAgainstMocks<Summary>(
    VARIANTS.map((fault) => ({ name: fault, fault })),
    // A few at a time: five whole runs at once on two cores would slow each past what it checks.
    [VARIANTS.slice(0, 3), VARIANTS.slice(3)].map((batch) =>
      batch.map((fault) => ({
        name: `${fault} run`,
        config: 'tests/configs/isolated.config.ts',
        env: (mocks) => ({ ...mocks.targetEnv[fault], SELF_TEST_OUT_DIR: out(fault) }),
        summaryFile: path.join(out(fault), 'conformance-summary.json'),
      })),
    ),
  );
  for (const [i, run] of runs.entries()) {
    const s = run.summary;
    const fault = VARIANTS[i]!;
    const ok =
      fault === SWEPT
        ? s?.verdict === 'does-not-conform' && s.failedRequirements.join() === 'SIGN-11'
        : !!s && s.verdict === 'conforms' && s.totals.failed === 0 && s.totals.notJudged === 0;
    const found = s?.liveChallenges ? `, found ${s.liveChallenges} live` : '';
    const told = s
      ? `${s.verdict}: ${s.totals.passed} passed, ${s.totals.failed} failed, ${s.totals.notJudged} not judged${found}${s.failedTests.length ? `; failed: ${s.failedTests.slice(0, 3).join(' | ')}` : ''}`
      : `no summary (Playwright exit ${run.code})`;
    const what = fault === SWEPT ? `${fault}, expiry only by a sweep after each signed request, fails SIGN-11 alone` : `${fault}, a conformant API, conforms`;
    record(`${what} in a run side by side`, ok, `${told} in ${run.seconds.toFixed(1)} s`);
  }
  return outputs;
}
