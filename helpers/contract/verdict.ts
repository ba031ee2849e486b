/**
 * The verdict's vocabulary (docs/interface.md), shared by the summary that gives the suite's
 * verdict on a target, the mock's fault catalogue that states which one each fault must produce,
 * and the mock's client checker (mock/client-check/) that gives a verdict on a client: one rule,
 * so "conforms" means the same of a target and of a client.
 */
import type { Level } from './requirements';

/** The annotation a not-judged test carries; its description is the reason (helpers/client/not-judged.ts). */
export const NOT_JUDGED = 'not-judged';

/** Every not-judged reason starts with this, so reports and categories can tell it from a failure. */
export const NOT_JUDGED_PREFIX = 'not judged: ';

/** conforms (exit status 0), does-not-conform (1), could-not-judge (3). */
export type Verdict = 'conforms' | 'does-not-conform' | 'could-not-judge';

/** The exit status of each verdict (interface.md). */
export const EXIT_STATUS: Record<Verdict, number> = { conforms: 0, 'does-not-conform': 1, 'could-not-judge': 3 };

/**
 * `not-judged` (SAFE-07): a check of the requirement could not reach a judgement (the target was
 * unreachable, timed out, stayed rate-limited, or a limit of the run was reached; for a client, a
 * trap it was asked to face saw nothing) and none failed. Neither held nor failed: the run cannot say.
 */
export type RequirementStatus = 'passed' | 'failed' | 'skipped' | 'not-judged';

export interface RequirementVerdict {
  level: Level;
  status: RequirementStatus;
  tests: number;
  failedTests: number;
  /** Tests of it that could not be judged. */
  notJudgedTests: number;
  /** Only when skipped or not judged: why, the distinct reasons joined with "; ". */
  reason?: string;
  /** Only when skipped or not judged: the distinct reasons, sorted (what a merge of shards unites). */
  reasons?: string[];
}

/**
 * SAFE-07: "does-not-conform" when a `must` failed (a `should` too, with failOnShould), even if
 * other checks could not be judged; else "could-not-judge" when a `must` was not judged or none
 * was judged at all (skips for unconfigured credentials do not stop "conforms" on their own).
 * A shard (`partial`) is judged on its own tests: it may hold no `must` at all.
 */
export function runVerdict(requirements: Partial<Record<string, RequirementVerdict>>, failOnShould: boolean, partial = false): Verdict {
  const entries = Object.values(requirements).filter((v): v is RequirementVerdict => !!v);
  if (entries.some((v) => v.status === 'failed' && (v.level === 'must' || failOnShould))) return 'does-not-conform';
  const musts = entries.filter((v) => v.level === 'must');
  if (musts.some((v) => v.status === 'not-judged') || (!partial && !musts.some((v) => v.status === 'passed'))) return 'could-not-judge';
  return 'conforms';
}
