/** What the conformance config and the self-test configs share: the reporters and the report's environment panel. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReporterDescription } from '@playwright/test';
import { KEY_NAMES } from '../settings/secrets';
import { runFacts, type RunFacts } from '../settings/run-facts';
import { REPORT_CATEGORIES } from './categories';
import { removeStaleStaging, stagingDir } from './staged-outputs';

interface ReporterChoice {
  summaryFile?: string;
  perProjectFile?: string;
  /** Where Allure results go; unset for none. */
  allureDir?: string;
  junitFile?: string;
  /** The console reporter: `list` for a conformance run, `dot` for the many-target self-test. */
  console?: 'list' | 'dot';
  /**
   * Write, then swap, and exit with the verdict: the files above are names inside this folder,
   * written to a staging folder beside them and promoted together once every reporter is done
   * (finish-reporter.ts). Unset: written in place, Playwright's own exit status.
   */
  stageInto?: string;
}

/** Reporter paths are absolute: Playwright resolves relative ones against each config's folder. */
const ROOT = path.resolve(__dirname, '..', '..');
const inRoot = (p: string | undefined): string | undefined => (p ? path.resolve(ROOT, p) : undefined);

export function reportersFor(choice: ReporterChoice): ReporterDescription[] {
  const into = inRoot(choice.stageInto);
  const staging = into ? stagingDir(into) : undefined;
  if (into) removeStaleStaging(into);
  const at = (p: string | undefined): string | undefined => (p && staging ? path.join(staging, p) : inRoot(p));
  const summaryFile = at(choice.summaryFile);
  const junitFile = at(choice.junitFile ?? (staging ? 'junit.xml' : 'reports/junit.xml'));
  const allureDir = at(choice.allureDir);
  const perProjectFile = at(choice.perProjectFile);
  const written = [allureDir, junitFile, summaryFile, summaryFile?.replace(/\.json$/, '.md'), perProjectFile].filter((p): p is string => !!p);
  return [
    // First, so every reporter after it sees redacted results.
    [require.resolve('./redacting-reporter')],
    // Second, so every reporter after it sees a check that could not be judged as such, not as a failure.
    [require.resolve('./not-judged-reporter')],
    [choice.console ?? 'list'],
    ['junit', { outputFile: junitFile, stripANSIControlSequences: true }],
    ...(allureDir
      ? ([
          [
            // allure-playwright, without its per-file fsyncs (allure-reporter.ts).
            require.resolve('./allure-reporter'),
            {
              resultsDir: allureDir,
              detail: true,
              suiteTitle: true,
              environmentInfo: environmentInfo(),
              categories: REPORT_CATEGORIES.map(({ name, description, matchedStatuses, messageRegex }) => ({
                name,
                description,
                matchedStatuses,
                messageRegex,
              })),
            },
          ],
        ] as ReporterDescription[])
      : []),
    [
      require.resolve('./summary-reporter'),
      {
        outputFile: summaryFile,
        perProjectFile,
        allureDir,
        quiet: !!perProjectFile,
        shownAs: into && choice.summaryFile ? path.join(into, choice.summaryFile) : undefined,
      },
    ],
    // After every writer, so it sees every file they wrote (SAFE-01's backstop).
    [require.resolve('./output-backstop'), { paths: written }],
    ...(into && staging && choice.summaryFile
      ? ([
          [require.resolve('./finish-reporter'), { staging, into, entries: written.map((p) => path.relative(staging, p)), summaryFile: choice.summaryFile }],
        ] as ReporterDescription[])
      : []),
  ];
}

/**
 * The report's Environment panel: what was checked and with what, so two reports can be compared.
 * Hosts and names only: no key, no path to a key file, no query string.
 */
export function environmentInfo(facts: RunFacts = runFacts()): Record<string, string> {
  const base = facts.baseUrl ? safeUrl(facts.baseUrl) : undefined;
  return {
    target: facts.target === 'mock' ? `embedded mock${facts.mockFault ? ` (fault ${facts.mockFault})` : ''}` : 'remote',
    base_url_host: base ? base.host : 'unset',
    base_url_path: base ? base.pathname : 'unset',
    credentials_configured: facts.configuredKeys.map(short).join(', ') || 'none',
    credentials_not_configured:
      KEY_NAMES.filter((n) => !facts.configuredKeys.includes(n))
        .map(short)
        .join(', ') || 'none',
    run_slow_checks: facts.runSlow ? 'yes' : 'no',
    suite_version: suiteVersion(),
    suite_commit: suiteCommit(facts.ciCommit),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
  };
}

const short = (name: string): string => name.replace('CARDPLUSPAY_', '').toLowerCase();

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function suiteVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** CI's commit when it says (GitHub Actions), else the checkout's, marked when it has local changes. */
function suiteCommit(ciCommit: string | undefined): string {
  if (ciCommit) return ciCommit.slice(0, 12);
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
  try {
    const sha = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${sha} (with local changes)` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
