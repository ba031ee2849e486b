/**
 * How one setting is read: the entry every setting of the catalogue is (its variable, its meaning
 * and default for docs/settings.md, its parser), and the small value parsers the entries share.
 */
import fs from 'node:fs';
import type { Settings } from './types';

export type Env = Record<string, string | undefined>;

/** Refuses a named variable: "Cannot start: NAME why. fix". */
export type Refuse = (name: string, why: string, fix: string) => void;
/** Refuses the variable being read. */
export type Refusal = (why: string, fix: string) => void;

/** What the settings read so far produced: Settings, with the challenge endpoint's parts flat. */
export type Draft = Omit<Settings, 'challenge'> & {
  challengePath: string;
  challengeMethod: Settings['challenge']['method'];
  challengePointer: string;
  challengeTtlSeconds: number;
};

/** What a parser gets besides its variable's value. */
interface Reading {
  /** The whole environment, for a variable read together with this one. */
  env: Env;
  /** What the settings before this one in the catalogue produced. */
  draft: Readonly<Partial<Draft>>;
  refuse: Refusal;
  /** Refuses another variable this parser reads. */
  refuseAs: Refuse;
}

/** One setting a user may give, as docs/settings.md lists it. */
interface SettingDoc {
  name: string;
  /** What it means; Markdown, as the docs' table shows it. */
  meaning: string;
  /** What leaving it unset means; Markdown. */
  default: string;
}

/**
 * A setting of the catalogue: it parses its variable, or names the setting whose parser reads it
 * too (a signing key and its private-key file, the three time limits that derive from each other).
 */
export type Setting = SettingDoc & ({ parse: (raw: string | undefined, reading: Reading) => Partial<Draft> } | { readWith: string });

/** A rule across settings, checked where it stands in the catalogue (so refusals keep their order). */
export interface Rule {
  rule: string;
  check: (reading: Omit<Reading, 'refuse'>) => void;
}

export function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T, refuse: Refusal): T {
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  refuse(`has unknown value "${raw}"`, `Use one of: ${allowed.join(', ')}.`);
  return fallback;
}

/** A flag's value, or undefined when it is neither on nor off. */
export function flagValue(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return undefined;
}

export function flag(raw: string | undefined, refuse: Refusal): boolean {
  const value = flagValue(raw);
  if (value === undefined) refuse(`has unknown value "${raw}"`, 'Use 1 (on) or 0 (off).');
  return value ?? false;
}

export function parseUrl(raw: string, base?: string): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

export function readable(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Shows control and non-ASCII characters of a setting's value as \xNN. */
export function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A URL's href ending with "/", so relative paths join under it (docs/pitfalls.md, "baseURL joins like new URL"). */
export function withSlash(url: URL): string {
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
