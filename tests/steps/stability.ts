/**
 * Stability: the whole conformance suite, repeated against one conformant mock, gives zero
 * failures. Retries are off, so a check that fails one time in N is a bug, and this is where it
 * shows. `npm test` repeats each test in one run (SELF_TEST_STABILITY_REPEAT, default 2: with the
 * fault matrix's conformant project and the shard check's two whole runs, `npm test` runs every
 * check five times); `npm run bench -- --stability 20` runs twenty whole `npm run conformance` runs.
 * Outputs go to reports/self-test/stability (tests/configs/isolated.config.ts); the leak scan reads them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Summary } from '../../helpers/reporting/summary';
import type { Recorder } from './shard-check';
import { ROOT, runSuiteAgainstMocks, type RunOutputs } from '../support/run-suite';

const OUT = path.join('reports', 'self-test', 'stability');

const DEFAULT_STABILITY_REPEAT = 2;
/** The repeats are one Playwright run, so the request cap (SAFE-05) must allow them all. */
const REQUESTS_PER_RUN_AT_MOST = 1000;

export async function stabilityCheck(
  record: Recorder,
  repeat = Number(process.env.SELF_TEST_STABILITY_REPEAT || DEFAULT_STABILITY_REPEAT),
): Promise<RunOutputs> {
  const started = Date.now();
  const out = path.join(ROOT, OUT);
  const results = path.join(ROOT, 'test-results', 'isolated', path.basename(OUT));
  for (const dir of [out, results]) fs.rmSync(dir, { recursive: true, force: true });

  const { runs, outputs } = await runSuiteAgainstMocks<Summary>(
    [{ name: 'mock' }],
    [
      [
        {
          name: 'stability run',
          config: 'tests/configs/isolated.config.ts',
          args: [`--repeat-each=${repeat}`],
          env: (mocks) => ({ ...mocks.targetEnv.mock, SELF_TEST_OUT_DIR: OUT, CARDPLUSPAY_MAX_REQUESTS: String(REQUESTS_PER_RUN_AT_MOST * repeat) }),
          summaryFile: path.join(OUT, 'conformance-summary.json'),
        },
      ],
    ],
  );
  const run = runs[0]!;
  const summary = run.summary;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!summary) {
    record(`the conformant mock passes the suite ${repeat} times over`, false, `the run wrote no summary (Playwright exit ${run.code})`);
    return outputs;
  }
  const { passed, failed, skipped, notJudged } = summary.totals;
  // A check that could not judge is no pass: against the local mock every check must judge.
  const ok = failed === 0 && notJudged === 0 && summary.errors === 0 && passed > 0 && run.code === 0;
  record(
    `the conformant mock passes the suite ${repeat} times over`,
    ok,
    `${passed} passed, ${failed} failed, ${notJudged} not judged, ${skipped} skipped in ${seconds} s${summary.failedTests.length ? `; failed: ${[...new Set(summary.failedTests)].slice(0, 5).join(' | ')}` : ''}${run.code !== 0 && failed === 0 ? `; Playwright exit ${run.code}` : ''}`,
  );
  return outputs;
}
