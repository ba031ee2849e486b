/**
 * The Allure report as a reviewer sees it, in a real browser. Builds one report from the sharded
 * run's results (Allure's own merge of several results folders, as the CI workflow does), opens
 * its index.html from disk in headless Debian Chromium through playwright-core, and checks what a
 * reviewer relies on: the totals, the known failing check with its requirement id, category and
 * redacted exchange, and the requirement matrix. Saves screenshots of the matrix and of the
 * failing check under reports/self-test/report-check/, and scans the built report, its history
 * and the rendered pages for secrets. The report is built as a user builds it, by the allure CLI
 * through the self-test's config (allurerc.ts's plugins, so its offline plugin strips Allure's
 * analytics) with no step of its own after, and any request the pages make to something other than
 * file:, data: or blob: is blocked and fails the check (SAFE-09).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { Redactor } from '../../helpers/safety/redact';
import { MATRIX_NAME } from '../../helpers/reporting/requirement-matrix';
import type { Summary } from '../../helpers/reporting/summary';
import { scanForSecrets } from './leak-scan';
import { leakedEncodings } from '../support/leak-detector';
import type { Recorder, ShardCheckOutput } from './shard-check';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where the check builds the report and keeps its screenshots: it scans the report itself, so the leak scan leaves it out. */
export const REPORT_CHECK_OUT = path.join(ROOT, 'reports', 'self-test', 'report-check');
const OUT = REPORT_CHECK_OUT;
export const CHROMIUM = '/usr/bin/chromium';
/** docs/pitfalls.md: what Debian's Chromium needs to run headless here, and nothing that phones home. */
/**
 * How long the browser may take to start or to show any one thing. This checks what the report
 * shows, not how fast: a quiet 2-core machine opens it in 6 s, and a loaded one took over 30 s, so
 * the budget is far above both. A report that never renders still fails, at the budget.
 */
const BROWSER_BUDGET_MS = 300_000;
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The only URLs an opened report may load: itself and what it builds in memory. */
const ON_MACHINE = /^(?:file|data|blob):/i;

/**
 * Blocks every request of the context that would leave the machine and returns the list of their
 * URLs, filled as they happen: a page of the report, its frames and workers alike.
 */
