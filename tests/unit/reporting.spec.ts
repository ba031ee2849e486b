/**
 * The reporting helpers: merging shard summaries into the run's verdict, each shard's exit status,
 * the requirement matrix written into Allure results (redacted like everything else), and the
 * report's environment panel (names of credentials, never values).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { TestCase } from '@playwright/test/reporter';
import { cleanEnv } from '../../helpers/runner/env';
import { checkShardsComplete } from '../../helpers/runner/merge-summaries';
import { environmentInfo } from '../../helpers/reporting/reporters';
import { loadSettings } from '../../helpers/settings/settings';
import { runFacts } from '../../helpers/settings/run-facts';
import { targetOf } from '../../helpers/settings/targets';
import { redactor } from '../../helpers/safety/redact';
import { REPORT_CATEGORIES } from '../../helpers/reporting/categories';
import { matrixMarkdown, writeMatrixResult } from '../../helpers/reporting/requirement-matrix';
import { TARGET_REQUIREMENTS, type RequirementId } from '../../helpers/contract/requirements';
import { mergeSummaries } from '../../helpers/reporting/merge-shards';
import { NOT_SELECTED, runVerdict, summarise, summaryWithoutTests, type RequirementVerdict, type Summary } from '../../helpers/reporting/summary';
import { exitCodeFor, verdictLine, verdictLines } from '../../helpers/reporting/verdict-words';

const SAFE01 = { annotation: { type: 'requirement', description: 'SAFE-01' } };

/** A shard's summary: every requirement not selected but those given. */
function shard(current: number, total: number, given: Partial<Record<RequirementId, Partial<RequirementVerdict>>>): Summary {
  const requirements: Summary['requirements'] = {};
  for (const id of TARGET_REQUIREMENTS) {
    const g = given[id];
    requirements[id] = g
      ? { level: 'must', status: 'passed', tests: 1, failedTests: 0, notJudgedTests: 0, ...g }
      : { level: 'must', status: 'skipped', tests: 0, failedTests: 0, notJudgedTests: 0, reason: NOT_SELECTED, reasons: [NOT_SELECTED] };
  }
  const failed = Object.values(given).reduce((n, v) => n + (v?.failedTests ?? 0), 0);
  const tests = Object.values(given).reduce((n, v) => n + (v?.tests ?? 1), 0);
  const skipped = Object.values(given)
    .filter((v) => v?.status === 'skipped')
    .reduce((n, v) => n + (v?.tests ?? 1), 0);
  const notJudged = Object.values(given).reduce((n, v) => n + (v?.notJudgedTests ?? 0), 0);
  return {
    target: 'remote',
    baseUrl: 'https://sandbox.example/v1/',
    startedAt: `2026-01-0${current}T00:00:00.000Z`,
    verdict: runVerdict(requirements, false, total > 1),
    totals: { passed: tests - failed - skipped - notJudged, failed, skipped, notJudged },
    requirements,
    failedRequirements: (Object.keys(given) as RequirementId[]).filter((id) => given[id]?.status === 'failed'),
    notJudgedRequirements: (Object.keys(given) as RequirementId[]).filter((id) => given[id]?.status === 'not-judged'),
    failedTests: [],
    errors: 0,
    requests: 10,
    shard: { current, total },
  };
}

test('a requirement fails if any shard failed it, holds if one held it, and is skipped with every reason otherwise', async () => {
  const merged = mergeSummaries([
    shard(1, 3, {
      'AUTH-02': { status: 'failed', tests: 2, failedTests: 1 },
      'AUTH-08': { status: 'skipped', reason: 'CARDPLUSPAY_INACTIVE_API_KEY is not set', reasons: ['CARDPLUSPAY_INACTIVE_API_KEY is not set'] },
    }),
    shard(2, 3, { 'AUTH-02': { status: 'passed', tests: 3 }, 'AUTH-05': { status: 'passed', tests: 4 } }),
    shard(3, 3, { 'AUTH-05': { status: 'skipped', reason: 'b; a', reasons: ['b; a'] } }),
  ]);
  expect(merged.requirements['AUTH-02']).toMatchObject({ status: 'failed', tests: 5, failedTests: 1 });
  expect(merged.requirements['AUTH-05']).toMatchObject({ status: 'passed', tests: 5 });
  expect(merged.requirements['AUTH-08']).toMatchObject({ status: 'skipped', reason: 'CARDPLUSPAY_INACTIVE_API_KEY is not set' });
  expect(merged.requirements['TLS-04']).toMatchObject({ status: 'skipped', tests: 0, reason: NOT_SELECTED });
  expect(merged.failedRequirements).toEqual(['AUTH-02']);
  expect(merged.requests).toBe(30);
  expect(merged.mergedShards).toBe(3);
  expect(merged.shard).toBeUndefined();
  expect(Object.keys(merged.requirements)).toEqual(TARGET_REQUIREMENTS);
});

