/**
 * AUTH-14's request-target family (issue 18): spellings of an endpoint's request line that a front
 * end and a router may read differently. Each transform is one way servers disagree (percent-
 * encoding, `;params`, dot and empty segments, backslash, case, trailing characters, the absolute
 * form, HTTP/1.0), with its source; a member is one or two of them, each at a place in the path,
 * applied to one endpoint. The core has every transform once, every GET endpoint (and the
 * challenge endpoint) at least once, and the pairs real bypasses used; drawn members are any two
 * transforms at any place, on any endpoint. Spellings are never resolved, decoded or normalised:
 * the raw client sends them byte for byte.
 */
import fc from 'fast-check';
import { ENDPOINTS } from '../contract/endpoints';
import type { Family } from './family';
import { TRANSFORMS, placeId, placeWords, type Phase, type Place, type SpellContext, type Spelling, type Transform } from './target-transforms';
import { endpointOf, type VariantContext, type VariantMember } from './variants';

const transform = (id: string): Transform => {
  const t = TRANSFORMS.find((x) => x.id === id);
  if (!t) throw new Error(`No request-target transform ${id}`);
  return t;
};

/** Whether a transform's place matters: tail and line transforms act on the whole. */
const placed = (t: Transform): boolean => t.phase === 'segment';

interface Step {
  transform: Transform;
  at: Place;
}

const PHASES: readonly Phase[] = ['segment', 'tail', 'line'];

/** The endpoints AUTH-14 spells, by id, with their titles from the endpoint table. */
const SPELT_ENDPOINTS = ['balance', 'catalog', 'orders', 'order', 'challenge'] as const;
type SpeltEndpoint = (typeof SPELT_ENDPOINTS)[number];

const endpointTitle = (id: SpeltEndpoint): string => ENDPOINTS.find((e) => e.id === id)!.title;

export interface TargetSpelling extends VariantMember {
  endpoint: SpeltEndpoint;
}

/** One member: the steps applied to the endpoint's path, segment steps first, then tail, then line. */
function spelling(endpoint: SpeltEndpoint, steps: readonly Step[], why?: string): TargetSpelling {
  const ordered = [...steps].sort((a, b) => PHASES.indexOf(a.transform.phase) - PHASES.indexOf(b.transform.phase));
  const named = (s: Step): string => (placed(s.transform) ? `${s.transform.id}@${placeId(s.at)}` : s.transform.id);
  const told = (s: Step): string => (placed(s.transform) ? `${s.transform.title} ${placeWords(s.transform, s.at)}` : s.transform.title);
  return {
    id: `${ordered.map(named).join('+')}:${endpoint}`,
    title: `${endpointTitle(endpoint)} ${ordered.map(told).join(', then ')}`,
    why: why ?? ordered.map((s) => s.transform.why).join('; and '),
    endpoint,
    meaning: 'the auth layer did not cover this spelling',
    requests: (ctx: VariantContext) => {
      const e = endpointOf(ctx, endpoint);
      const spell: SpellContext = { origin: ctx.origin, endpointSegments: e.path.split('/').length };
      const out = ordered.reduce<Spelling>((s, step) => step.transform.apply(s, step.at, spell), { target: `${ctx.basePath}${e.path}` });
      return [{ method: e.method, target: out.target, headers: [], ...(out.httpVersion ? { httpVersion: out.httpVersion } : {}) }];
    },
  };
}

const one = (id: string, endpoint: SpeltEndpoint, at: Place = 'endpoint'): TargetSpelling => spelling(endpoint, [{ transform: transform(id), at }]);

/**
 * Every transform once, every GET endpoint (and the challenge endpoint) at least once, where the
 * places that matter for real front ends are: the boundary between the base path and the endpoint
 * (what a prefix rule guards), then the pairs real bypasses used.
 */
const CORE: readonly TargetSpelling[] = [
  one('percent-encode', 'balance'),
  one('percent-encode-lower', 'catalog', 'boundary'),
  one('double-encode', 'orders', 'boundary'),
  one('overlong-utf8', 'balance', 'boundary'),
  one('semicolon-param', 'catalog', 'base'),
  one('dot-dot-semicolon', 'balance'),
  one('dot-segment', 'order'),
  one('dot-dot-segment', 'orders'),
  one('empty-segment', 'catalog', 'root'),
  one('backslash', 'orders'),
  one('segment-case', 'balance'),
  one('trailing-slash', 'challenge'),
  one('trailing-dot', 'balance'),
  one('trailing-space', 'catalog'),
  one('trailing-nul', 'order'),
  one('trailing-question', 'orders'),
  one('trailing-query', 'catalog'),
  one('trailing-hash', 'balance'),
  one('extension', 'orders'),
  one('absolute-form', 'balance'),
  one('http-1.0', 'catalog'),
  spelling(
    'balance',
    [
      { transform: transform('empty-segment'), at: 'root' },
      { transform: transform('semicolon-param'), at: 'root' },
    ],
    'Apache Shiro cut "/;x=1/v1/balance" at ";" and saw "/", a public path, while Spring routed it (CVE-2020-11989)',
  ),
  spelling(
    'catalog',
    [
      { transform: transform('dot-dot-segment'), at: 'endpoint' },
      { transform: transform('percent-encode-lower'), at: 'base' },
    ],
    'Apache 2.4.49 resolved "..", not ".%2e" or "%2e.", before its access rules, and decoded it after (CVE-2021-41773)',
  ),
  spelling(
    'orders',
    [
      { transform: transform('segment-case'), at: 'endpoint' },
      { transform: transform('trailing-slash'), at: 'endpoint' },
    ],
    'case-insensitive matching with a trailing slash: Spring Security matched /ORDERS/ differently from Spring MVC (CVE-2016-5007)',
  ),
  spelling(
    'balance',
    [
      { transform: transform('dot-dot-segment'), at: 'endpoint' },
      { transform: transform('backslash'), at: 'endpoint' },
    ],
    'IIS reads "x/..\\balance" as "balance": a backslash is a slash there, so the ".." climbs (the IIS traversal family)',
  ),
];

/** Any two different transforms, each at any place, on any endpoint AUTH-14 spells. */
const place = fc.integer({ min: 0, max: 99 }).map((n) => n / 100);

export const REQUEST_TARGETS: Family<TargetSpelling> = {
  id: 'auth-14-request-targets',
  core: CORE,
  arbitrary: fc
    .tuple(fc.constantFrom(...TRANSFORMS), place, fc.constantFrom(...TRANSFORMS), place, fc.constantFrom(...SPELT_ENDPOINTS))
    .filter(([a, , b]) => a !== b)
    .map(([a, atA, b, atB, endpoint]) =>
      spelling(endpoint, [
        { transform: a, at: atA },
        { transform: b, at: atB },
      ]),
    ),
  sampled: 20,
  requestsPerMember: 2,
};
