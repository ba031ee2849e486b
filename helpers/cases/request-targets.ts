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
import { endpointOf, type VariantContext, type VariantMember } from './variants';

/** A request line being spelt: the target (origin-form until the absolute form is applied) and the version. */
interface Spelling {
  target: string;
  httpVersion?: '1.0';
}

/**
 * Where a transform acts: `root` the path's first segment, `base` the segment just before the
 * endpoint's path (the base path's last), `endpoint` the endpoint's first segment, `boundary` the
 * slash between them (for transforms of one character); or a fraction of the path, for drawn members.
 */
type Place = 'root' | 'base' | 'boundary' | 'endpoint' | number;

/** Segment transforms act on the path, tail transforms append to it, line transforms change the request line; a pair applies them in that order. */
type Phase = 'segment' | 'tail' | 'line';

interface Transform {
  id: string;
  /** Follows the endpoint's title: "GET balance with a trailing "."", "… as HTTP/1.0". */
  title: string;
  why: string;
  phase: Phase;
  /** What a place names for it: a character, a segment, or where segments are inserted (segment transforms only). */
  acts?: 'character' | 'segment' | 'before';
  /** Given for transforms that act at a place; tail and line transforms act on the whole. */
  apply: (s: Spelling, at: Place, ctx: SpellContext) => Spelling;
}

interface SpellContext {
  origin: string;
  /** How many segments the endpoint's own path has (`orders/{id}`: 2). */
  endpointSegments: number;
}

const PLACE_WORDS: Readonly<Record<NonNullable<Transform['acts']>, Readonly<Record<Exclude<Place, number>, string>>>> = {
  character: {
    root: 'at the first character',
    base: "at the first character of the segment before the endpoint's path",
    boundary: "at the slash before the endpoint's path",
    endpoint: "at the endpoint's first character",
  },
  segment: {
    root: 'on the first segment',
    base: "on the segment before the endpoint's path",
    boundary: "on the endpoint's first segment",
    endpoint: "on the endpoint's first segment",
  },
  before: {
    root: 'before the first segment',
    base: "before the segment before the endpoint's path",
    boundary: "before the endpoint's path",
    endpoint: "before the endpoint's path",
  },
};

function placeWords(t: Transform, at: Place): string {
  return typeof at === 'number' ? `at ${Math.round(at * 100)}% of the path` : PLACE_WORDS[t.acts ?? 'segment'][at];
}

function placeId(at: Place): string {
  return typeof at === 'number' ? String(Math.round(at * 100)) : at;
}

const segmentsOf = (target: string): string[] => target.slice(1).split('/');
const joined = (segments: readonly string[]): string => `/${segments.join('/')}`;

/** The index of the segment a place names, in the path as it is now (a first transform may have added segments). */
function segmentAt(segments: readonly string[], at: Place, ctx: SpellContext): number {
  const endpoint = Math.max(0, segments.length - ctx.endpointSegments);
  if (at === 'root') return 0;
  if (at === 'endpoint' || at === 'boundary') return endpoint;
  if (at === 'base') return Math.max(0, endpoint - 1);
  return Math.min(segments.length - 1, Math.floor(at * segments.length));
}

/** The index in the target of the character a place names; never 0, the leading slash an origin-form target needs. */
function characterAt(target: string, at: Place, ctx: SpellContext): number {
  if (typeof at === 'number') return 1 + Math.min(target.length - 2, Math.floor(at * (target.length - 1)));
  const segments = segmentsOf(target);
  const i = segmentAt(segments, at, ctx);
  // The first character of segment i sits after i slashes and the segments before it.
  const start = 1 + segments.slice(0, i).reduce((n, s) => n + s.length + 1, 0);
  return at === 'boundary' && start > 1 ? start - 1 : Math.min(start, target.length - 1);
}

/** The index nearest to `i` whose segment `applies` holds for; `i` when none does. */
function nearest(segments: readonly string[], i: number, applies: (segment: string) => boolean): number {
  for (let d = 0; d < segments.length; d++) for (const j of [i + d, i - d]) if (j >= 0 && j < segments.length && applies(segments[j]!)) return j;
  return i;
}

