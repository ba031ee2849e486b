/**
 * `npm run conformance`: validate the settings (exit 2 before any request), start the embedded mock
 * when no target is configured, preflight the target (unreachable: exit 3 in seconds, without
 * starting a worker), run the conformance specs within the run's time limit, and exit with the
 * verdict: 0 conforms, 1 does not conform, 3 could not judge (SAFE-07). Extra arguments pass to Playwright.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { internalSetFromOutside, isInternal, KEY_NAMES, loadSettings, requestLedgerEnv, runDeadlineEnv, runFacts, runLimits, secretsOf, SettingsError, type Settings } from '../settings';
import { cannotReachLine, preflight, type PreflightResult } from './preflight';
import { startEmbeddedMocks, type EmbeddedMocks } from './embedded-mock';
import { runPlaywright } from './playwright-process';
import { Redactor } from '../redact';
import { exitCodeFor, summaryWithoutTests, verdictLines, type RequirementVerdict, type Summary } from '../reporting/summary';
import { escape, matrixMarkdown, writeMatrixResult } from '../reporting/requirement-matrix';

const ROOT = path.resolve(__dirname, '..', '..');
const SUMMARY = path.join(ROOT, 'reports', 'conformance-summary.json');
/** How long past the run's limit the runner waits before it stops Playwright itself. */
const BACKSTOP_GRACE_MS = 5_000;

/** Settings that describe a real target; with the embedded mock they would be silently ignored. */
const TARGET_ONLY = [
  ...KEY_NAMES,
  'CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE',
  'CARDPLUSPAY_HTTP_URL',
  'CARDPLUSPAY_CA_FILE',
];

export function refuse(problems: readonly string[]): never {
  process.stderr.write(`${problems.join('\n')}\n\nNothing was sent. Fix the setting(s) above and run again (README.md, "Settings").\n`);
  process.exit(2);
}

/** Validates the user's environment; returns the settings for a remote target, or undefined for the mock. */
export function checkUserSettings(env: NodeJS.ProcessEnv): Settings | undefined {
  const problems = internalSetFromOutside(env);
  const userEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !isInternal(name)));
  let remote: Settings | undefined;
  try {
    if (userEnv.CARDPLUSPAY_BASE_URL) remote = loadSettings(userEnv);
    else {
      const stray = TARGET_ONLY.filter((name) => userEnv[name]);
      problems.push(
        ...stray.map(
          (name) =>
            `Cannot start: ${name} is set but CARDPLUSPAY_BASE_URL is not. The embedded mock makes its own keys and certificate; set CARDPLUSPAY_BASE_URL to check a real target, or unset ${name}.`,
        ),
      );
      // Validate every other setting as the mock run will use it.
      if (stray.length === 0) loadSettings({ ...userEnv, CARDPLUSPAY_TARGET: 'mock', CARDPLUSPAY_BASE_URL: 'https://127.0.0.1/v1/', CARDPLUSPAY_API_KEY: 'placeholder-key-for-validation' });
    }
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) refuse(problems);
  return remote;
}

