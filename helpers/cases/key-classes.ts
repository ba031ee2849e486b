/**
 * AUTH-12's and AUTH-08's family: every class of failing key on every endpoint (issue 18). An
 * endpoint that checks the key its own way (a route registered outside the auth middleware, a
 * handler that looks the key up itself, a challenge endpoint that checks existence but not status)
 * lets one class through where the others fail. The core is every class on every endpoint that may
 * receive it, each run; the draw adds malformed keys of other shapes (near-misses at any position)
 * on the endpoints a configured key may go to.
 *
 * A class derived from a configured key (the revoked key, which is one; a malformed key, made from
 * the valid one) goes only to the endpoints on the key allowlist (SAFE-03: the non-spending routes
 * of ENDPOINTS, helpers/client/spend-guard.ts): never to `POST orders`, which spends, nor to `GET /`,
 * which is not on it. Those two get the classes that carry no configured key: missing and never-issued.
 */
import fc from 'fast-check';
import { ENDPOINTS, ROOT_ENDPOINT, type Endpoint } from '../contract/endpoints';
import type { RequirementId } from '../contract/requirements';
import type { Family, Member } from './family';
import type { Keys } from './keys';
import { KEY_UNCHANGED, NEAR_MISSES, type NearMiss } from './near-misses';
import type { Stand } from './reproduce';

/** The variable a reproduction reads the valid key from (helpers/cases/stands.ts). */
const VALID_KEY_VARIABLE = 'CARDPLUSPAY_API_KEY';

export interface KeyOnEndpoint extends Member {
  endpoint: Endpoint;
  /** `revoked` needs the configured revoked key (the `revokedKey` fixture); the others every run has. */
  keyClass: 'missing' | 'never-issued' | 'malformed' | 'revoked';
  /** AUTH-08 for the revoked key, AUTH-12 ("every endpoint enforces the key") for the rest. */
  requirement: Extract<RequirementId, 'AUTH-08' | 'AUTH-12'>;
  /** What X-API-Key carries; undefined sends none. */
  key: (keys: Keys) => string | undefined;
  /** Why the member is not sent with these keys (a near-miss that would be the valid key itself); undefined when it is. */
  unsent?: (keys: Keys) => string | undefined;
  /** A value derived from a configured key, and the shell word that rebuilds it (a reproduction never spells a key). */
  stands: (keys: Keys) => Stand[];
}

/** Endpoints a configured key, or a value made from one, may be sent to: the allowlist's routes. */
const KEYED: readonly Endpoint[] = ENDPOINTS.filter((e) => !e.spends);
/** Every endpoint AUTH-12 names, and `GET /` (checked only when configured as protected). */
const EVERY: readonly Endpoint[] = [...ENDPOINTS, ROOT_ENDPOINT];

const TRUNCATED = NEAR_MISSES.core.find((m) => m.id === 'delete-end')!;

function member(
  endpoint: Endpoint,
  keyClass: KeyOnEndpoint['keyClass'],
  title: string,
  rest: Pick<KeyOnEndpoint, 'why' | 'key' | 'stands' | 'unsent'>,
): KeyOnEndpoint {
  return {
    id: `${endpoint.id}-${keyClass}`,
    title: `${endpoint.title} with ${title}`,
    endpoint,
    keyClass,
    requirement: keyClass === 'revoked' ? 'AUTH-08' : 'AUTH-12',
    ...rest,
  };
}

const none = (): Stand[] => [];

function missing(endpoint: Endpoint): KeyOnEndpoint {
  return member(endpoint, 'missing', 'a missing key', {
    why: 'a route registered outside the auth middleware (or before it) serves a request with no key at all',
    key: () => undefined,
    stands: none,
  });
}

function neverIssued(endpoint: Endpoint): KeyOnEndpoint {
  return member(endpoint, 'never-issued', 'a never-issued key', {
    why: 'a handler that checks only that a key is present, or that it looks like one, serves any well-formed key',
    key: (k) => k.invalid,
    stands: none,
  });
}

function malformed(endpoint: Endpoint, nearMiss: NearMiss = TRUNCATED): KeyOnEndpoint {
  const m = member(endpoint, 'malformed', `the valid key ${nearMiss.title}`, {
    why: `an endpoint that compares keys its own way: ${nearMiss.why}`,
    key: (k) => nearMiss.make(k.valid),
    stands: (k) => {
      const made = nearMiss.make(k.valid);
      return made === undefined ? [] : [{ value: made, shell: nearMiss.shell(VALID_KEY_VARIABLE, k.valid) }];
    },
    unsent: (k) => (nearMiss.make(k.valid) === undefined ? KEY_UNCHANGED : undefined),
  });
  // The core's malformed key keeps the class's plain name; a drawn one says which near-miss it is.
  return nearMiss === TRUNCATED ? { ...m, title: `${endpoint.title} with a malformed key` } : { ...m, id: `${m.id}-${nearMiss.id}` };
}

function revoked(endpoint: Endpoint): KeyOnEndpoint {
  return member(endpoint, 'revoked', 'the revoked key', {
    why: 'an endpoint that looks the key up without checking that it is still active serves a revoked key',
    key: (k) => k.revoked,
    // The configured revoked key stands as its own variable (standsFor); nothing else derives from it.
    stands: none,
  });
}

export const KEY_CLASSES_ON_ENDPOINTS: Family<KeyOnEndpoint> = {
  id: 'auth-12-key-classes-on-endpoints',
  core: EVERY.flatMap((e) => [missing(e), neverIssued(e), ...(KEYED.includes(e) ? [malformed(e), revoked(e)] : [])]),
  arbitrary: fc.tuple(fc.constantFrom(...KEYED), NEAR_MISSES.arbitrary!).map(([e, m]) => malformed(e, m)),
  sampled: 4,
  requestsPerMember: 1,
};
