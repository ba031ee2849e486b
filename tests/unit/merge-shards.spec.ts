/**
 * Merging shard summaries into the run's verdict (`npm run conformance:merge`): what one unsplit run
 * would have written, each shard judged on its own tests, and the shards checked for completeness
 * and shape before anything is merged.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { cleanEnv } from '../../helpers/runner/env';
import { checkShardsComplete } from '../../helpers/runner/merge-summaries';
import { TARGET_REQUIREMENTS, type RequirementId } from '../../helpers/contract/requirements';
import { mergeSummaries } from '../../helpers/reporting/merge-shards';
import { NOT_SELECTED, type Summary } from '../../helpers/reporting/summary';
import { exitCodeFor, verdictLines } from '../../helpers/reporting/verdict-words';
import { NOT_JUDGED_AUTH02, shard } from './shard-summary';

const SAFE07 = { annotation: { type: 'requirement', description: 'SAFE-07' } };

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

test('SAFE-09 a shard summary that is not the shape this suite writes is refused by the merge (exit 2)', () => {
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
});

test('what the shards found about live challenges: one wins, and the closing lines say how the signing checks ran', () => {
  const found = (...live: Array<Summary['liveChallenges']>) => mergeSummaries(live.map((l, i) => ({ ...shard(i + 1, live.length, {}), liveChallenges: l })));
  expect(found('several', undefined).liveChallenges).toBe('several');
  expect(found('several', 'one').liveChallenges).toBe('one');
  expect(found(undefined, undefined).liveChallenges).toBeUndefined();
  expect(verdictLines(found('one', 'several')).join('\n')).toContain('the signing checks ran one at a time (CARDPLUSPAY_LIVE_CHALLENGES');
  expect(verdictLines(found('several')).join('\n')).toContain('the signing checks ran side by side');
  expect(verdictLines(found(undefined)).join('\n')).not.toContain('Request signing');
});
