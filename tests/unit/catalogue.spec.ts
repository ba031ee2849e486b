/**
 * Lints the requirement catalogue against the tests, in the manner of JSON-Schema-Test-Suite's
 * self-lint: a test naming an unknown id, a title without its id, or a `must` id without any test
 * fails here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test.describe.configure({ mode: 'serial' });
import { REQUIREMENTS, isRequirementId } from '../../helpers/contract/requirements';
import { cleanEnv } from '../../helpers/runner/env';

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
  const missing = Object.entries(REQUIREMENTS)
    .filter(([id, r]) => r.level === 'must' && !covered.has(id))
    .map(([id]) => id);
  expect(missing, 'must requirements without a test').toEqual([]);
});

test('the typed catalogue has exactly the ids and levels of docs/requirements.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'requirements.md'), 'utf8');
  const documented = Object.fromEntries([...doc.matchAll(/\| ([A-Z]+-\d{2}) \| (must|should) \|/g)].map((m) => [m[1]!, m[2]!]));
  const typed = Object.fromEntries(Object.entries(REQUIREMENTS).map(([id, r]) => [id, r.level]));
  expect(typed).toEqual(documented);
});
