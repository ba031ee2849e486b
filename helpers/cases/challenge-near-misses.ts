/**
 * SIGN-08's family: near-misses of an issued challenge (issue 18), each signed correctly with the
 * account's key, so only "never issued" tells it from the real one. The same one-change grammar as
 * AUTH-05's near-misses of the key (near-misses.ts: one character changed, inserted, deleted, its
 * case flipped, swapped for a look-alike, at a position class; or extended by one), with a
 * challenge store's reasons to accept each. The core holds each kind once, at the position where a
 * store's shortcut shows (the end for a prefix compare, the start for a case fold); drawn members
 * act at any position. Each rebuilds itself from "$FRESH_CHALLENGE" in its reproduction.
 */
import type { Family, Member } from './family';
import { EXTENDED, anyOneChange, oneChange, type OneChange } from './near-misses';

export interface ChallengeNearMiss extends Member {
  /** The near-miss of the issued challenge; undefined when it has nothing the change acts on (a case flip of a challenge without a letter). */
  make: (challenge: string) => string | undefined;
  /** A shell word that rebuilds it from the variable holding a challenge. */
  shell: (variable: string, challenge: string) => string;
}

const WHY: Readonly<Record<OneChange['op'], string>> = {
  change:
    "a store that compares only the first characters (a prefix index, strncmp with a short length), or the challenge's decoded bytes (a Base64 challenge's last character carries spare bits), finds the issued challenge",
  insert: 'a store that compares a fixed number of leading characters finds the issued challenge however the rest differs',
  delete: 'a lookup by prefix (the presented value used as a LIKE pattern, issued.startsWith(presented)) finds the issued challenge from a truncated one',
  'flip-case': "a case-insensitive collation (MySQL's default utf8mb4_0900_ai_ci, SQL Server's default) finds the issued challenge in another case",
  'look-alike': 'a lookup that normalises confusable characters (Unicode NFKC, an OCR-friendly alphabet) finds a challenge that was never issued',
  extend:
    'a column narrower than the value presented (MySQL outside strict mode truncates to its width), or presented.startsWith(issued), finds the issued challenge',
};

function challengeNearMiss(change: OneChange): ChallengeNearMiss {
  const { id, title, make, shell } = change;
  return { id, title, why: WHY[change.op], make, shell };
}

export const CHALLENGE_NEAR_MISSES: Family<ChallengeNearMiss> = {
  id: 'sign-08-challenge-near-misses',
  core: [
    oneChange('change', 'end'),
    oneChange('insert', 'middle'),
    oneChange('delete', 'end'),
    oneChange('flip-case', 'start'),
    oneChange('look-alike', 'middle'),
    EXTENDED,
  ].map(challengeNearMiss),
  arbitrary: anyOneChange.map(challengeNearMiss),
  sampled: 2,
  // One issued challenge serves every member of a test: a near-miss never names it, so refusing one uses nothing up.
  requestsPerMember: 1,
};