const hex = (c: string): string => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

/** One character of the path replaced by what `encode` makes of it. */
function character(id: string, title: string, why: string, encode: (c: string) => string): Transform {
  return {
    id,
    title,
    why,
    phase: 'segment',
    acts: 'character',
    apply: (s, at, ctx) => {
      const i = characterAt(s.target, at, ctx);
      return { ...s, target: s.target.slice(0, i) + encode(s.target[i]!) + s.target.slice(i + 1) };
    },
  };
}

/** One segment changed; `applies` picks the nearest segment it can change (a case flip needs a letter). */
function segment(id: string, title: string, why: string, change: (segment: string) => string, applies: (segment: string) => boolean = () => true): Transform {
  return {
    id,
    title,
    why,
    phase: 'segment',
    acts: 'segment',
    apply: (s, at, ctx) => {
      const segments = segmentsOf(s.target);
      const i = nearest(segments, segmentAt(segments, at, ctx), applies);
      segments[i] = change(segments[i]!);
      return { ...s, target: joined(segments) };
    },
  };
}

/** Segments inserted before the one a place names: the path resolves to the same endpoint on a server that reads them as the transform's source says. */
function inserted(id: string, title: string, why: string, insert: readonly string[]): Transform {
  return {
    id,
    title,
    why,
    phase: 'segment',
    acts: 'before',
    apply: (s, at, ctx) => {
      const segments = segmentsOf(s.target);
      segments.splice(segmentAt(segments, at, ctx), 0, ...insert);
      return { ...s, target: joined(segments) };
    },
  };
}

function trailing(id: string, suffix: string, title: string, why: string): Transform {
  return { id, title, why, phase: 'tail', apply: (s) => ({ ...s, target: s.target + suffix }) };
}

/** Overlong UTF-8 (RFC 3629 forbids it): the two-byte form of an ASCII character, `/` as %C0%AF. */
function overlong(c: string): string {
  const code = c.charCodeAt(0);
  if (code > 0x7f) return encodeURIComponent(c);
  return `%${hex(String.fromCharCode(0xc0 | (code >> 6)))}%${hex(String.fromCharCode(0x80 | (code & 0x3f)))}`;
}

