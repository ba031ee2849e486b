/** What the conformance config and the self-test configs share: reporters and the trust store. */
import os from 'node:os';
import path from 'node:path';
import type { ReporterDescription } from '@playwright/test';

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
const ROOT = path.resolve(__dirname, '..');
const inRoot = (p: string | undefined): string | undefined => (p ? path.resolve(ROOT, p) : undefined);

export function reportersFor(choice: ReporterChoice): ReporterDescription[] {
  const target = process.env.CARDPLUSPAY_BASE_URL ? new URL(process.env.CARDPLUSPAY_BASE_URL).host : 'unset';
  const configured = ['CARDPLUSPAY_API_KEY', 'CARDPLUSPAY_INACTIVE_API_KEY', 'CARDPLUSPAY_SIGNING_API_KEY', 'CARDPLUSPAY_SECOND_SIGNING_API_KEY']
    .map((name) => `${name.replace('CARDPLUSPAY_', '').toLowerCase()}=${process.env[name] ? 'configured' : 'unset'}`)
    .join(', ');
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
              environmentInfo: {
                target: process.env.CARDPLUSPAY_TARGET === 'mock' ? 'embedded mock' : 'remote',
                base_url_host: target,
                credentials: configured,
                node: process.version,
                os: `${os.platform()} ${os.release()}`,
              },
            },
          ],
        ] as ReporterDescription[])
      : []),
    [require.resolve('./summary-reporter'), { outputFile: inRoot(choice.summaryFile), perProjectFile: inRoot(choice.perProjectFile), quiet: !!choice.perProjectFile }],
  ];
}

/**
 * Node reads NODE_EXTRA_CA_CERTS once at start; setting it here, in the runner, lets every worker
 * process trust the configured CA. Certificate checks stay on.
 */
export function trustConfiguredCa(): void {
  const caFile = process.env.CARDPLUSPAY_CA_FILE;
  if (caFile && !process.env.NODE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = caFile;
}
