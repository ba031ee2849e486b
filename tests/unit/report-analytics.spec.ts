/**
 * SAFE-09: the reports call nowhere. A report built the way a user builds it, `npx allure generate
 * --config allurerc.ts <results> -o <dir>`, holds no analytics marker and no remote script in any
 * file, because the config's offline plugin strips them; the same build without that plugin still
 * carries Google Tag Manager (so these tests fail without the fix, and notice if Allure's template
 * changes); a page the plugin cannot clean fails the build and is deleted; and the browser check's
 * network watch catches and blocks a page that calls out.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { expect, test } from '../support/unit-test';
import { analyticsMarkers, stripAnalytics, stripReport } from '../../helpers/reporting/strip-analytics';
import { CHROMIUM, CHROMIUM_ARGS, refuseOffMachineRequests } from '../steps/browser-check';

const ROOT = path.resolve(__dirname, '..', '..');
const ALLURE_CLI = path.join(ROOT, 'node_modules', 'allure', 'cli.js');
const PROJECT_CONFIG = path.join(ROOT, 'allurerc.ts');
const SAFE09 = { annotation: [{ type: 'requirement', description: 'SAFE-09' }] };

/** A temporary folder with one passing result in `results/`, removed after `use`. */
async function withResults(use: (dir: string, results: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-analytics-'));
  try {
    const results = path.join(dir, 'results');
    fs.mkdirSync(results);
    const uuid = crypto.randomUUID();
    const now = Date.now();
    const result = {
      uuid,
      historyId: uuid,
      name: 'one passing check',
      fullName: 'one passing check',
      status: 'passed',
      stage: 'finished',
      start: now,
      stop: now + 1,
      labels: [],
      steps: [],
      attachments: [],
      parameters: [],
      links: [],
    };
    fs.writeFileSync(path.join(results, `${uuid}-result.json`), JSON.stringify(result));
    await use(dir, results);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `npx allure generate --config <config> <results> -o <out>`, run from `dir`: so the history file
 * the config names (`./reports/history/…`) is written there, never into the user's own.
 */
function allureGenerate(config: string, results: string, out: string, dir: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [ALLURE_CLI, 'generate', '--config', config, results, '-o', out], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

/** The analytics markers in every file under `dir`, the scripts a page embeds as data: URLs decoded too. */
function markersIn(dir: string): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const text = fs.readFileSync(file, 'utf8');
    const embedded = [...text.matchAll(/data:text\/javascript;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
    for (const [where, content] of [[name, text], ...embedded.map((js, i) => [`${name} (embedded script ${i + 1})`, js])] as const) {
      for (const marker of analyticsMarkers(content)) found.push(`${where}: ${marker}`);
    }
  }
  return found;
}

for (const [label, config, selfTest] of [
  ['allurerc.ts', PROJECT_CONFIG, false],
  ['tests/configs/allurerc.self-test.ts', path.join(ROOT, 'tests', 'configs', 'allurerc.self-test.ts'), true],
] as const) {
  test(`SAFE-09 npx allure generate --config ${label} builds a report with no analytics or remote script in any file`, SAFE09, async () => {
    test.slow();
    await withResults(async (dir, results) => {
      const out = path.join(dir, 'report');
      const generate = allureGenerate(config, results, out, dir, selfTest ? { ALLURE_SELF_TEST_DIR: dir } : {});
      expect(generate.status, generate.stderr).toBe(0);
      const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
      expect(markersIn(out)).toEqual([]);
      // Still the report: its app, embedded, and nothing else removed.
      expect(html).toMatch(/<script\s+src="data:text\/javascript;base64,/);
      expect(html).toContain('<div id="app"');
      expect(html).toContain('window.allureReportOptions');
    });
  });
}

test('SAFE-09 the same build without the offline plugin carries Google Tag Manager (what the plugin removes)', SAFE09, async () => {
  test.slow();
  await withResults(async (dir, results) => {
    // allurerc.ts less the plugin withOfflineReport adds: Allure 3.18 as it ships.
    const config = path.join(dir, 'without-offline.allurerc.ts');
    fs.writeFileSync(
      config,
      `import base from ${JSON.stringify(PROJECT_CONFIG.replace(/\.ts$/, ''))};\nconst { offline, ...plugins } = base.plugins ?? {};\nif (!offline) throw new Error('allurerc.ts has no offline plugin');\nexport default { ...base, plugins };\n`,
    );
    const out = path.join(dir, 'report');
    const generate = allureGenerate(config, results, out, dir);
    expect(generate.status, generate.stderr).toBe(0);
    // If this fails, Allure's template changed: check what a report loads now.
    expect(markersIn(out)).toEqual(
      expect.arrayContaining(['index.html: a googletagmanager.com address', 'index.html: a gtag( call', 'index.html: a script loaded from another origin']),
    );
  });
});

test('SAFE-09 a page the offline plugin cannot clean fails the build (exit 1) and is deleted', SAFE09, async () => {
  test.slow();
  await withResults(async (dir, results) => {
    // A report plugin that writes analytics the stripper does not know (in an <img>), before the offline plugin.
    const plugin = path.join(dir, 'calls-out-plugin.mjs');
    fs.writeFileSync(
      plugin,
      `export default class { async done(context) { await context.reportFiles.addFile('index.html', Buffer.from('<img src="https://www.googletagmanager.com/pixel">')); } }\n`,
    );
    const config = path.join(dir, 'calls-out.allurerc.ts');
    fs.writeFileSync(
      config,
      `import base from ${JSON.stringify(PROJECT_CONFIG.replace(/\.ts$/, ''))};\nconst { offline, ...plugins } = base.plugins ?? {};\nexport default { ...base, plugins: { ...plugins, callsOut: { import: ${JSON.stringify(plugin)} }, offline } };\n`,
    );
    const out = path.join(dir, 'report');
    const generate = allureGenerate(config, results, out, dir);
    expect(generate.status).toBe(1);
    expect(generate.stderr).toContain(`${path.join(out, 'callsOut', 'index.html')}: still held a googletagmanager.com address, so it was deleted`);
    expect(generate.stderr).toContain('The report would call out when opened (SAFE-09)');
    expect(fs.existsSync(path.join(out, 'callsOut', 'index.html'))).toBe(false);
    // The awesome page beside it was cleaned, and the failed build added no history entry.
    expect(markersIn(out)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'reports', 'history', 'allure-history.jsonl'))).toBe(false);
  });
});

test('SAFE-09 strip-analytics removes remote scripts and gtag set-up, and keeps everything else', SAFE09, () => {
  const page = [
    '<head><script src="data:text/javascript;base64,QQ=="></script></head><body>',
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>',
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>",
    "<script src='//cdn.example.test/x.js'></script>",
    '<script>window.allure = window.allure || {};</script>',
    '</body>',
  ].join('\n');
  const stripped = stripAnalytics(page);
  expect(analyticsMarkers(page)).toHaveLength(3);
  expect(analyticsMarkers(stripped)).toEqual([]);
  expect(stripped).toContain('<script src="data:text/javascript;base64,QQ=="></script>');
  expect(stripped).toContain('<script>window.allure = window.allure || {};</script>');
});

test('SAFE-09 a page it cannot clean is deleted and reported', SAFE09, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-analytics-'));
  try {
    // Analytics in an attribute the stripper does not know: the marker check still sees it.
    fs.writeFileSync(path.join(dir, 'index.html'), '<img src="https://www.googletagmanager.com/pixel">');
    expect(stripReport(dir)).toEqual([`${path.join(dir, 'index.html')}: still held a googletagmanager.com address, so it was deleted`]);
    expect(fs.existsSync(path.join(dir, 'index.html'))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SAFE-09 the browser check catches and blocks a page that calls off the machine', SAFE09, async () => {
  test.skip(!fs.existsSync(CHROMIUM), `Chromium is not installed at ${CHROMIUM}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-analytics-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const file = path.join(dir, 'index.html');
    fs.writeFileSync(
      file,
      '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script><p>page</p></body></html>',
    );
    const context = await browser.newContext();
    const offMachine = await refuseOffMachineRequests(context);
    const page = await context.newPage();
    const blocked = page.waitForEvent('requestfailed');
    await page.goto(`file://${file}`);
    expect((await blocked).failure()?.errorText).toMatch(/BLOCKED_BY_CLIENT/);
    expect(offMachine).toEqual(['https://www.googletagmanager.com/gtag/js?id=G-X']);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