export async function refuseOffMachineRequests(context: BrowserContext): Promise<string[]> {
  const offMachine: string[] = [];
  context.on('request', (request) => {
    if (!ON_MACHINE.test(request.url())) offMachine.push(request.url());
  });
  await context.route(
    (url) => !ON_MACHINE.test(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return offMachine;
}

/** What the report's header must count: the run's tests, plus the requirement matrix result. */
function expectedTotals(s: Summary): { total: number; failed: number; passed: number; skipped: number } {
  const matrixFailed = s.failedRequirements.length > 0 && s.failedRequirements.some((id) => s.requirements[id]?.level === 'must');
  return {
    total: s.totals.passed + s.totals.failed + s.totals.skipped + 1,
    failed: s.totals.failed + (matrixFailed ? 1 : 0),
    passed: s.totals.passed + (matrixFailed ? 0 : 1),
    skipped: s.totals.skipped,
  };
}

/** The counters at the top of the Results tab ("Total 150 … Failed 2 …"), read as a reviewer reads them. */
async function shownTotals(page: Page): Promise<Record<string, number>> {
  const text = await page.locator('body').innerText();
  const out: Record<string, number> = {};
  for (const name of ['Total', 'Failed', 'Broken', 'Passed', 'Skipped']) {
    const m = new RegExp(`\\b${name}\\s+(\\d+)`).exec(text);
    if (m) out[name.toLowerCase()] = Number(m[1]);
  }
  return out;
}

/** What the check found: problems fail it, what was seen is its detail; `doing` names the step a thrown error interrupted. */
interface Findings {
  problems: string[];
  seen: string[];
  /** The text each visited page showed, for the leak detector. */
  pages: string[];
  doing: string;
}

/**
 * Builds the report as a user does: what `npx allure generate --config
 * tests/configs/allurerc.self-test.ts <results>...` runs, and nothing after. Gives its index.html, or
 * why it could not.
 */
async function buildReport(resultsDirs: readonly string[], baseEnv: NodeJS.ProcessEnv): Promise<{ index: string } | { failed: string }> {
  // Not spawnSync: steps beside this one (the leak scan, mocks of other runs) share this process's thread.
  const generate = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'allure', 'cli.js'), 'generate', '--config', path.join(ROOT, 'tests', 'configs', 'allurerc.self-test.ts'), ...resultsDirs],
    { cwd: ROOT, env: { ...baseEnv, ALLURE_SELF_TEST_DIR: OUT }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let said = '';
  generate.stdout.on('data', (d: Buffer) => (said = (said + d.toString('utf8')).slice(-2000)));
  generate.stderr.on('data', (d: Buffer) => (said = (said + d.toString('utf8')).slice(-2000)));
  const status = await new Promise<number | null>((resolve) => {
    generate.on('error', () => resolve(null));
    generate.on('close', (code) => resolve(code));
  });
  const index = path.join(OUT, 'allure-report', 'index.html');
  if (status !== 0 || !fs.existsSync(index)) return { failed: `allure generate exited ${status}: ${said.trim().slice(-500)}` };
  return { index };
}

/** A fresh tab on the report's front page, opened from disk as a reviewer opens the CI artifact. */
async function openReport(context: BrowserContext, index: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(BROWSER_BUDGET_MS);
  await page.goto(`file://${index}`);
  await page.getByText(`${MATRIX_NAME}: the target`).first().waitFor();
  return page;
}

async function checkTotals(page: Page, merged: Summary, f: Findings): Promise<void> {
  f.doing = 'reading the totals';
  const want = expectedTotals(merged);
  const shown = await shownTotals(page);
  const totalsOk =
    shown.total === want.total && shown.failed === want.failed && shown.passed === want.passed && (shown.skipped ?? 0) === want.skipped && !shown.broken;
  if (!totalsOk) f.problems.push(`totals shown ${JSON.stringify(shown)}, expected ${JSON.stringify(want)} (the run's tests plus the matrix)`);
  else f.seen.push(`totals ${want.total} = ${want.passed} passed + ${want.failed} failed + ${want.skipped} skipped (the matrix included)`);
  f.pages.push(await shownText(page));
}

async function checkCategories(page: Page, f: Findings): Promise<void> {
  f.doing = 'opening the Categories tab';
  await page
    .getByText(/^Categories\s*\d+$/)
    .first()
    .click();
  await page.getByText('Contract violations').first().waitFor();
  const categories = await page.locator('body').innerText();
  const wantCategories = ['Contract violations', 'Conformance verdict (requirement matrix)'];
  for (const c of wantCategories) if (!categories.includes(c)) f.problems.push(`the Categories tab has no "${c}"`);
  f.seen.push(`categories shown: ${wantCategories.join(', ')}`);
  await page
    .getByText(/^Results\s*\d+$/)
    .first()
    .click();
}

/** The known failing check: found by its requirement id, as a reviewer would search, with its redacted exchange. */
async function checkFailingCheck(page: Page, input: ShardCheckOutput, f: Findings): Promise<void> {
  const failingTitle = input.single.failedTests.find((t) => input.breaks.some((id) => t.startsWith(`${id} `)));
  const requirementId = input.breaks.find((id) => failingTitle?.startsWith(`${id} `));
  f.doing = `finding the failing check of ${requirementId ?? '?'}`;
  if (!failingTitle || !requirementId) {
    f.problems.push(`the run recorded no failing check of ${input.breaks.join(', ')}`);
    return;
  }
  await page.getByPlaceholder('Search tests').fill(requirementId);
  await page.getByText(failingTitle, { exact: true }).first().click();
  await page.getByText(`Category: Contract violations`).waitFor();
  const overview = await page.locator('body').innerText();
  for (const expected of ['Failed', `docs: ${requirementId}`, requirementId])
    if (!overview.includes(expected)) f.problems.push(`the failing check's page does not show "${expected}"`);
  f.doing = 'opening its redacted exchange';
  await page
    .getByText(/^Attachments\s*\d+$/)
    .first()
    .click();
  const exchange = page.getByText(/^(GET|POST|PUT) \S+ → \d{3}$/).first();
  const exchangeName = await exchange.innerText();
  await exchange.click();
  await page
    .getByText(/X-API-Key: \[redacted …/)
    .first()
    .waitFor();
  await page.screenshot({ path: path.join(OUT, 'failing-check.png') });
  f.seen.push(`"${failingTitle}" shows Failed, category Contract violations, its docs link and the redacted exchange "${exchangeName}"`);
  f.pages.push(await shownText(page));
  // Back to the front page inside the app (reloading 6 MB of report costs seconds).
  await page.evaluate("window.location.hash = ''");
}

/** The matrix, first in the tree: opened, checked row by row, and photographed. */
async function checkMatrix(page: Page, merged: Summary, f: Findings): Promise<void> {
  f.doing = 'opening the requirement matrix';
  // Tall enough for the whole matrix in one screenshot (the report scrolls inside its own pane).
  await page.setViewportSize({ width: 1400, height: 2000 });
  await page.getByText(`${MATRIX_NAME}: the target`).first().click();
  // The awesome report renders a result's HTML description in a sandboxed frame.
  const description = page.frameLocator('iframe').first();
  await description.getByText('what it checks / why skipped').first().waitFor();
  const matrixText = await description.locator('body').innerText();
  const missing = Object.keys(merged.requirements).filter((id) => !matrixText.includes(id));
  if (missing.length) f.problems.push(`the matrix lacks ${missing.join(', ')}`);
  for (const id of merged.failedRequirements) if (!matrixText.includes(`FAILED ${id}`)) f.problems.push(`the matrix does not list ${id} as FAILED`);
  await page.screenshot({ path: path.join(OUT, 'requirement-matrix.png') });
  f.seen.push(`the matrix lists all ${Object.keys(merged.requirements).length} requirements with ${merged.failedRequirements.join(', ') || 'none'} FAILED`);
  f.pages.push(await shownText(page));
}

/** The report in headless Chromium, step by step; gives the requests it tried to make off the machine (blocked). */
async function walkThrough(index: string, input: ShardCheckOutput, f: Findings): Promise<string[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: BROWSER_BUDGET_MS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const offMachine = await refuseOffMachineRequests(context);
  f.doing = 'opening the report';
  try {
    const page = await openReport(context, index);
    await checkTotals(page, input.merged, f);
    await checkCategories(page, f);
    await checkFailingCheck(page, input, f);
    await checkMatrix(page, input.merged, f);
    // The independent detector, not the redactor: what the redactor would miss, it would miss here too.
    const leakedIn = [...new Set(f.pages.flatMap((html) => leakedEncodings(html, input.secrets)))];
    if (leakedIn.length > 0) f.problems.push(`a secret shows in the rendered report (${leakedIn.join(', ')})`);
  } catch (error) {
    const finder = new Redactor(input.secrets);
    f.problems.push(
      `failed while ${f.doing}: ${finder.redact(error instanceof Error ? error.message.split('\n')[0]! : String(error))} (screenshot: ${path.relative(ROOT, OUT)}/failure.png)`,
    );
    await browser
      .contexts()
      .flatMap((c) => c.pages())
      .at(-1)
      ?.screenshot({ path: path.join(OUT, 'failure.png') })
      .catch(() => undefined);
  } finally {
    await browser.close();
  }
  return offMachine;
}

export async function browserCheck(record: Recorder, input: ShardCheckOutput, baseEnv: NodeJS.ProcessEnv): Promise<void> {
  const started = Date.now();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  if (!fs.existsSync(CHROMIUM)) {
    record(
      'Allure report in a real browser',
      false,
      `Chromium is not installed at ${CHROMIUM}, so the report cannot be checked. Install Debian's package: apt-get update && apt-get install -y chromium (.ci/run does this).`,
    );
    return;
  }
  const report = await buildReport(input.resultsDirs, baseEnv);
  if ('failed' in report) {
    record('Allure report builds from the merged shards', false, report.failed);
    return;
  }
  const generated = (Date.now() - started) / 1000;

  const f: Findings = { problems: [], seen: [], pages: [], doing: '' };
  const offMachine = await walkThrough(report.index, input, f);
  if (offMachine.length > 0)
    f.problems.push(`the report made ${offMachine.length} request(s) off the machine (blocked): ${[...new Set(offMachine)].slice(0, 5).join(', ')}`);
  else f.seen.push('no request other than file:, data: or blob:');
  // The built report and its history are outputs like any other: scanned for every secret.
  const hits = scanForSecrets([OUT], input.secrets);
  if (hits.length) f.problems.push(`secrets found in: ${hits.join(', ')}`);
  const history = path.join(OUT, 'allure-history.jsonl');
  if (!fs.existsSync(history) || fs.readFileSync(history, 'utf8').trim() === '') f.problems.push('the report wrote no history entry');
  record(
    'Allure report in a real browser',
    f.problems.length === 0,
    f.problems.length === 0
      ? `${f.seen.join('; ')}; built in ${generated.toFixed(1)} s, checked in ${((Date.now() - started) / 1000 - generated).toFixed(1)} s; screenshots in ${path.relative(ROOT, OUT)}/`
      : f.problems.join('; '),
  );
}

/**
 * What a page shows a reader: its text, and the links and titles it carries. Scripts and embedded
 * data are left out (the built files are scanned byte for byte by the leak scan); reading the whole
 * single-file page through every decoding took most of this check's time.
 */
async function shownText(page: Page): Promise<string> {
  // A string, not a function: this project compiles without the DOM library.
  return String(
    await page.evaluate(
      `[document.body.innerText, ...Array.from(document.querySelectorAll('[href],[title]'), (e) => [e.getAttribute('href'), e.getAttribute('title')].filter((v) => v && !v.startsWith('data:')).join(' '))].join('\\n')`,
    ),
  );
}
