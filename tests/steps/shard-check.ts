/**
 * Proves that splitting a run across machines loses nothing. Against embedded mocks that are all
 * alike (one set of keys, one instance per run), broken in one catalogued way so that the comparison covers a failure too, the conformance suite runs once
 * whole and once as three Playwright shards (`--shard i/3`, as the CI workflow's matrix does).
 * The shards' summaries are merged with `npm run conformance:merge`'s code, and the test ids,
 * statuses and requirement matrix must equal the whole run's. Each shard's exit status must
 * follow its own tests only (a shard without the broken requirement passes). The outputs are
 * kept for the browser check, which builds one Allure report from the three shards' results.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { matrixRows } from '../../helpers/reporting/requirement-matrix';
import type { RequirementId } from '../../helpers/contract/requirements';
import type { Summary } from '../../helpers/reporting/summary';
import { exitCodeFor } from '../../helpers/reporting/verdict-words';
import { FAULTS, type FaultName } from '../../mock/faults';
import { cleanEnv } from '../../helpers/runner/env';
import { ROOT, runSuiteAgainstMocks, type RunOutputs, type SuiteRunSpec, type SuiteRuns } from '../support/run-suite';

/** A fault that breaks one check, whose failure shows a redacted exchange and an ajv error. */
const SHARD_CHECK_FAULT: FaultName = 'balance-number';
const SHARDS = 3;
const OUT = path.join('reports', 'self-test', 'shards');

export type Recorder = (name: string, ok: boolean, detail: string) => void;

export interface ShardCheckOutput {
  /** The whole run's summary, and the shards' merged one. */
  single: Summary;
  merged: Summary;
  /** What one merged Allure report is built from: each shard's results plus the merged matrix. */
  resultsDirs: string[];
  /** The mock's secrets, for the browser check's scan of what the page shows. */
  secrets: string[];
  fault: FaultName;
  breaks: readonly RequirementId[];
}

/** Test id -> Allure status, from a results folder; the requirement matrix is not a test. */
function statusesIn(resultsDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(resultsDir).filter((n) => n.endsWith('-result.json'))) {
    const r = JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as {
      fullName?: string;
      name: string;
      status: string;
      labels: Array<{ name: string; value: string }>;
    };
    if (r.labels.some((l) => l.name === 'tag' && l.value === 'verdict')) continue;
    const id = `${r.fullName ?? ''} :: ${r.name}`;
    // Playwright titles are unique per file, so a second result with one id is a duplicate run.
    out.set(out.has(id) ? `${id} (duplicate)` : id, r.status);
  }
  return out;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const diff: string[] = [];
  for (const [id, s] of a) if (b.get(id) !== s) diff.push(`${id}: ${s} whole, ${b.get(id) ?? 'absent'} sharded`);
  for (const [id, s] of b) if (!a.has(id)) diff.push(`${id}: absent whole, ${s} sharded`);
  return diff;
}

type Run = SuiteRuns<Summary>['runs'][number];

const shardArgs = (name: string): string[] => (name === 'single' ? [] : ['--shard', `${name.slice('shard-'.length)}/${SHARDS}`]);

/** The whole run and the shards, at once, each against its own instance of the broken mock. */
async function runWholeAndShards(): Promise<SuiteRuns<Summary>> {
  fs.rmSync(path.join(ROOT, OUT), { recursive: true, force: true });
  const names = ['single', ...Array.from({ length: SHARDS }, (_, i) => `shard-${i + 1}`)];
  for (const n of names) fs.rmSync(path.join(ROOT, 'test-results', 'isolated', n), { recursive: true, force: true });
  const spec = (name: string): SuiteRunSpec => ({
    name,
    config: 'tests/configs/isolated.config.ts',
    args: shardArgs(name),
    env: (mocks) => {
      // The suite is not told about the fault: its results must be those of an ordinary run.
      const { CARDPLUSPAY_MOCK_FAULT: _fault, ...target } = mocks.targetEnv[name]!;
      // The shards run at once, as on three CI machines, and beside the whole run: one worker each.
      const workers: Record<string, string> = name === 'single' ? {} : { CARDPLUSPAY_WORKERS: '1' };
      return { ...target, ...workers, SELF_TEST_OUT_DIR: path.join(OUT, name) };
    },
    summaryFile: path.join(OUT, name, 'conformance-summary.json'),
  });
  // One instance per run, all alike (one set of keys, one fault): the runs go at once, and a check
  // that reads the mock's journal (TLS-02's) must see only its own run's requests.
  const result = await runSuiteAgainstMocks<Summary>(
    names.map((name) => ({ name, fault: SHARD_CHECK_FAULT })),
    [names.map(spec)],
  );
  for (const r of result.runs) {
    const totals = r.summary ? `${r.summary.totals.passed} passed, ${r.summary.totals.failed} failed, ${r.summary.totals.skipped} skipped` : 'no summary';
    const shard = shardArgs(r.name);
    process.stdout.write(`  ${r.name}${shard.length ? ` (${shard.join(' ')})` : ''}: ${totals}, Playwright exit ${r.code}, ${r.seconds.toFixed(1)} s\n`);
  }
  return result;
}

const MERGED_DIR = path.join(OUT, 'merged');

