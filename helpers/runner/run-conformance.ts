/**
 * `npm run conformance`: runs `playwright test` with the project's config, which does the work
 * (playwright.config.ts: settings, the embedded mock, the preflight, the deadline, redaction, the
 * reports and the verdict's exit status), so `npx playwright test` behaves the same. As the parent
 * process, the launcher adds only what a parent can: it refuses a key on the command line before
 * Playwright starts, passes Playwright's output through its own output boundary, and is the hard
 * stop of the run's time limit: if Playwright outlives CARDPLUSPAY_TIMEOUT_SECONDS by a grace
 * period (a worker stuck in synchronous work), it is interrupted and then killed, and the launcher
 * writes the complete "could not judge" report set itself. Extra arguments pass to Playwright.
 */
import fs from 'node:fs';
import path from 'node:path';
import { armOutputBoundary } from './output-boundary';
import { redactor } from '../safety/redact';
import { escape, matrixMarkdown, writeMatrixResult } from '../reporting/requirement-matrix';
import { promoteStaged, stagingDir } from '../reporting/staged-outputs';
import { summaryWithoutTests, type RequirementVerdict, type Summary } from '../reporting/summary';
import { exitCodeFor, verdictLines } from '../reporting/verdict-words';
import { runFacts } from '../settings/run-facts';
import { runLimits } from '../settings/limits';
import { runPlaywright } from './playwright-process';
import { argumentProblems, refuse } from './run-setup';

const ROOT = path.resolve(__dirname, '..', '..');
const REPORTS = path.join(ROOT, 'reports');
const SUMMARY = 'conformance-summary.json';
/** How long past the run's limit the launcher waits for Playwright's own limit to end the run. */
const BACKSTOP_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const startedAt = new Date();
  armOutputBoundary();
  const args = process.argv.slice(2);
  const problems = [...argumentProblems(args, process.env), ...configProblems(args)];
  if (problems.length > 0) refuse(problems);
  // The config refuses contradicting limits with exit 2; here only the backstop needs them.
  const limits = runLimits(process.env);
  const listing = args.some((a) => a === '--list' || a === '--help' || a === '-h');
  const run = await runPlaywright(
    path.join(ROOT, 'playwright.config.ts'),
    args,
    process.env,
    redactor,
    true,
    listing ? {} : { deadlineMs: limits.timeoutSeconds * 1000 + BACKSTOP_GRACE_MS },
  );
  if (listing || run.code === 2 || promotedSince(startedAt)) process.exit(run.code);
  process.stderr.write(`The run ended without writing its reports (Playwright exit ${run.code}); writing a "could not judge" set.\n`);
  process.exit(
    writeRunWithoutTests({
      ...summaryWithoutTests(
        { ...runFacts(), startedAt },
        'not judged: the run ended before it wrote a verdict (its time limit, CARDPLUSPAY_TIMEOUT_SECONDS, or a crash)',
      ),
      timedOut: true,
    }),
  );
}

/**
 * `npm run conformance` runs the project's config, which holds every guarantee; another config
 * given after it would replace it (Playwright takes the last `-c`), with none of them.
 */
function configProblems(args: readonly string[]): string[] {
  const given = args.find((a) => a === '-c' || a === '--config' || a.startsWith('--config='));
  return given
    ? [
        `Cannot start: ${given} would run another config in place of playwright.config.ts, without the checks, limits, redaction and verdict it holds. npm run conformance always runs the project's config.`,
      ]
    : [];
}

/** Whether a complete report set was promoted by this run. */
function promotedSince(startedAt: Date): boolean {
  try {
    return fs.statSync(path.join(REPORTS, SUMMARY)).mtimeMs >= startedAt.getTime();
  } catch {
    return false;
  }
}

/** Writes what the reporters would have (summary, matrix, JUnit, the Allure verdict) for a run that wrote nothing, staged then promoted. */
function writeRunWithoutTests(summary: Summary): number {
  const staging = stagingDir(REPORTS);
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, SUMMARY), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(staging, SUMMARY.replace(/\.json$/, '.md')), matrixMarkdown(summary));
  writeMatrixResult(summary, path.join(staging, 'allure-results'));
  fs.writeFileSync(path.join(staging, 'junit.xml'), junitWithoutTests(summary));
  promoteStaged(staging, REPORTS, ['allure-results', 'junit.xml', SUMMARY, SUMMARY.replace(/\.json$/, '.md')]);
  process.stdout.write(verdictLines(summary, path.relative(process.cwd(), path.join(REPORTS, SUMMARY))).join('\n'));
  return exitCodeFor(summary, 0, runFacts().failOnShould);
}

/** JUnit for a run in which no test ran: one case per requirement, skipped as not judged (a `not-judged` property gives why). */
function junitWithoutTests(summary: Summary): string {
  const entries = Object.entries(summary.requirements).filter((e): e is [string, RequirementVerdict] => e[1] !== undefined);
  const cases = entries.map(
    ([id, v]) =>
      `<testcase name="${id}" classname="run"><properties><property name="not-judged" value="${escape(v.reason ?? '')}"/></properties><skipped message="not judged: ${escape(v.reason ?? '')}"/></testcase>`,
  );
  const counts = `tests="${entries.length}" failures="0" skipped="${entries.length}" errors="0"`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${counts}>\n<testsuite name="run" ${counts}>\n${cases.join('\n')}\n</testsuite>\n</testsuites>\n`;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
