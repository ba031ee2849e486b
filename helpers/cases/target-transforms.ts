/**
 * The transforms AUTH-14's request-target family composes (request-targets.ts): each one way a
 * front end and a router may read a request line differently (percent-encoding, `;params`, dot and
 * empty segments, backslash, case, trailing characters, the absolute form, HTTP/1.0), with its
 * source, and the words that say where in the path it acts. A table: one row per transform.
 */
/** A request line being spelt: the target (origin-form until the absolute form is applied) and the version. */
export interface Spelling {
  target: string;
  httpVersion?: '1.0';
}

/**
 * Where a transform acts: `root` the path's first segment, `base` the segment just before the
 * endpoint's path (the base path's last), `endpoint` the endpoint's first segment, `boundary` the
 * slash between them (for transforms of one character); or a fraction of the path, for drawn members.
 */
export type Place = 'root' | 'base' | 'boundary' | 'endpoint' | number;

/** Segment transforms act on the path, tail transforms append to it, line transforms change the request line; a pair applies them in that order. */
export type Phase = 'segment' | 'tail' | 'line';

export interface Transform {
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

export interface SpellContext {
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

export function placeWords(t: Transform, at: Place): string {
  return typeof at === 'number' ? `at ${Math.round(at * 100)}% of the path` : PLACE_WORDS[t.acts ?? 'segment'][at];
}

export function placeId(at: Place): string {
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