/** The merge as CI runs it: the CLI over the shards' summaries, adding the matrix to the results. */
async function mergeShards(shardRuns: readonly Run[]): Promise<{ merged?: Summary; status: number | null; stderr: string }> {
  // Not spawnSync: steps beside this one share this process's thread, and the mocks they run on it.
  const merge = spawn(
    process.execPath,
    [
      require.resolve('tsx/cli'),
      path.join(ROOT, 'helpers', 'runner', 'merge-summaries.ts'),
      '--out',
      path.join(MERGED_DIR, 'conformance-summary.json'),
      '--allure-results',
      path.join(MERGED_DIR, 'allure-results'),
      ...shardRuns.map((r) => path.join(OUT, r.name, 'conformance-summary.json')),
    ],
    { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  merge.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const status = await new Promise<number | null>((resolve) => {
    merge.on('error', () => resolve(null));
    merge.on('close', (code) => resolve(code));
  });
  const mergedFile = path.join(ROOT, MERGED_DIR, 'conformance-summary.json');
  const merged = fs.existsSync(mergedFile) ? (JSON.parse(fs.readFileSync(mergedFile, 'utf8')) as Summary) : undefined;
  return { merged, status, stderr };
}

const testsIn = (s: Summary): number => s.totals.passed + s.totals.failed + s.totals.skipped;

/** The shards' test ids, statuses, matrix and verdict must equal the whole run's. */
function recordSameResults(record: Recorder, single: Summary, merged: Summary, shardRuns: readonly Run[]): void {
  const whole = statusesIn(path.join(ROOT, OUT, 'single', 'allure-results'));
  const sharded = new Map<string, string>();
  for (const r of shardRuns)
    for (const [id, s] of statusesIn(path.join(ROOT, OUT, r.name, 'allure-results'))) sharded.set(sharded.has(id) ? `${id} (in two shards)` : id, s);
  const diff = differences(whole, sharded);
  const sameMatrix = isDeepStrictEqual(matrixRows(single), matrixRows(merged));
  const sameTotals = isDeepStrictEqual(single.totals, merged.totals) && isDeepStrictEqual(single.failedRequirements, merged.failedRequirements);
  const emptyShards = shardRuns.filter((r) => testsIn(r.summary!) === 0).map((r) => r.name);
  const ok = diff.length === 0 && sameMatrix && sameTotals && whole.size > 0 && emptyShards.length === 0;
  record(
    'sharded run matches the whole run',
    ok,
    ok
      ? `${whole.size} test ids and statuses, ${matrixRows(single).length} requirement rows and the verdict identical across 1 and ${SHARDS} shards (${shardRuns.map((r) => testsIn(r.summary!)).join(' + ')} tests)`
      : [
          diff.length ? `${diff.length} test(s) differ: ${diff.slice(0, 5).join(' | ')}` : '',
          sameMatrix ? '' : 'the requirement matrices differ (see reports/self-test/shards/single and merged)',
          sameTotals
            ? ''
            : `totals or failed requirements differ: ${JSON.stringify(single.totals)} ${single.failedRequirements.join(',')} whole vs ${JSON.stringify(merged.totals)} ${merged.failedRequirements.join(',')} merged`,
          emptyShards.length ? `shards ran no test: ${emptyShards.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
  );
}

/** Each shard is judged on its own tests: only the shard holding the broken check fails; the merge exits like the whole run. */
function recordExitCodes(record: Recorder, whole: Run, shardRuns: readonly Run[], mergeStatus: number | null): void {
  const expected = (s: Summary): number => (s.failedRequirements.length > 0 ? 1 : 0);
  const codes = shardRuns.map((r) => ({ name: r.name, code: exitCodeFor(r.summary!, r.code, false), expected: expected(r.summary!) }));
  const wrong = codes.filter((c) => c.code !== c.expected);
  const mergedCode = mergeStatus ?? 1;
  const wholeCode = exitCodeFor(whole.summary!, whole.code, false);
  const codesOk = wrong.length === 0 && codes.some((c) => c.code === 0) && mergedCode === wholeCode && mergedCode === 1;
  record(
    'each shard exits on its own tests; the merge exits like the whole run',
    codesOk,
    `shard exits ${codes.map((c) => `${c.name}=${c.code}`).join(', ')}; merged ${mergedCode}, whole ${wholeCode} (${FAULTS[SHARD_CHECK_FAULT].breaks.join(', ')} broken by fault ${SHARD_CHECK_FAULT})${wrong.length ? `; wrong: ${wrong.map((c) => c.name).join(', ')}` : ''}`,
  );
}

export async function shardCheck(record: Recorder): Promise<{ outputs: RunOutputs; forBrowser?: ShardCheckOutput }> {
  const { runs, outputs } = await runWholeAndShards();
  const single = runs[0]!.summary;
  const shardRuns = runs.slice(1);
  if (!single || shardRuns.some((r) => !r.summary)) {
    const missing = runs.filter((r) => !r.summary).map((r) => r.name);
    record('sharded run matches the whole run', false, `a run wrote no summary: ${missing.join(', ')}`);
    return { outputs };
  }
  const { merged, status, stderr } = await mergeShards(shardRuns);
  if (!merged) {
    record('sharded run matches the whole run', false, `the merge wrote nothing (exit ${status}): ${stderr.trim()}`);
    return { outputs };
  }
  recordSameResults(record, single, merged, shardRuns);
  recordExitCodes(record, runs[0]!, shardRuns, status);
  return {
    outputs,
    forBrowser: {
      single,
      merged,
      resultsDirs: [...shardRuns.map((r) => path.join(OUT, r.name, 'allure-results')), path.join(MERGED_DIR, 'allure-results')],
      secrets: outputs.secrets,
      fault: SHARD_CHECK_FAULT,
      breaks: FAULTS[SHARD_CHECK_FAULT].breaks,
    },
  };
}
