/**
 * `npm run conformance`: validate the settings (exit 2 before any request), start the embedded mock
 * when no target is configured, run the conformance specs, and exit 0 exactly when no `must`
 * requirement failed (1 otherwise). Extra arguments pass to Playwright.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KEY_NAMES, loadSettings, runFacts, secretsOf, SettingsError, type Settings } from '../settings';
import { startEmbeddedMocks, type EmbeddedMocks } from './embedded-mock';
import { runPlaywright } from './playwright-process';
import { Redactor } from '../redact';
import { exitCodeFor, type Summary } from '../reporting/summary';

const ROOT = path.resolve(__dirname, '..', '..');
const SUMMARY = path.join(ROOT, 'reports', 'conformance-summary.json');

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
  const { CARDPLUSPAY_TARGET: _internal, ...userEnv } = env;
  try {
    if (userEnv.CARDPLUSPAY_BASE_URL) return loadSettings(userEnv);
    const stray = TARGET_ONLY.filter((name) => userEnv[name]);
    if (stray.length > 0) {
      throw new SettingsError(
        stray.map(
          (name) =>
            `Cannot start: ${name} is set but CARDPLUSPAY_BASE_URL is not. The embedded mock makes its own keys and certificate; set CARDPLUSPAY_BASE_URL to check a real target, or unset ${name}.`,
        ),
      );
    }
    // Validate every other setting as the mock run will use it.
    loadSettings({ ...userEnv, CARDPLUSPAY_TARGET: 'mock', CARDPLUSPAY_BASE_URL: 'https://127.0.0.1/v1/', CARDPLUSPAY_API_KEY: 'placeholder-key-for-validation' });
    return undefined;
  } catch (error) {
    if (error instanceof SettingsError) refuse(error.problems);
    throw error;
  }
}

function cleanOutputs(): void {
  for (const p of ['reports/allure-results', 'test-results/conformance', 'reports/junit.xml', 'reports/conformance-summary.json', 'reports/conformance-summary.md']) {
    fs.rmSync(path.join(ROOT, p), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const remote = checkUserSettings(process.env);
  const redactor = new Redactor();
  let mocks: EmbeddedMocks | undefined;
  let env: NodeJS.ProcessEnv;
  if (remote) {
    for (const s of secretsOf(remote)) redactor.add(s);
    env = { ...process.env, CARDPLUSPAY_TARGET: 'remote', ...(remote.caFile ? { NODE_EXTRA_CA_CERTS: remote.caFile } : {}) };
    process.stdout.write(`Checking ${new URL(remote.baseUrl).host} (remote target) with ${remote.workers} worker(s).\n`);
  } else {
    mocks = await startEmbeddedMocks([{ name: 'mock' }], runFacts().challengeTtlSeconds);
    for (const s of mocks.secrets) redactor.add(s);
    env = { ...process.env, ...mocks.sharedEnv, ...mocks.targetEnv.mock };
    process.stdout.write(`No CARDPLUSPAY_BASE_URL: checking the embedded mock at ${mocks.targetEnv.mock!.CARDPLUSPAY_BASE_URL} (fresh keys and certificate for this run).\n`);
  }
  const listing = args.includes('--list') || args.includes('--help') || args.includes('-h');
  if (!listing) cleanOutputs();
  let code: number;
  try {
    const run = await runPlaywright(path.join(ROOT, 'playwright.config.ts'), args, env, redactor);
    code = listing ? run.code : exitCodeOfRun(run.code);
  } finally {
    await mocks?.close();
  }
  process.exit(code);
}

/** The run's exit status from the summary it wrote; a shard is judged on its own tests (reporting/summary.ts). */
function exitCodeOfRun(playwrightCode: number): number {
  if (!fs.existsSync(SUMMARY)) {
    process.stderr.write(`The run ended without a summary (Playwright exit ${playwrightCode}); see the output above.\n`);
    return 1;
  }
  const summary = JSON.parse(fs.readFileSync(SUMMARY, 'utf8')) as Summary;
  return exitCodeFor(summary, playwrightCode, runFacts().failOnShould, (line) => process.stderr.write(`${line}\n`));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
