/** The small value parsers the settings share: flags, enumerations, URLs, files. */
import fs from 'node:fs';

export type Env = Record<string, string | undefined>;

export type Refuse = (name: string, why: string, fix: string) => void;

export function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T, name: string, refuse: Refuse): T {
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  refuse(name, `has unknown value "${raw}"`, `Use one of: ${allowed.join(', ')}.`);
  return fallback;
}

/** A flag's value, or undefined when it is neither on nor off. */
export function flagValue(raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return undefined;
}

export function flag(raw: string | undefined, name: string, refuse: Refuse): boolean {
  const value = flagValue(raw);
  if (value === undefined) refuse(name, `has unknown value "${raw}"`, 'Use 1 (on) or 0 (off).');
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