function cleanOutputs(): void {
  for (const p of ['reports/allure-results', 'test-results/conformance', 'reports/junit.xml', 'reports/conformance-summary.json', 'reports/conformance-summary.md']) {
    fs.rmSync(path.join(ROOT, p), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const args = process.argv.slice(2);
  const remote = checkUserSettings(process.env);
  const limits = runLimits();
  const redactor = new Redactor();
  let mocks: EmbeddedMocks | undefined;
  let env: NodeJS.ProcessEnv;
  let ca: string | undefined;
  if (remote) {
    for (const s of secretsOf(remote)) redactor.add(s);
    env = { ...process.env, CARDPLUSPAY_TARGET: 'remote', ...(remote.caFile ? { NODE_EXTRA_CA_CERTS: remote.caFile } : {}) };
    ca = remote.caFile ? fs.readFileSync(remote.caFile, 'utf8') : undefined;
    process.stdout.write(`Checking ${new URL(remote.baseUrl).host} (remote target) with ${remote.workers} worker(s).\n`);
  } else {
    mocks = await startEmbeddedMocks([{ name: 'mock' }], runFacts().challengeTtlSeconds);
    for (const s of mocks.secrets) redactor.add(s);
    env = { ...process.env, ...mocks.sharedEnv, ...mocks.targetEnv.mock };
    ca = mocks.sharedEnv.NODE_EXTRA_CA_CERTS ? fs.readFileSync(mocks.sharedEnv.NODE_EXTRA_CA_CERTS, 'utf8') : undefined;
    process.stdout.write(`No CARDPLUSPAY_BASE_URL: checking the embedded mock at ${mocks.targetEnv.mock!.CARDPLUSPAY_BASE_URL} (fresh keys and certificate for this run).\n`);
  }
  const baseUrl = runFacts(env).baseUrl;
  const listing = args.includes('--list') || args.includes('--help') || args.includes('-h');
  if (!listing) cleanOutputs();
  // One ledger per run: every worker counts its requests in it, so the cap holds across processes.
  const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardpluspay-requests-'));
  Object.assign(env, requestLedgerEnv(path.join(ledgerDir, 'requests')));
  let code: number;
  try {
    const reached = listing ? undefined : await preflight(baseUrl, { ca });
    if (reached && reached.outcome !== 'reachable') {
      code = judgedWithoutWorkers(reached, baseUrl, startedAt, env);
    } else {
      const deadline = startedAt.getTime() + limits.timeoutSeconds * 1000;
      Object.assign(env, runDeadlineEnv(deadline));
      // The backstop fires only if Playwright's own limit (a little earlier) did not end the run.
      const run = await runPlaywright(path.join(ROOT, 'playwright.config.ts'), args, env, redactor, true, { deadlineMs: deadline - Date.now() + BACKSTOP_GRACE_MS });
      code = listing ? run.code : exitCodeOfRun(run.code, startedAt, env);
    }
  } finally {
    await mocks?.close();
    fs.rmSync(ledgerDir, { recursive: true, force: true });
  }
  process.exit(code);
}

/**
 * The preflight found the target unreachable (could not judge) or its certificate unverifiable
 * (TLS-01 fails): no worker starts, no key is sent, and the reports say so.
 */
function judgedWithoutWorkers(reached: Exclude<PreflightResult, { outcome: 'reachable' }>, baseUrl: string, startedAt: Date, env: NodeJS.ProcessEnv): number {
  const run = { target: runFacts(env).target, baseUrl, startedAt };
  if (reached.outcome === 'unreachable') {
    process.stderr.write(`${cannotReachLine(baseUrl, reached.reason)}\n`);
    return writeRunWithoutTests(summaryWithoutTests(run, `target unreachable: ${reached.reason}`));
  }
  process.stderr.write(`The certificate of ${new URL(baseUrl).host} does not verify (${reached.reason}): TLS-01 fails. No key was sent; nothing else was checked.\n`);
  return writeRunWithoutTests(summaryWithoutTests(run, 'not checked: the certificate does not verify, so no key was sent', { 'TLS-01': `the certificate does not verify: ${reached.reason}` }));
}

/** The run's exit status from the summary it wrote; a shard is judged on its own tests (reporting/summary.ts). */
function exitCodeOfRun(playwrightCode: number, startedAt: Date, env: NodeJS.ProcessEnv): number {
  if (!fs.existsSync(SUMMARY)) {
    // Stopped before its reporters could write (the time-limit backstop): the run still ends with a verdict.
    process.stderr.write(`The run ended without a summary (Playwright exit ${playwrightCode}); see the output above.\n`);
    const run = { ...runFacts(env), startedAt };
    return writeRunWithoutTests({ ...summaryWithoutTests(run, 'not judged: the run ended before it wrote a verdict'), timedOut: true });
  }
  const summary = JSON.parse(fs.readFileSync(SUMMARY, 'utf8')) as Summary;
  return exitCodeFor(summary, playwrightCode, runFacts().failOnShould, (line) => process.stderr.write(`${line}\n`));
}

/** Writes what the reporters would have (summary, matrix, the Allure verdict) for a run in which no test ran. */
function writeRunWithoutTests(summary: Summary): number {
  fs.mkdirSync(path.dirname(SUMMARY), { recursive: true });
  fs.writeFileSync(SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(SUMMARY.replace(/\.json$/, '.md'), matrixMarkdown(summary));
  writeMatrixResult(summary, path.join(ROOT, 'reports', 'allure-results'));
  fs.writeFileSync(path.join(ROOT, 'reports', 'junit.xml'), junitWithoutTests(summary));
  process.stdout.write(verdictLines(summary, path.relative(process.cwd(), SUMMARY)).join('\n'));
  return exitCodeFor(summary, 0, runFacts().failOnShould);
}

/** JUnit for a run in which no test ran: one case per requirement, failed or skipped as not judged (a `not-judged` property gives why). */
function junitWithoutTests(summary: Summary): string {
  const entries = Object.entries(summary.requirements).filter((e): e is [string, RequirementVerdict] => e[1] !== undefined);
  const cases = entries.map(([id, v]) =>
    v.status === 'failed'
      ? `<testcase name="${id}" classname="preflight"><failure message="${escape(v.reason ?? 'failed')}"/></testcase>`
      : `<testcase name="${id}" classname="preflight"><properties><property name="not-judged" value="${escape(v.reason ?? '')}"/></properties><skipped message="not judged: ${escape(v.reason ?? '')}"/></testcase>`,
  );
  const failures = entries.filter(([, v]) => v.status === 'failed').length;
  const counts = `tests="${entries.length}" failures="${failures}" skipped="${entries.length - failures}" errors="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${counts}>\n<testsuite name="preflight" ${counts}>\n${cases.join('\n')}\n</testsuite>\n</testsuites>\n`;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