test('a shard is judged on its own tests: other requirements, not selected there, never fail it', async () => {
  const clean = shard(2, 3, { 'AUTH-05': { status: 'passed', tests: 4 } });
  expect(exitCodeFor(clean, 0, false)).toBe(0);
  const broken = shard(1, 3, { 'AUTH-02': { status: 'failed', tests: 1, failedTests: 1 } });
  expect(exitCodeFor(broken, 1, false)).toBe(1);
  const should = {
    ...shard(3, 3, { 'TLS-03': { status: 'failed', level: 'should', tests: 1, failedTests: 1 } }),
    failedRequirements: ['TLS-03' as RequirementId],
  };
  expect(exitCodeFor(should, 1, false)).toBe(0);
  expect(exitCodeFor(should, 1, true)).toBe(1);
  expect(exitCodeFor({ ...clean, errors: 1 }, 0, false), 'an error outside any test leaves the verdict incomplete').toBe(1);
  expect(exitCodeFor(clean, 1, false), 'Playwright failing without a failed test').toBe(1);
});

test('the merge refuses a missing, doubled or foreign shard', async () => {
  const s = (c: number, t: number, file = `s${c}.json`): { file: string; summary: Summary } => ({ file, summary: shard(c, t, {}) });
  expect(checkShardsComplete([s(1, 3), s(2, 3), s(3, 3)])).toEqual([]);
  expect(checkShardsComplete([s(1, 3), s(3, 3)]).join()).toContain('Shard 2/3 is missing');
  expect(checkShardsComplete([s(1, 2), s(1, 2, 'again.json'), s(2, 2)]).join()).toContain('Shard 1/2 is given twice');
  expect(checkShardsComplete([s(1, 2), s(2, 3)]).join()).toContain('different splits');
  const whole = { file: 'whole.json', summary: { ...shard(1, 1, {}), shard: undefined } };
  expect(checkShardsComplete([whole])).toEqual([]);
  expect(checkShardsComplete([whole, s(1, 2)]).join()).toContain('Not a shard');
});

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

const SAFE07 = { annotation: { type: 'requirement', description: 'SAFE-07' } };
const NOT_JUDGED_AUTH02: Partial<RequirementVerdict> = {
  status: 'not-judged',
  tests: 2,
  notJudgedTests: 2,
  reason: 'connection refused (GET /v1/balance)',
  reasons: ['connection refused (GET /v1/balance)'],
};

