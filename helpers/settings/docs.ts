/**
 * The tables of docs/settings.md, generated from the catalogue so that the docs cannot drift from
 * what loadSettings reads: tests/unit/docs-tables.spec.ts compares them and prints what to paste.
 */
import { SETTINGS } from './catalogue';
import { INTERNAL_SETTINGS } from './internal';

/** Where a generated table sits in docs/settings.md, between these two lines. */
export const GENERATED = {
  settings: {
    begin: '<!-- settings table: generated from helpers/settings/catalogue.ts (helpers/settings/docs.ts); edit the catalogue, not this table -->',
    end: '<!-- end of settings table -->',
  },
  internal: {
    begin: "<!-- runner's variables: generated from helpers/settings/internal.ts (helpers/settings/docs.ts); edit that file, not this table -->",
    end: "<!-- end of runner's variables -->",
  },
} as const;

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function settingsTable(): string {
  return ['| variable | meaning | default |', '|---|---|---|', ...SETTINGS.map((s) => `| \`${s.name}\` | ${cell(s.meaning)} | ${cell(s.default)} |`)].join(
    '\n',
  );
}

export function internalTable(): string {
  return ['| variable | what the runner tells its workers |', '|---|---|', ...INTERNAL_SETTINGS.map((s) => `| \`${s.name}\` | ${cell(s.meaning)} |`)].join(
    '\n',
  );
}
