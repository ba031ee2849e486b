/**
 * How many tests of each requirement the whole suite has: a run limited to a selection (`--grep`)
 * may run only some of a requirement's tests, and its verdict must not read as if it held in full
 * (SAFE-07). Read by listing the suite with the same config, which sends nothing.
 */
import { spawnSync } from 'node:child_process';
import type { RequirementId } from '../contract/requirements';
import { cleanEnv } from '../runner/env';

interface ListedSuite {
  suites?: ListedSuite[];
  specs?: Array<{ tags?: string[]; tests: unknown[] }>;
}

/** Tests per requirement id, from the suite's `--list` as JSON; undefined when the listing fails. */
export function testsPerRequirement(configFile: string, env: NodeJS.ProcessEnv = process.env): Partial<Record<RequirementId, number>> | undefined {
  // The listing needs no target: without the run's settings (the embedded mock's files are gone
  // by now, and the runner's own variables would be refused as set from outside).
  const listEnv = cleanEnv(env);
  const run = spawnSync(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '--list', '--reporter=json', '-c', configFile], {
    env: listEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  let report: { suites?: ListedSuite[] };
  try {
    report = JSON.parse(run.stdout) as { suites?: ListedSuite[] };
  } catch {
    return undefined;
  }
  const counts: Partial<Record<RequirementId, number>> = {};
  const walk = (suite: ListedSuite): void => {
    for (const spec of suite.specs ?? []) {
      for (const tag of spec.tags ?? []) {
        const id = /^@?([A-Z]+-\d{2})$/.exec(tag)?.[1] as RequirementId | undefined;
        if (id) counts[id] = (counts[id] ?? 0) + spec.tests.length;
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of report.suites ?? []) walk(suite);
  return counts;
}
