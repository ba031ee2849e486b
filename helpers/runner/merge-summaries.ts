/**
 * `npm run conformance:merge -- [--out FILE] [--allure-results DIR] SHARD_SUMMARY.json...`
 *
 * The verdict of a run split with `--shard i/n`: merges the shards' conformance-summary.json files
 * into the one summary and matrix an unsplit run would have written, adds the "Requirement matrix"
 * result to the merged Allure results (shards leave it out: each would be partial), prints the
 * closing lines and exits like `npm run conformance` (0 conforms, 1 does not conform, 3 could not judge). A shard
 * missing or given twice fails the merge: a verdict over part of the suite is no verdict.
 *
 * What it writes is redacted with the shards' own secrets, read from the same settings the shards
 * ran with (CARDPLUSPAY_API_KEY and the other key variables); CI pastes the Markdown into the job
 * summary. Merging a remote target's summaries without CARDPLUSPAY_API_KEY set is refused (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeMatrixResult, matrixMarkdown } from '../reporting/requirement-matrix';
import { redactOutputs } from '../reporting/output-backstop';
import { redactor } from '../safety/redact';
import { schemaErrors } from '../contract/schemas';
import { runFacts } from '../settings/run-facts';
import { secretsFromEnv } from '../settings/secrets';
import { mergeSummaries } from '../reporting/merge-shards';
import type { Summary } from '../reporting/summary';
import { exitCodeFor, verdictLines } from '../reporting/verdict-words';

export function checkShardsComplete(summaries: ReadonlyArray<{ file: string; summary: Summary }>): string[] {
  const problems: string[] = [];
  const unsharded = summaries.filter((s) => !s.summary.shard);
  if (unsharded.length > 0 && summaries.length > 1) problems.push(`Not a shard (ran without --shard): ${unsharded.map((s) => s.file).join(', ')}.`);
  const totals = new Set(summaries.filter((s) => s.summary.shard).map((s) => s.summary.shard!.total));
  if (totals.size > 1) problems.push(`The shards come from different splits (--shard i/${[...totals].join(', i/')}).`);
  const total = [...totals][0];
  if (total !== undefined && totals.size === 1) {
    for (let i = 1; i <= total; i++) {
      const found = summaries.filter((s) => s.summary.shard?.current === i);
      if (found.length === 0) problems.push(`Shard ${i}/${total} is missing: its job did not finish or did not upload its summary.`);
      if (found.length > 1) problems.push(`Shard ${i}/${total} is given twice: ${found.map((s) => s.file).join(', ')}.`);
    }
  }
  return problems;
}

/**
 * Why the merge cannot redact, if it cannot: a remote target's shards ran with real keys, and the
 * merge must know them to keep them out of what it writes. The embedded mock's keys are made per
 * run and die with it; its summaries merge without them.
 */
export function missingSecrets(summaries: readonly Summary[], configuredKeys: readonly string[]): string | undefined {
  if (!summaries.some((s) => s.target === 'remote') || configuredKeys.includes('CARDPLUSPAY_API_KEY')) return undefined;
  return 'Cannot merge: CARDPLUSPAY_API_KEY is not set. The merge redacts what it writes with the keys the shards ran with: give it the same key settings (CARDPLUSPAY_API_KEY, and CARDPLUSPAY_INACTIVE_API_KEY, CARDPLUSPAY_SIGNING_API_KEY, CARDPLUSPAY_SECOND_SIGNING_API_KEY where the shards had them).';
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function main(): number {
  const args = process.argv.slice(2);
  let out = 'reports/conformance-summary.json';
  let allureDir: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--out') out = args[++i] ?? out;
    else if (a === '--allure-results') allureDir = args[++i];
    else files.push(a);
  }
  if (files.length === 0) {
    process.stderr.write('Usage: npm run conformance:merge -- [--out FILE] [--allure-results DIR] SHARD_SUMMARY.json...\n');
    return 2;
  }
  const parsed = files.map((file) => ({ file, value: readJson(file) }));
  // A shard's summary is an artifact from another machine: only the shape this suite writes is
  // merged, so no text of it reaches the Markdown or the report's HTML as anything but text.
  const malformed = parsed.flatMap(({ file, value }) =>
    schemaErrors('conformance-summary', value)
      .slice(0, 3)
      .map((e) => `${file}: ${e}`),
  );
  if (malformed.length > 0) {
    process.stderr.write(`Cannot merge: not a summary this suite writes:\n${malformed.map((m) => `  ${redactor.redact(m)}`).join('\n')}\n`);
    return 2;
  }
  const summaries = parsed.map(({ file, value }) => ({ file, summary: value as Summary }));
  const problems = checkShardsComplete(summaries);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\nNo merged verdict.\n`);
    return 1;
  }
  const failOnShould = runFacts().failOnShould;
  const missing = missingSecrets(
    summaries.map((s) => s.summary),
    runFacts().configuredKeys,
  );
  if (missing) {
    process.stderr.write(`${missing}\n`);
    return 2;
  }
  for (const secret of secretsFromEnv()) redactor.add(secret);
  const merged = mergeSummaries(
    summaries.map((s) => s.summary),
    failOnShould,
  );
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, redactor.redact(`${JSON.stringify(merged, null, 2)}\n`));
  fs.writeFileSync(out.replace(/\.json$/, '.md'), redactor.redact(matrixMarkdown(merged)));
  if (allureDir) writeMatrixResult(merged, allureDir);
  redactOutputs([out, out.replace(/\.json$/, '.md'), ...(allureDir ? [allureDir] : [])]);
  process.stdout.write(redactor.redact(verdictLines(merged, out).join('\n')));
  return exitCodeFor(merged, 0, failOnShould, (line) => process.stderr.write(`${redactor.redact(line)}\n`));
}

if (require.main === module) process.exit(main());
