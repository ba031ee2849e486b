/**
 * One source for the settings table: docs/settings.md shows what the catalogue generates, and the
 * catalogue documents every variable the settings modules read. A failure prints what to paste.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { SETTING_NAMES, SETTINGS } from '../../helpers/settings/catalogue';
import { GENERATED, internalTable, settingsTable } from '../../helpers/settings/docs';
import { INTERNAL_NAMES } from '../../helpers/settings/internal';
import { MOCK_TTL_SECONDS } from '../../mock/server';

const ROOT = path.resolve(__dirname, '..', '..');
const DOC = 'docs/settings.md';
const doc = (): string => fs.readFileSync(path.join(ROOT, DOC), 'utf8');

/** The text between a generated table's marker lines, or undefined when a marker is missing. */
function between(text: string, begin: string, end: string): string | undefined {
  const from = text.indexOf(begin);
  const to = text.indexOf(end, from);
  return from < 0 || to < 0 ? undefined : text.slice(from + begin.length, to).trim();
}

for (const [which, generate] of [
  ['settings', settingsTable],
  ['internal', internalTable],
] as const) {
  test(`${DOC} shows the ${which} table the catalogue generates`, () => {
    const { begin, end } = GENERATED[which];
    const expected = generate();
    expect(between(doc(), begin, end), `${DOC} is out of date: replace its table, markers included, with\n\n${begin}\n${expected}\n${end}\n`).toBe(expected);
  });
}

test('every setting is in the docs with its meaning and default; a variable read with another names one that parses before it', () => {
  expect(new Set(SETTING_NAMES).size, 'each setting once').toBe(SETTING_NAMES.length);
  for (const setting of SETTINGS) {
    expect(doc(), `${setting.name} has a row in ${DOC}`).toContain(`| \`${setting.name}\` |`);
    expect(setting.meaning.trim(), `${setting.name} says what it means`).not.toBe('');
    expect(setting.default.trim(), `${setting.name} says what unset means`).not.toBe('');
    if (!('readWith' in setting)) continue;
    const reader = SETTINGS.findIndex((s) => s.name === setting.readWith);
    expect(reader >= 0 && 'parse' in SETTINGS[reader]!, `${setting.name} is read with ${setting.readWith}, a setting that parses`).toBe(true);
    expect(reader, `${setting.readWith} comes before ${setting.name}`).toBeLessThan(SETTINGS.indexOf(setting));
  }
});

test("every CARDPLUSPAY_* variable the settings modules name is a documented setting or one of the runner's", () => {
  const dir = path.join(ROOT, 'helpers', 'settings');
  const named = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').match(/CARDPLUSPAY_[A-Z0-9_]+/g) ?? [])
    // A prefix (CARDPLUSPAY_MOCK_) names a family, not a variable.
    .filter((name) => !name.endsWith('_'));
  expect([...new Set(named)].filter((name) => !SETTING_NAMES.includes(name) && !INTERNAL_NAMES.includes(name))).toEqual([]);
});

test("the challenge lifetime's default states the embedded mock's own", () => {
  expect(SETTINGS.find((s) => s.name === 'CARDPLUSPAY_CHALLENGE_TTL_SECONDS')?.default).toContain(`(mock: \`${MOCK_TTL_SECONDS}\`)`);
});
