/** What the conformance config and the self-test configs share: the reporters and the report's environment panel. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReporterDescription } from '@playwright/test';
import { KEY_NAMES, runFacts, type RunFacts } from '../settings';
import { REPORT_CATEGORIES } from './categories';

interface ReporterChoice {
  summaryFile?: string;
  perProjectFile?: string;
  /** Where Allure results go; unset for none. */
  allureDir?: string;
  junitFile?: string;
  /** The console reporter: `list` for a conformance run, `dot` for the many-target self-test. */
  console?: 'list' | 'dot';
}

/** Reporter paths are absolute: Playwright resolves relative ones against each config's folder. */
const ROOT = path.resolve(__dirname, '..', '..');
const inRoot = (p: string | undefined): string | undefined => (p ? path.resolve(ROOT, p) : undefined);

export function reportersFor(choice: ReporterChoice): ReporterDescription[] {
  return [
    // First, so every reporter after it sees redacted results.
    [require.resolve('./redacting-reporter')],
    [choice.console ?? 'list'],
    ['junit', { outputFile: inRoot(choice.junitFile ?? 'reports/junit.xml'), stripANSIControlSequences: true }],
    ...(choice.allureDir
      ? ([
          [
            'allure-playwright',
            {
              resultsDir: inRoot(choice.allureDir),
              detail: true,
              suiteTitle: true,
              environmentInfo: environmentInfo(),
              categories: REPORT_CATEGORIES.map(({ name, description, matchedStatuses, messageRegex }) => ({ name, description, matchedStatuses, messageRegex })),
            },
          ],
        ] as ReporterDescription[])
      : []),
    [
      require.resolve('./summary-reporter'),
      { outputFile: inRoot(choice.summaryFile), perProjectFile: inRoot(choice.perProjectFile), allureDir: inRoot(choice.allureDir), quiet: !!choice.perProjectFile },
    ],
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
    credentials_not_configured: KEY_NAMES.filter((n) => !facts.configuredKeys.includes(n)).map(short).join(', ') || 'none',
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
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
  try {
    const sha = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${sha} (with local changes)` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
