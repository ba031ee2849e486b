/**
 * Lints the requirement catalogue against the tests, in the manner of JSON-Schema-Test-Suite's
 * self-lint: a test naming an unknown id, a title without its id, or a `must` id without any test
 * fails here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/unit-test';

test.describe.configure({ mode: 'serial' });
import { CLIENT_REQUIREMENTS, REQUIREMENTS, TARGET_REQUIREMENTS, areaOf, isRequirementId } from '../../helpers/contract/requirements';
import { cleanEnv } from '../../helpers/runner/env';
import { CLIENT_CASES } from '../support/client-checker/clients';

const ROOT = path.resolve(__dirname, '..', '..');

interface Listed {
  title: string;
  file: string;
  ids: string[];
}

function list(config: string): Listed[] {
  const run = spawnSync(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '--list', '--reporter=json', '-c', config], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...cleanEnv(),
      CARDPLUSPAY_BASE_URL: 'https://127.0.0.1:9/v1/',
      CARDPLUSPAY_API_KEY: 'lint-placeholder-key',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(run.stdout) as { suites: Suite[]; errors: unknown[] };
  expect(report.errors, `listing ${config} reported errors`).toEqual([]);
  const out: Listed[] = [];
  const walk = (s: Suite): void => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) {
        out.push({ title: spec.title, file: spec.file, ids: t.annotations.filter((a) => a.type === 'requirement').map((a) => a.description ?? '') });
      }
    }
    for (const c of s.suites ?? []) walk(c);
  };
  report.suites.forEach(walk);
  return out;
}

interface Suite {
  specs?: Array<{ title: string; file: string; tests: Array<{ annotations: Array<{ type: string; description?: string }> }> }>;
  suites?: Suite[];
}

// Listed in a hook, never at load: listing the unit config loads this very file.
let conformance: Listed[] = [];
let unit: Listed[] = [];
test.beforeAll(() => {
  conformance = list(path.join(ROOT, 'playwright.config.ts'));
  unit = list(path.join(ROOT, 'tests', 'configs', 'unit.config.ts'));
});

test('every conformance test names at least one requirement, and only known ones', () => {
  const unnamed = conformance.filter((t) => t.ids.length === 0).map((t) => `${t.file}: ${t.title}`);
  const unknown = [...conformance, ...unit].flatMap((t) => t.ids.filter((id) => !isRequirementId(id)).map((id) => `${t.file}: ${t.title} names ${id}`));
  expect(unnamed, 'conformance tests without a requirement annotation').toEqual([]);
  expect(unknown, 'tests naming ids that are not in the catalogue').toEqual([]);
});

test('every conformance test title starts with the requirement it checks', () => {
  const bad = conformance.filter((t) => !t.ids.some((id) => t.title.startsWith(`${id} `))).map((t) => t.title);
  expect(bad).toEqual([]);
});

test('every must requirement has at least one test', () => {
  const covered = new Set([...conformance, ...unit].flatMap((t) => t.ids));
  // A client's requirements are proven by the clients the checker judges (the next test), not by specs.
  const missing = Object.entries(REQUIREMENTS)
    .filter(([id, r]) => r.level === 'must' && areaOf(id as keyof typeof REQUIREMENTS) !== 'CLIENT' && !covered.has(id))
    .map(([id]) => id);
  expect(missing, 'must requirements without a test').toEqual([]);
});

test('every CLIENT requirement has a client that breaks it alone, and is no target requirement', () => {
  const brokenAlone = new Set(CLIENT_CASES.filter((c) => c.breaks.length === 1).flatMap((c) => c.breaks));
  expect(
    CLIENT_REQUIREMENTS.filter((id) => !brokenAlone.has(id)),
    'CLIENT requirements without a client in tests/support/client-checker/clients.ts that breaks exactly it',
  ).toEqual([]);
  expect(
    CLIENT_CASES.filter((c) => c.holdsAll)
      .map((c) => c.library)
      .sort(),
    'a conforming client with each library',
  ).toEqual(["Playwright's request", 'node:https']);
  expect(TARGET_REQUIREMENTS.filter((id) => areaOf(id) === 'CLIENT')).toEqual([]);
  const named = conformance.flatMap((t) => t.ids.filter((id) => id.startsWith('CLIENT-')).map((id) => `${t.file}: ${id}`));
  expect(named, 'conformance tests naming CLIENT ids: a target is never judged on them').toEqual([]);
});

test('the typed catalogue has exactly the ids and levels of docs/requirements.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'requirements.md'), 'utf8');
  const documented = Object.fromEntries([...doc.matchAll(/\| ([A-Z]+-\d{2}) \| (must|should) \|/g)].map((m) => [m[1]!, m[2]!]));
  const typed = Object.fromEntries(Object.entries(REQUIREMENTS).map(([id, r]) => [id, r.level]));
  expect(typed).toEqual(documented);
});
