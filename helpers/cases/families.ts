/**
 * Every family of the suite (issue 18), and the draw a run makes from them: the seed, and each
 * family's equal share of CARDPLUSPAY_EXPLORE. docs/families.md cites each family's sources.
 */
import type { RequirementId } from '../contract/requirements';
import type { Settings } from '../settings/types';
import { exploreShare, membersOf, type Draw, type Family, type Member } from './family';
import { KEY_CLASSES_ON_ENDPOINTS } from './key-classes';
import { CHALLENGE_NEAR_MISSES } from './challenge-near-misses';
import { NEAR_MISSES } from './near-misses';
import { CREDENTIAL_PLACES } from './places';
import { OTHER_ACCOUNTS_ORDERS } from './other-accounts';
import { DISALLOWED_SIGNATURES } from './signatures';
import { REQUEST_TARGETS } from './request-targets';
import { CLIENT_IDENTITY } from './client-identity';

/**
 * The most requests a whole run's default sample sends to a real target (issue 18: at most 1.5
 * times the 406 of the lists the families replaced); CARDPLUSPAY_EXPLORE adds to it. A self-test
 * holds the conformant mock's run to it.
 */
export const REQUEST_BUDGET = 609;

/**
 * The requirements checked over a family: the self-test runs each fault that breaks one of them
 * against the families' cores alone (CARDPLUSPAY_MOCK_CORE_ONLY), so a fault it sees caught is
 * caught whatever a run's seed draws beside the core.
 */
export const FAMILY_REQUIREMENTS: readonly RequirementId[] = [
  'AUTH-05',
  'AUTH-08',
  'AUTH-09',
  'AUTH-12',
  'AUTH-14',
  'AUTH-15',
  'SIGN-05',
  'SIGN-07',
  'SIGN-08',
];

const FAMILIES: ReadonlyArray<Family<Member>> = [
  NEAR_MISSES,
  CREDENTIAL_PLACES,
  KEY_CLASSES_ON_ENDPOINTS,
  OTHER_ACCOUNTS_ORDERS,
  DISALLOWED_SIGNATURES,
  CHALLENGE_NEAR_MISSES,
  REQUEST_TARGETS,
  CLIENT_IDENTITY,
];

/** What this run draws with: its seed (0 for a run that has none, such as the self-test's) and a family's share of exploration. */
export function drawFor(settings: Pick<Settings, 'seed' | 'explore' | 'coreOnly'>): Draw {
  return { seed: settings.seed ?? 0, explore: exploreShare(settings.explore, FAMILIES.length), coreOnly: settings.coreOnly };
}

/** The members this run draws beyond the family's core: what its "drawn with the run's seed" test checks. */
export function drawnOf<M extends Member>(family: Family<M>, settings: Pick<Settings, 'seed' | 'explore' | 'coreOnly'>): M[] {
  return membersOf(family, drawFor(settings)).slice(family.core.length);
}
