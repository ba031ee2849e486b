/**
 * SAFE-04 and issue 17's hostile review: a conformance run takes only the Playwright options that
 * keep its guarantees. Each refused one was shown to break one: --reporter dropped the redacting and
 * finishing reporters (a key reached a blob report, the exit status was lost), --retries passed a
 * failed check as flaky, --trace on wrote echoes into trace.zip, the limit options went around the
 * settings, and the interactive modes run without reporters.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { removeStaleStaging } from '../../helpers/reporting/staged-outputs';
import { cleanEnv } from '../../helpers/runner/env';
import { optionProblems } from '../../helpers/runner/cli-options';
import { argumentProblems } from '../../helpers/runner/run-setup';

const ROOT = path.resolve(__dirname, '..', '..');
const SAFE04 = { annotation: [{ type: 'requirement', description: 'SAFE-04' }] };

const REFUSED: ReadonlyArray<readonly string[]> = [
  ['test', '--reporter=line'],
  ['test', '--reporter', 'blob'],
  ['test', '--retries', '1'],
  ['test', '--retries=2'],
  ['test', '--trace', 'on'],
  ['test', '--trace=retain-on-failure'],
  ['test', '--timeout', '0'],
  ['test', '--global-timeout=0'],
  ['test', '-j', '8'],
  ['test', '--workers=16'],
  ['test', '--ui'],
  ['test', '--ui-port=0'],
  ['test', '--debug'],
  ['test', '--headed'],
  ['test', '--update-snapshots'],
  ['test', '--some-future-option'],
  ['test-server'],
  ['run-test-mcp-server'],
];

const ALLOWED: ReadonlyArray<readonly string[]> = [
  ['test'],
  ['test', '--grep', '@AUTH-02'],
  ['test', '-g', '@AUTH-0[1-4]', '--grep-invert', 'HEAD'],
  ['test', '--shard', '2/3'],
  ['test', '--shard=1/3', '--list'],
  ['test', '--list', '--reporter=json'],
  ['test', '--project', 'conformance', 'specs/api-key'],
  ['test', '--trace', 'off'],
  ['test', '--add-reporter=dot', '--quiet', '-x'],
  ['test', '--only-changed', '--pass-with-no-tests'],
  ['test', 'specs/transport/hsts.spec.ts'],
];

for (const argv of REFUSED) {
  test(`SAFE-04 \`playwright ${argv.join(' ')}\` is refused, naming the option`, SAFE04, () => {
    const problems = optionProblems(argv, {});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Cannot start: /);
    expect(problems[0]).toContain('npm run conformance');
  });
}

for (const argv of ALLOWED) {
  test(`SAFE-04 \`playwright ${argv.join(' ')}\` is allowed`, SAFE04, () => {
    expect(optionProblems(argv, {})).toEqual([]);
  });
}

test('SAFE-04 PWDEBUG in the environment is refused like --debug', SAFE04, () => {
  expect(optionProblems(['test'], { PWDEBUG: '1' })[0]).toMatch(/^Cannot start: PWDEBUG /);
});

test(
  'SAFE-04 an argument holding a configured key, in any case or cut short, or a CARDPLUSPAY_ assignment, is refused with the advice to rotate',
  SAFE04,
  () => {
    const env = { CARDPLUSPAY_API_KEY: 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu' };
    for (const arg of [
      env.CARDPLUSPAY_API_KEY,
      env.CARDPLUSPAY_API_KEY.toUpperCase(),
      env.CARDPLUSPAY_API_KEY.slice(0, -3),
      `--grep=${env.CARDPLUSPAY_API_KEY}`,
      'CARDPLUSPAY_API_KEY=anything',
    ]) {
      const problems = argumentProblems(['test', arg], env);
      expect(problems, arg.slice(0, 8)).toHaveLength(1);
      expect(problems[0]).toMatch(/rotate it/);
      expect(problems[0]).not.toContain(env.CARDPLUSPAY_API_KEY.slice(9, 25));
    }
    expect(argumentProblems(['test', '--grep', '@AUTH-02'], env)).toEqual([]);
  },
);

test('SAFE-04 npm run conformance refuses another config, which would run without the guarantees', SAFE04, () => {
  const run = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(ROOT, 'helpers', 'runner', 'run-conformance.ts'), '-c', 'tests/configs/isolated.config.ts'],
    { cwd: ROOT, encoding: 'utf8', env: cleanEnv() },
  );
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('would run another config in place of playwright.config.ts');
});

test("SAFE-08 a stale staging folder is removed, a live run's and the folder it set aside are kept", () => {
  const into = fs.mkdtempSync(path.join(os.tmpdir(), 'staging-'));
  try {
    const dead = 2 ** 22 + 12345;
    for (const name of [`.staging-${dead}`, `.staging-${dead}.old`, `.staging-${process.pid}`, `.staging-${process.pid}.old`])
      fs.mkdirSync(path.join(into, name));
    removeStaleStaging(into);
    expect(fs.readdirSync(into).sort()).toEqual([`.staging-${process.pid}`, `.staging-${process.pid}.old`]);
  } finally {
    fs.rmSync(into, { recursive: true, force: true });
  }
});
