/**
 * Families, not lists (issue 18). A requirement about a class of inputs is checked over the class:
 * each family is a small grammar in code whose members are data with a name and a reason (style.md,
 * "Generators over lists"). Every run checks the family's deterministic core, then draws further
 * members with the run's seed (fast-check, so a seed replays the same draw), up to the family's
 * share of the request budget; `CARDPLUSPAY_EXPLORE` adds requests of exploration on top.
 * The same seed gives the same members in the same order, in every worker and every shard.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';

/** One member of a family: what it sends is the family's business; every member has a name and a reason. */
export interface Member {
  /** Stable and unique in its family: report steps and reproductions name it. */
  id: string;
  /** In a reviewer's words, to follow "the valid key …" or the family's own lead-in. */
  title: string;
  /** Why a server might get it wrong, with the source where there is one (a CVE, a framework's docs). */
  why: string;
}

export interface Family<M extends Member> {
  /** Stable: the seed of its draw derives from it, so a family added later shifts no other's. */
  id: string;
  /** What every run checks, whatever the seed: each kind of member at least once. */
  core: readonly M[];
  /** Draws one member from the whole grammar; absent when the core is the whole family. */
  arbitrary?: fc.Arbitrary<M>;
  /** Members drawn beyond the core in an ordinary run: the family's share of the default budget. */
  sampled: number;
  /** Requests one member costs, so exploration is shared out in requests. */
  requestsPerMember: number;
}

/** What a run draws with: the seed and the requests of exploration granted to this family. */
export interface Draw {
  seed: number;
  /** Extra requests for this family (its share of CARDPLUSPAY_EXPLORE). */
  explore: number;
  /**
   * The core and nothing drawn: the fault self-test's, so a fault it sees caught is caught by the
   * core, whatever a run's seed draws beside it.
   */
  coreOnly?: boolean;
}

/** A family's own seed, from the run's: stable per family, independent of the others. */
function familySeed(runSeed: number, familyId: string): number {
  return crypto.createHash('sha256').update(`${runSeed}:${familyId}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/**
 * The members a run checks: the core, then members drawn with the seed (the default share plus
 * what exploration grants), duplicates of an earlier member (by id) dropped, in a fixed order.
 */
export function membersOf<M extends Member>(family: Family<M>, draw: Draw): M[] {
  const wanted = family.arbitrary && !draw.coreOnly ? family.sampled + Math.floor(draw.explore / family.requestsPerMember) : 0;
  const members = [...family.core];
  if (wanted === 0 || !family.arbitrary) return members;
  const seen = new Set(members.map((m) => m.id));
  // Draw more than needed: a grammar's draws repeat, and repeats are dropped.
  const drawn = fc.sample(family.arbitrary, { seed: familySeed(draw.seed, family.id), numRuns: wanted * 4 + 8 });
  for (const m of drawn) {
    if (members.length - family.core.length >= wanted) break;
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    members.push(m);
  }
  return members;
}

/**
 * Each family's share of the run's exploration requests: an equal share each, so exploring more
 * never starves one family for another.
 */
export function exploreShare(explore: number, families: number): number {
  return families > 0 ? Math.floor(explore / families) : 0;
}