test('SAFE-07 a must not judged makes the run "could not judge" (exit 3); a failure wins (exit 1)', SAFE07, () => {
  const notJudged = { ...shard(1, 1, { 'AUTH-01': { status: 'passed' }, 'AUTH-02': NOT_JUDGED_AUTH02 }), shard: undefined };
  expect(notJudged.verdict).toBe('could-not-judge');
  expect(exitCodeFor(notJudged, 1, false), 'Playwright failing is explained by the checks not judged').toBe(3);
  const lines = verdictLines(notJudged).join('\n');
  expect(lines).toContain('NOT JUDGED AUTH-02: connection refused (GET /v1/balance)');
  expect(lines).toMatch(/Verdict: could not judge the target: AUTH-02 not judged \(connection refused/);
  const both = { ...shard(1, 1, { 'AUTH-01': { status: 'failed', failedTests: 1 }, 'AUTH-02': NOT_JUDGED_AUTH02 }), shard: undefined };
  expect(both.verdict).toBe('does-not-conform');
  expect(exitCodeFor(both, 1, false)).toBe(1);
  expect(verdictLines(both).join('\n')).toContain('Verdict: the target does NOT conform: AUTH-01 failed; not judged: AUTH-02.');
});

test('SAFE-07 a run that judged no must never conforms; skips for unconfigured credentials alone do not stop "conforms"', SAFE07, () => {
  const skip = { status: 'skipped' as const, reason: 'CARDPLUSPAY_INACTIVE_API_KEY is not set', reasons: ['CARDPLUSPAY_INACTIVE_API_KEY is not set'] };
  const nothing = { ...shard(1, 1, { 'AUTH-08': skip }), shard: undefined };
  expect(nothing.verdict).toBe('could-not-judge');
  expect(exitCodeFor(nothing, 0, false)).toBe(3);
  expect(verdictLines(nothing).join('\n')).toContain('Verdict: could not judge the target: no `must` requirement was judged.');
  const held = { ...shard(1, 1, { 'AUTH-01': { status: 'passed' }, 'AUTH-08': skip }), shard: undefined };
  expect(held.verdict).toBe('conforms');
  expect(exitCodeFor(held, 0, false)).toBe(0);
  expect(
    runVerdict(
      { 'TLS-03': { level: 'should', status: 'not-judged', tests: 1, failedTests: 0, notJudgedTests: 1 }, 'AUTH-01': held.requirements['AUTH-01'] },
      false,
    ),
    'a should not judged does not stop "conforms"',
  ).toBe('conforms');
});

test('SAFE-07 the merge keeps "not judged" unless another shard failed the requirement', SAFE07, () => {
  const merged = mergeSummaries([
    shard(1, 2, { 'AUTH-01': { status: 'passed' }, 'AUTH-02': NOT_JUDGED_AUTH02, 'AUTH-03': NOT_JUDGED_AUTH02 }),
    shard(2, 2, { 'AUTH-02': { status: 'passed', tests: 3 }, 'AUTH-03': { status: 'failed', failedTests: 1 } }),
  ]);
  expect(merged.requirements['AUTH-02']).toMatchObject({ status: 'not-judged', tests: 5, notJudgedTests: 2, reason: 'connection refused (GET /v1/balance)' });
  expect(merged.requirements['AUTH-03']).toMatchObject({ status: 'failed' });
  expect(merged.verdict).toBe('does-not-conform');
  expect(merged.notJudgedRequirements).toEqual(['AUTH-02']);
});

test('SAFE-07 an unreachable target: every requirement not judged; a bad certificate: TLS-01 failed', SAFE07, () => {
  const run = { target: 'remote' as const, baseUrl: 'https://127.0.0.1:9/v1/', startedAt: new Date() };
  const down = summaryWithoutTests(run, 'target unreachable: connection refused');
  expect(down.verdict).toBe('could-not-judge');
  expect(exitCodeFor(down, 0, false)).toBe(3);
  expect(Object.values(down.requirements).every((v) => v.status === 'not-judged')).toBe(true);
  expect(matrixMarkdown(down)).toContain('| AUTH-02 | must | *not judged* |');
  const badCert = summaryWithoutTests(run, 'not checked', { 'TLS-01': 'the certificate does not verify' });
  expect(badCert.verdict).toBe('does-not-conform');
  expect(badCert.failedRequirements).toEqual(['TLS-01']);
  expect(exitCodeFor(badCert, 0, false)).toBe(1);
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

test('SAFE-07 a check that failed once and passed on a retry is a failure, not a flaky pass', () => {
  const retried = {
    title: 'AUTH-02 a request without X-API-Key gets the 401 Unauthorized envelope',
    annotations: [{ type: 'requirement', description: 'AUTH-02' }],
    results: [
      { status: 'failed', annotations: [] },
      { status: 'passed', annotations: [] },
    ],
  } as unknown as TestCase;
  const summary = summarise([retried], new Date(), { target: 'remote', baseUrl: 'https://api.example.test/v1/' });
  expect(summary.requirements['AUTH-02']?.status).toBe('failed');
  expect(summary.verdict).toBe('does-not-conform');
});

test('SAFE-07 a must requirement its checks skipped is named in the verdict', () => {
  const run = {
    ...shard(1, 1, {
      'AUTH-01': { status: 'passed' },
      'AUTH-15': { status: 'skipped', reason: 'GET orders listed no order', reasons: ['GET orders listed no order'] },
    }),
    shard: undefined,
  };
  expect(verdictLine(run)).toBe('the target conforms; skipped, so not checked: AUTH-15');
});

test('SAFE-07 a selection that ran only some tests of a requirement says so in the verdict', () => {
  const test12 = (title: string): TestCase =>
    ({ title, annotations: [{ type: 'requirement', description: 'AUTH-12' }], results: [{ status: 'passed', annotations: [] }] }) as unknown as TestCase;
  const summary = summarise(
    [test12('AUTH-12 GET balance without a key gets 401'), test12('AUTH-12 GET balance with a never-issued key gets 401')],
    new Date(),
    { target: 'mock', baseUrl: '' },
    { selectedBy: '--grep', wholeSuite: { 'AUTH-12': 16 } },
  );
  expect(summary.scope?.partial).toEqual([{ id: 'AUTH-12', ran: 2, of: 16 }]);
  expect(verdictLine(summary)).toBe('the target conforms to the 1 requirement selected (35 not run: --grep; only in part: AUTH-12 2 of 16 tests)');
});

test('SAFE-09 a shard summary that is not the shape this suite writes is refused by the merge (exit 2), and matrix text is shown as text', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crafted-'));
  try {
    const crafted = {
      ...shard(1, 1, { 'AUTH-01': { status: 'passed', tests: '<img src=https://evil.example/x.png>' as unknown as number } }),
      baseUrl: '![p](https://evil.example/md.png)',
    };
    fs.writeFileSync(path.join(dir, 'shard.json'), JSON.stringify(crafted));
    const merge = spawnSync(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        path.join(__dirname, '..', '..', 'helpers', 'runner', 'merge-summaries.ts'),
        '--out',
        path.join(dir, 'merged.json'),
        path.join(dir, 'shard.json'),
      ],
      { encoding: 'utf8', env: cleanEnv() },
    );
    expect(merge.status).toBe(2);
    expect(merge.stderr).toContain('not a summary this suite writes');
    expect(fs.existsSync(path.join(dir, 'merged.json'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
