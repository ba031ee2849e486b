/**
 * Stability: the whole conformance suite, repeated against one conformant mock, gives zero
 * failures. Retries are off, so a check that fails one time in N is a bug, and this is where it
 * shows. `npm test` repeats each test a few times in one run (SELF_TEST_STABILITY_REPEAT, default
 * 3); `npm run bench -- --stability 20` runs twenty whole `npm run conformance` runs.
 * Outputs go to reports/self-test/stability (tests/isolated.config.ts) and are scanned for secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedMocks } from '../helpers/runner/embedded-mock';
import { runPlaywright } from '../helpers/runner/playwright-process';
import { Redactor } from '../helpers/redact';
import type { Summary } from '../helpers/reporting/summary-reporter';
import { scanForSecrets } from './leak-scan';
import type { Recorder } from './shard-check';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join('reports', 'self-test', 'stability');

export const DEFAULT_STABILITY_REPEAT = 3;

export async function stabilityCheck(record: Recorder, baseEnv: NodeJS.ProcessEnv, repeat = Number(process.env.SELF_TEST_STABILITY_REPEAT || DEFAULT_STABILITY_REPEAT)): Promise<void> {
  const started = Date.now();
  const out = path.join(ROOT, OUT);
  const results = path.join(ROOT, 'test-results', 'isolated', path.basename(OUT));
  for (const dir of [out, results]) fs.rmSync(dir, { recursive: true, force: true });

  const mocks = await startEmbeddedMocks([{ name: 'mock' }]);
  const redactor = new Redactor(mocks.secrets);
  let run: Awaited<ReturnType<typeof runPlaywright>>;
  try {
    const env = { ...baseEnv, ...mocks.sharedEnv, ...mocks.targetEnv.mock, SELF_TEST_OUT_DIR: OUT };
    run = await runPlaywright(path.join(ROOT, 'tests', 'isolated.config.ts'), [`--repeat-each=${repeat}`], env, redactor, false);
  } finally {
    await mocks.close();
  }
  const file = path.join(out, 'conformance-summary.json');
  const summary = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Summary) : undefined;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!summary) {
    process.stdout.write(redactor.redact(run.rawOutput.split('\n').slice(-30).join('\n')));
    record(`the conformant mock passes the suite ${repeat} times over`, false, `the run wrote no summary (Playwright exit ${run.code})`);
    return;
  }
  const { passed, failed, skipped } = summary.totals;
  const ok = failed === 0 && summary.errors === 0 && passed > 0 && run.code === 0;
  record(
    `the conformant mock passes the suite ${repeat} times over`,
    ok,
    `${passed} passed, ${failed} failed, ${skipped} skipped in ${seconds} s${summary.failedTests.length ? `; failed: ${[...new Set(summary.failedTests)].slice(0, 5).join(' | ')}` : ''}${run.code !== 0 && failed === 0 ? `; Playwright exit ${run.code}` : ''}`,
  );
  const hits = scanForSecrets([out, results], mocks.secrets, { 'stability run output': run.rawOutput });
  record("no secret in the stability run's outputs", hits.length === 0, hits.length === 0 ? 'scanned clean' : `secrets found in: ${hits.join(', ')}`);
}
