/**
 * AUTH-05's family: near-misses of the real key, generated from it by position class (issue 18).
 * A server that compares keys loosely (a prefix, a fixed length, case folded, look-alikes mapped,
 * the last character ignored) accepts a neighbour of a named case that a list never named. Each
 * member changes the key once: one character changed, inserted or deleted, its case flipped, or
 * swapped for a look-alike, at the start, the middle or the end (the core), or anywhere (drawn with
 * the run's seed). Each carries the shell expression that rebuilds it from "$CARDPLUSPAY_API_KEY",
 * so a reproduction never spells the key out.
 */
import fc from 'fast-check';
import type { Family, Member } from './family';

export interface NearMiss extends Member {
  /** The near-miss of `key`. */
  make: (key: string) => string;
  /** A shell word that rebuilds it from the variable holding the key (`"${VAR:0:3}x${VAR:4}"`). */
  shell: (variable: string, key: string) => string;
}

type Op = 'change' | 'insert' | 'delete' | 'flip-case' | 'look-alike';

/** Characters a human or an OCR mistakes for each other; a server that "normalises" them accepts the wrong key. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '0': 'O',
  O: '0',
  '1': 'l',
  l: '1',
  I: 'l',
  '5': 'S',
  S: '5',
  '2': 'Z',
  Z: '2',
  '8': 'B',
  B: '8',
  o: '0',
  i: '1',
};

const WHY: Readonly<Record<Op, string>> = {
  change: 'a comparison of a prefix, a fixed length or a hash truncated too short accepts a key with one character changed',
  insert: 'a prefix match or a length-bounded read accepts a key with a character inserted',
  delete: 'a prefix match accepts the key with a character missing (truncated by one, at the end)',
  'flip-case': 'a case-insensitive lookup (a folded index, a case-insensitive collation) accepts the key in another case',
  'look-alike': 'a normalisation of look-alike characters (O and 0, l and 1) accepts a key the user never had',
};

/** A character of the same class as `c`, never `c` itself. */
function otherOf(c: string): string {
  if (/[0-9]/.test(c)) return String((Number(c) + 1) % 10);
  if (/[a-y]/i.test(c)) return String.fromCharCode(c.charCodeAt(0) + 1);
  if (/z/i.test(c)) return c === 'z' ? 'a' : 'A';
  return c === 'x' ? 'y' : 'x';
}

/** Where a position class lands in a key of this length; `at` is a fraction of it for drawn members. */
function indexIn(key: string, at: 'start' | 'middle' | 'end' | number): number {
  if (at === 'start') return 0;
  if (at === 'end') return key.length - 1;
  if (at === 'middle') return Math.floor(key.length / 2);
  return Math.min(key.length - 1, Math.floor(at * key.length));
}

/** The nearest position from `i` whose character the operation can act on (a letter for a case flip, a look-alike's source). */
function actionable(key: string, i: number, op: Op): number {
  const can = (c: string): boolean => (op === 'flip-case' ? /[A-Za-z]/.test(c) : op === 'look-alike' ? c in LOOK_ALIKES : true);
  for (let d = 0; d < key.length; d++) {
    for (const j of [i + d, i - d]) if (j >= 0 && j < key.length && can(key[j]!)) return j;
  }
  return i;
}

const flip = (c: string): string => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());

/** What replaces the character at `i` (nothing for a deletion; the original plus one for an insertion). */
function replacement(key: string, i: number, op: Op): string {
  const c = key[i]!;
  switch (op) {
    case 'change':
      return otherOf(c);
    case 'insert':
      return `${otherOf(c)}${c}`;
    case 'delete':
      return '';
    case 'flip-case':
      return flip(c);
    case 'look-alike':
      return LOOK_ALIKES[c] ?? otherOf(c);
  }
}

const DOING: Readonly<Record<Op, string>> = {
  change: 'one character changed',
  insert: 'one character inserted',
  delete: 'one character deleted',
  'flip-case': "one letter's case flipped",
  'look-alike': 'one character swapped for a look-alike',
};

function nearMiss(op: Op, at: 'start' | 'middle' | 'end' | number): NearMiss {
  const where = typeof at === 'number' ? `at ${Math.round(at * 100)}% of its length` : at === 'middle' ? 'in the middle' : `at the ${at}`;
  const position = (key: string): number => actionable(key, indexIn(key, at), op);
  return {
    id: `${op}-${typeof at === 'number' ? `at-${Math.round(at * 100)}` : at}`,
    title: `with ${DOING[op]} ${where}`,
    why: WHY[op],
    make: (key) => {
      const i = position(key);
      return key.slice(0, i) + replacement(key, i, op) + key.slice(i + 1);
    },
    // One character of a key is no secret (the redactor's pieces are 12): it may stand in the command.
    shell: (variable, key) => {
      const i = position(key);
      const put = replacement(key, i, op).replace(/'/g, `'\\''`);
      return `"\${${variable}:0:${i}}"'${put}'"\${${variable}:${i + 1}}"`;
    },
  };
}

const OPS: readonly Op[] = ['change', 'insert', 'delete', 'flip-case', 'look-alike'];
const PLACES = ['start', 'middle', 'end'] as const;

/** Extended by one character at the end: what a prefix match (`startsWith`) accepts. */
const EXTENDED: NearMiss = {
  id: 'extend-end',
  title: 'extended by one character',
  why: 'a prefix match (startsWith, a LIKE ... % query) accepts the key with anything after it',
  make: (key) => `${key}${otherOf(key[key.length - 1]!)}`,
  shell: (variable, key) => `"\${${variable}}"'${otherOf(key[key.length - 1]!)}'`,
};

export const NEAR_MISSES: Family<NearMiss> = {
  id: 'auth-05-near-misses',
  core: [...OPS.flatMap((op) => PLACES.map((at) => nearMiss(op, at))), EXTENDED],
  arbitrary: fc.tuple(fc.constantFrom(...OPS), fc.integer({ min: 1, max: 99 })).map(([op, pct]) => nearMiss(op, pct / 100)),
  sampled: 5,
  requestsPerMember: 1,
};
