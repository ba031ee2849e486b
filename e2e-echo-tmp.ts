/** One-off proof (not committed): the conformance config against an echoing fault, then the independent detector. */
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedMocks } from './helpers/runner/embedded-mock';
import { runPlaywright } from './helpers/runner/playwright-process';
import { cleanEnv } from './helpers/runner/env';
import { Redactor } from './helpers/redact';
import { BACKSTOP_MARK } from './helpers/reporting/output-backstop';
import { detectLeaks } from './tests/support/leak-detector';
import type { FaultName } from './mock/faults';

async function main(): Promise<void> {
  const fault = process.argv[2] as FaultName;
  const args = process.argv.slice(3);
  for (const p of ['reports/allure-results', 'test-results/conformance', 'reports/junit.xml', 'reports/conformance-summary.json', 'reports/conformance-summary.md']) fs.rmSync(p, { recursive: true, force: true });
  const mocks = await startEmbeddedMocks([{ name: 'mock', fault }]);
  const redactor = new Redactor(mocks.secrets);
  const env = { ...cleanEnv(), ...mocks.sharedEnv, ...mocks.targetEnv.mock };
  let shown = '';
  const write = process.stdout.write.bind(process.stdout);
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => ((shown += String(chunk)), true);
  let run;
  try {
    run = await runPlaywright(path.resolve('playwright.config.ts'), args, env, redactor, true);
  } finally {
    (process.stdout as { write: unknown }).write = write;
    await mocks.close();
  }
  const summary = JSON.parse(fs.readFileSync('reports/conformance-summary.json', 'utf8')) as { failedRequirements: string[]; totals: Record<string, number> };
  const files = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, String(f))).isFile()).length : 0);
  const leaks = detectLeaks(['reports', 'test-results'], mocks.secrets, { 'console as shown': shown, 'console before the runner filter': run.rawOutput });
  const ctx = fs.existsSync('test-results/conformance') ? fs.readdirSync('test-results/conformance', { recursive: true }).filter((f) => String(f).endsWith('error-context.md')).length : 0;
  const allureMd = fs.existsSync('reports/allure-results') ? fs.readdirSync('reports/allure-results').filter((f) => f.endsWith('-attachment.md')).length : 0;
  console.log(`fault ${fault}: failed ${summary.failedRequirements.join(', ')}; tests ${JSON.stringify(summary.totals)}`);
  console.log(`files scanned: reports/ ${files('reports')}, test-results/ ${files('test-results')}; error-context.md files ${ctx}; allure *-attachment.md ${allureMd}`);
  console.log(`backstop needed: ${run.rawOutput.includes(BACKSTOP_MARK) ? 'YES' : 'no'}`);
  console.log(`detector: ${leaks.length === 0 ? 'no secret found' : leaks.map((l) => `${l.where} (${l.encodings.join(', ')})`).join('\n  ')}`);
}
void main();