export const TRANSFORMS: readonly Transform[] = [
  character(
    'percent-encode',
    'with one character percent-encoded',
    'RFC 3986 2.3: an encoded unreserved character is the same URI, and routers decode before matching; an auth rule on the raw path does not (CVE-2019-9901 kin). %2F for "/" is decoded by some routers only (Tomcat ALLOW_ENCODED_SLASH, Envoy CVE-2021-29492)',
    (c) => `%${hex(c)}`,
  ),
  character(
    'percent-encode-lower',
    'with one character percent-encoded in lower-case hex',
    'RFC 3986 2.1: hex digits are case-insensitive; a guard that matches %2F misses %2f while the router decodes both',
    (c) => `%${hex(c).toLowerCase()}`,
  ),
  character(
    'double-encode',
    'with one character percent-encoded twice (%25XX)',
    'a second decode (IIS double decoding, CVE-2001-0333; a framework decoding what a proxy already decoded) turns %252F into "/"',
    (c) => `%25${hex(c)}`,
  ),
  character(
    'overlong-utf8',
    'with one character as overlong UTF-8 (%C0%AF for "/")',
    'lenient UTF-8 decoders read an overlong sequence as the ASCII character (IIS "Unicode" traversal, CVE-2000-0884; RFC 3629 forbids it)',
    overlong,
  ),
  segment(
    'semicolon-param',
    'with a ;x=1 parameter',
    'Tomcat and Spring drop ;params from a segment after routing (RFC 3986 3.3), and Apache Shiro cut the path at ";" before its auth check (CVE-2020-1957, CVE-2020-11989)',
    (s) => `${s};x=1`,
  ),
  inserted(
    'dot-dot-semicolon',
    'with x/..;/ inserted',
    'Tomcat reads "..;" as ".." while a front end sees an ordinary segment (Orange Tsai, "Breaking Parser Logic", Black Hat USA 2018)',
    ['x', '..;'],
  ),
  inserted('dot-segment', 'with ./ inserted', 'RFC 3986 5.2.4: routers remove dot segments, an exact-match auth rule does not', ['.']),
  inserted(
    'dot-dot-segment',
    'with x/../ inserted',
    'Envoy matched routes before resolving ".." (CVE-2019-9901); routers resolve it, exact-match rules do not',
    ['x', '..'],
  ),
  inserted(
    'empty-segment',
    'with an empty segment (a doubled slash)',
    "nginx's merge_slashes and many routers merge empty segments, an exact-match rule does not (Envoy's merge_slashes option came after CVE-2019-9901)",
    [''],
  ),
  {
    id: 'backslash',
    title: 'with a backslash for the slash',
    why: 'IIS, ASP.NET and WHATWG URL parsers read "\\" as "/" in http(s) URLs; a rule on "/" does not',
    phase: 'segment',
    acts: 'before',
    apply: (s, at, ctx) => {
      const segments = segmentsOf(s.target);
      // The slash before segment i; the leading slash stays (an origin-form target starts with "/").
      const i = Math.max(1, segmentAt(segments, at, ctx));
      if (segments.length < 2) return s;
      return { ...s, target: `${joined(segments.slice(0, i))}\\${segments.slice(i).join('/')}` };
    },
  },
  segment(
    'segment-case',
    'with one segment in upper case',
    'case-insensitive routing (IIS, ASP.NET, Spring with case-insensitive matching) against a case-sensitive rule: Spring Security CVE-2016-5007',
    (s) => (s.toUpperCase() !== s ? s.toUpperCase() : s.toLowerCase()),
    (s) => /[A-Za-z]/.test(s),
  ),
  trailing(
    'trailing-slash',
    '/',
    'with a trailing "/"',
    "Spring MVC matched a trailing slash by default until 6.0, Express's non-strict routing still does; an exact-match rule does not",
  ),
  trailing('trailing-dot', '.', 'with a trailing "."', 'Windows and IIS drop trailing dots from a name (Win32 path rules), so /balance. can reach /balance'),
  trailing(
    'trailing-space',
    '%20',
    'with a trailing %20',
    'trailing spaces are trimmed from a name as trailing dots are; nginx CVE-2013-4547 let an unescaped space pass its location rules',
  ),
  trailing('trailing-nul', '%00', 'with a trailing %00', 'a NUL byte ends the path for C-string code (nginx CVE-2013-4547, PHP before 5.3.4)'),
  trailing(
    'trailing-question',
    '?',
    'with an empty query "?"',
    'a rule comparing the whole request-target misses an empty query; the router reads the path only',
  ),
  trailing(
    'trailing-query',
    '?anything',
    'with a query "?anything"',
    'a rule comparing the whole request-target misses a query; the router reads the path only',
  ),
  trailing(
    'trailing-hash',
    '#',
    'with a trailing "#"',
    'a fragment is never sent by a client; a server that parses the target as a URL drops it, a rule on the raw bytes does not',
  ),
  trailing(
    'extension',
    '.json',
    'with a .json extension',
    "suffix pattern matching (Spring MVC's, on by default before 5.3; Rails formats) serves /balance.json as /balance",
  ),
  {
    id: 'absolute-form',
    title: 'in the absolute form (https://host/…)',
    why: 'RFC 9112 3.2.2: a server must accept the absolute form; an auth layer that takes the path from the request-target bytes sees no "/v1/" prefix in it',
    phase: 'line',
    apply: (s, _at, ctx) => ({ ...s, target: `${ctx.origin}${s.target}` }),
  },
  {
    id: 'http-1.0',
    title: 'as HTTP/1.0',
    why: 'RFC 9112 2.6: servers accept HTTP/1.0, which takes other code paths (no Host required, no keep-alive by default); a rule keyed on them misses it',
    phase: 'line',
    apply: (s) => ({ ...s, httpVersion: '1.0' }),
  },
];

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
