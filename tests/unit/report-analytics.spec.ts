/**
 * SAFE-09: the reports call nowhere. A report built by the real Allure generator carries Google
 * Tag Manager until strip-analytics removes it, and none of its markers is left after; and the
 * browser check's network watch catches and blocks a page that calls out.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { analyticsMarkers, stripAnalytics, stripReports } from '../../helpers/reporting/strip-analytics';
import { CHROMIUM, CHROMIUM_ARGS, refuseOffMachineRequests } from '../browser-check';

const ROOT = path.resolve(__dirname, '..', '..');
const SAFE09 = { annotation: [{ type: 'requirement', description: 'SAFE-09' }] };

test('SAFE-09 a report built by allure generate loses every analytics marker, and still loads its app', SAFE09, async () => {
  test.slow();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-analytics-'));
  try {
    const results = path.join(dir, 'results');
    fs.mkdirSync(results);
    const uuid = crypto.randomUUID();
    const now = Date.now();
    const result = { uuid, historyId: uuid, name: 'one passing check', fullName: 'one passing check', status: 'passed', stage: 'finished', start: now, stop: now + 1, labels: [], steps: [], attachments: [], parameters: [], links: [] };
    fs.writeFileSync(path.join(results, `${uuid}-result.json`), JSON.stringify(result));
    const generate = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'allure', 'cli.js'), 'generate', '--config', path.join(ROOT, 'tests', 'allurerc.self-test.ts'), results], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ALLURE_SELF_TEST_DIR: dir },
    });
    expect(generate.status, generate.stderr).toBe(0);
    const index = path.join(dir, 'allure-report', 'index.html');
    const before = fs.readFileSync(index, 'utf8');
    // Allure 3.18's template: if this ever fails, the template changed; check what it loads now.
    expect(analyticsMarkers(before)).toContain('a googletagmanager.com address');

    expect(stripReports([path.dirname(index)])).toEqual([]);
    const after = fs.readFileSync(index, 'utf8');
    expect(analyticsMarkers(after)).toEqual([]);
    expect(after).toMatch(/<script\s+src="data:text\/javascript;base64,/);
    expect(after).toContain('<div id="app"');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
    expect(stripReports([dir])).toEqual([`${path.join(dir, 'index.html')}: still held a googletagmanager.com address, so it was deleted`]);
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
    fs.writeFileSync(file, '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script><p>page</p></body></html>');
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
