/**
 * The self-test's one way to run the conformance suite: start embedded mocks, run Playwright
 * against them (batches one after another, the runs of a batch at once), read each run's summary
 * and keep what each run printed. The fault matrix, stability and sharding all go through here;
 * what they return feeds the leak scan, which runs once over every run's outputs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedMocks, type EmbeddedMocks, type MockTarget } from '../../helpers/runner/embedded-mock';
import { runPlaywright } from '../../helpers/runner/playwright-process';
import { Redactor } from '../../helpers/safety/redact';
import { cleanEnv } from '../../helpers/runner/env';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface SuiteRunSpec {
  name: string;
  /** The Playwright config, relative to the repository root. */
  config: string;
  args?: readonly string[];
  /** What this run adds to the clean environment, given the started mocks (after starting anything that fronts them). */
  env: (mocks: EmbeddedMocks) => Record<string, string> | Promise<Record<string, string>>;
  /** Where the run writes its summary, relative to the repository root. */
  summaryFile: string;
  /** Pass the (redacted) output through to the console. */
  echo?: boolean;
}

interface SuiteRun<S> {
  name: string;
  code: number;
  seconds: number;
  /** Undefined when the run wrote no summary. */
  summary?: S;
  /** Everything the run printed, unredacted: for the leak scan only. */
  rawOutput: string;
}

/**
 * What the scans after the runs need from a check: the secrets its mocks used and what its runs
 * printed (the leak scan), and what its mocks' journals say about cookies (SAFE-06).
 */
export interface RunOutputs {
  secrets: string[];
  printed: Record<string, string>;
  cookies: CookieLog;
}

interface CookieLog {
  /** Requests the mocks saw. */
  requests: number;
  /** Requests with a Cookie header that a check chose (it named itself beside it). */
  chosen: number;
  /** Requests with a Cookie header no check chose: `mock name #seq METHOD path`. Must stay empty. */
  ambient: string[];
}

/** Reads every mock's journal: must run before the mocks close. */
function cookieLog(mocks: EmbeddedMocks): CookieLog {
  const log: CookieLog = { requests: 0, chosen: 0, ambient: [] };
  for (const [name, handle] of mocks.handles) {
    for (const entry of handle.journal()) {
      log.requests++;
      if (entry.cookie?.chosenBy) log.chosen++;
      else if (entry.cookie) log.ambient.push(`${name} #${entry.seq} ${entry.method} ${entry.path}`);
    }
  }
  return log;
}

export interface SuiteRuns<S> {
  runs: Array<SuiteRun<S>>;
  redactor: Redactor;
  outputs: RunOutputs;
}

export async function runSuiteAgainstMocks<S>(targets: readonly MockTarget[], batches: ReadonlyArray<readonly SuiteRunSpec[]>): Promise<SuiteRuns<S>> {
  const mocks = await startEmbeddedMocks(targets);
  const redactor = new Redactor(mocks.secrets);
  const runOne = async (spec: SuiteRunSpec): Promise<SuiteRun<S>> => {
    const started = Date.now();
    const env = { ...cleanEnv(), ...mocks.sharedEnv, ...(await spec.env(mocks)) };
    const run = await runPlaywright(path.join(ROOT, spec.config), spec.args ?? [], env, redactor, spec.echo ?? false);
    const file = path.join(ROOT, spec.summaryFile);
    const summary = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as S) : undefined;
    if (!summary && !spec.echo) process.stdout.write(redactor.redact(run.rawOutput.split('\n').slice(-30).join('\n')));
    return { name: spec.name, code: run.code, seconds: (Date.now() - started) / 1000, summary, rawOutput: run.rawOutput };
  };
  const runs: Array<SuiteRun<S>> = [];
  let cookies: CookieLog;
  let signatures: string[];
  try {
    for (const batch of batches) runs.push(...(await Promise.all(batch.map(runOne))));
  } finally {
    cookies = cookieLog(mocks);
    // Signatures are made at run time, in the workers: the leak scan looks for every one the mocks received.
    signatures = [...mocks.handles.values()].flatMap((h) => h.signaturesSeen());
    await mocks.close();
  }
  return {
    runs,
    redactor,
    outputs: { secrets: [...mocks.secrets, ...signatures], printed: Object.fromEntries(runs.map((r) => [`${r.name} output`, r.rawOutput])), cookies },
  };
}
