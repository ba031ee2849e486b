/**
 * The report: the requirement matrix written into Allure results (redacted like everything else,
 * its text shown as text), the report's environment panel (names of credentials, never values),
 * and the report categories. The verdict is verdict.spec.ts, the merge of shards merge-shards.spec.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { environmentInfo } from '../../helpers/reporting/reporters';
import { loadSettings } from '../../helpers/settings/settings';
import { runFacts } from '../../helpers/settings/run-facts';
import { targetOf } from '../../helpers/settings/targets';
import { redactor } from '../../helpers/safety/redact';
import { REPORT_CATEGORIES } from '../../helpers/reporting/categories';
import { matrixMarkdown, writeMatrixResult } from '../../helpers/reporting/requirement-matrix';
import { shard } from './shard-summary';

const SAFE01 = { annotation: { type: 'requirement', description: 'SAFE-01' } };

test('SAFE-01 the requirement matrix written into Allure results is redacted and sorts first', SAFE01, async () => {
  const secret = 'matrixSecretKey0123456789abcdef';
  redactor.add(secret);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-'));
  try {
    const summary = {
      ...shard(1, 1, {
        'AUTH-01': { status: 'passed' },
        'AUTH-08': { status: 'skipped', reason: `target echoed ${secret}`, reasons: [`target echoed ${secret}`] },
      }),
      shard: undefined,
    };
    writeMatrixResult(summary, dir);
    const files = fs.readdirSync(dir);
    const result = files.find((f) => f.endsWith('-result.json'))!;
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, result), 'utf8')) as {
      name: string;
      status: string;
      labels: Array<{ name: string; value: string }>;
      descriptionHtml: string;
    };
    expect(parsed.name).toMatch(/^Requirement matrix: the target conforms; skipped, so not checked: AUTH-08$/);
    expect(parsed.status).toBe('passed');
    expect(parsed.labels).toContainEqual({ name: 'epic', value: '0. Conformance verdict' });
    expect(parsed.descriptionHtml).toContain('AUTH-08');
    for (const f of files) expect(fs.readFileSync(path.join(dir, f), 'utf8'), f).not.toContain(secret);
    expect(matrixMarkdown(summary)).not.toContain(secret);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SAFE-01 the report environment names the configured credentials, never their values', SAFE01, async () => {
  const info = environmentInfo(
    runFacts({ CARDPLUSPAY_BASE_URL: 'https://sandbox.example:8443/v1', CARDPLUSPAY_API_KEY: 'envPanelKey123456789', CARDPLUSPAY_TARGET: 'remote' }),
  );
  expect(info).toMatchObject({ target: 'remote', base_url_host: 'sandbox.example:8443', credentials_configured: 'api_key', run_slow_checks: 'no' });
  expect(info.credentials_not_configured).toContain('inactive_api_key');
  expect(info.suite_version).toMatch(/^\d+\.\d+\.\d+/);
  expect(JSON.stringify(info)).not.toContain('envPanelKey123456789');
});

test('the report environment says slow checks ran for every value the settings accept as on', async () => {
  const base = { CARDPLUSPAY_BASE_URL: 'https://sandbox.example/v1', CARDPLUSPAY_API_KEY: 'slowFlagKey123456789' };
  for (const [value, shown] of [
    ['1', 'yes'],
    ['true', 'yes'],
    ['0', 'no'],
    ['false', 'no'],
    ['', 'no'],
  ] as const) {
    const env = { ...base, CARDPLUSPAY_RUN_SLOW: value };
    expect(environmentInfo(runFacts(env)).run_slow_checks, `CARDPLUSPAY_RUN_SLOW=${value}`).toBe(shown);
    expect(loadSettings(env).runSlow, `the settings agree for CARDPLUSPAY_RUN_SLOW=${value}`).toBe(shown === 'yes');
  }
});

test('only the modules of helpers/settings/ read CARDPLUSPAY_* variables; everything else reads their values', async () => {
  const root = path.resolve(__dirname, '..', '..');
  const files = [
    'playwright.config.ts',
    ...['helpers', 'specs'].flatMap((dir) => (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).map((f) => path.join(dir, f))),
  ].filter((f) => f.endsWith('.ts') && !f.startsWith(path.join('helpers', 'settings') + path.sep));
  const readers = files.filter((f) => /\benv(\.|\[\s*['"`])CARDPLUSPAY_/.test(fs.readFileSync(path.join(root, f), 'utf8')));
  expect(readers).toEqual([]);
});

test('report categories put unreachable targets and missing credentials before contract violations', async () => {
  const categoryOf = (status: string, message: string): string | undefined =>
    REPORT_CATEGORIES.find((c) => (c.matchedStatuses as string[]).includes(status) && (!c.messageRegex || new RegExp(`^(?:${c.messageRegex})$`).test(message)))
      ?.name;
  expect(categoryOf('failed', 'GET /v1/balance failed: apiRequestContext.fetch: connect ECONNREFUSED 127.0.0.1:9')).toMatch(/unreachable/);
  expect(categoryOf('skipped', 'not judged: request cap reached: the run already sent 650 requests')).toMatch(/^Not judged/);
  expect(categoryOf('skipped', 'target rate-limited: GET /v1/balance still got 429 after 3 attempt(s)')).toMatch(/rate-limited/);
  expect(categoryOf('broken', 'Test timeout of 30000ms exceeded.')).toMatch(/timed out/);
  expect(categoryOf('failed', 'Cannot start: CARDPLUSPAY_API_KEY ends with a newline. Remove it.')).toBe('Settings refused');
  expect(categoryOf('skipped', 'CARDPLUSPAY_INACTIVE_API_KEY is not set: there is no revoked key to present')).toBe('Skipped: credential not configured');
  expect(categoryOf('failed', 'Error: GET balance: status must be 401 (got 200)\n\nexpect(received).toBe(expected)')).toBe('Contract violations');
  expect(categoryOf('failed', 'Refused: a configured key would go to evil.example')).toBe('Errors outside an assertion');
  expect(categoryOf('skipped', 'GET orders listed no order to look up')).toBe('Skipped: not applicable to this target');
});

test('SAFE-09 matrix text from a summary is shown as text, never as Markdown or HTML', () => {
  const reason = 'not judged: ![p](https://evil.example/md.png) <img src=x> a|b';
  const md = matrixMarkdown({
    ...shard(1, 1, { 'AUTH-01': { status: 'not-judged', reason, reasons: [reason] } }),
    shard: undefined,
    baseUrl: '[x](https://evil.example/)',
  });
  expect(md).not.toMatch(/!\[p\]\(/);
  expect(md).not.toMatch(/(?<!\\)<img/);
  expect(md).not.toMatch(/(?<!\\)\[x\]\(/);
});

test("the fault self-test's lanes: a test runs against the target of its requirement, and a test that matches none or two is refused", () => {
  const lane = { targetByRequirement: { 'AUTH-05': 'fault:a', 'AUTH-13': 'fault:b', 'ENV-01': 'fault:b' } };
  expect(targetOf(lane, ['AUTH-05'])).toBe('fault:a');
  expect(targetOf(lane, ['AUTH-13', 'ENV-01']), 'two ids of one fault').toBe('fault:b');
  expect(() => targetOf(lane, ['SIGN-01'])).toThrow(/matches 0 targets/);
  expect(() => targetOf(lane, ['AUTH-05', 'AUTH-13'])).toThrow(/matches 2 targets/);
  expect(targetOf({ targetName: 'conformant' }, ['SIGN-01']), 'a project of one target').toBe('conformant');
  expect(targetOf({}, ['SIGN-01']), 'the configured target').toBeUndefined();
});
