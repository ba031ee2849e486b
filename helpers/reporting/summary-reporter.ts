/**
 * Turns test outcomes into the requirement verdict: reports/conformance-summary.json (docs/interface.md),
 * reports/conformance-summary.md, the "Requirement matrix" Allure result, and a few closing console
 * lines. With several projects (the fault self-test), it writes one summary per project instead.
 * A shard (`--shard i/n`) writes its own summary, marked as a shard; helpers/runner/merge-summaries.ts
 * merges the shards' summaries into the run's verdict and matrix.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { runFacts } from '../settings';
import { matrixMarkdown, writeMatrixResult } from './requirement-matrix';
import { summarise, verdictLines, type Summary } from './summary';

// For tests/run-self-test.ts, stability.ts and shard-check.ts until their rewrite imports ./summary.

interface Options {
  outputFile?: string;
  /** Write one summary per project to this file instead (the fault self-test). */
  perProjectFile?: string;
  /** Where the run's Allure results go: the requirement matrix is added there as one more result. */
  allureDir?: string;
  quiet?: boolean;
}

export default class SummaryReporter implements Reporter {
  private suite?: Suite;
  private startedAt = new Date();
  private errors = 0;
  private shard?: Summary['shard'];

  constructor(private readonly options: Options = {}) {}

  printsToStdio(): boolean {
    return !this.options.quiet;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.suite = suite;
    this.startedAt = new Date();
    if (config.shard && config.shard.total > 1) this.shard = { current: config.shard.current, total: config.shard.total };
  }

  onError(): void {
    this.errors++;
  }

  onEnd(): void {
    if (!this.suite) return;
    if (this.options.perProjectFile) {
      const perProject: Record<string, Summary> = {};
      for (const project of this.suite.suites) perProject[project.title] = summarise(project.allTests(), this.startedAt, runFacts());
      write(this.options.perProjectFile, `${JSON.stringify(perProject, null, 2)}\n`);
      return;
    }
    const summary: Summary = { ...summarise(this.suite.allTests(), this.startedAt, runFacts()), errors: this.errors, ...(this.shard ? { shard: this.shard } : {}) };
    const file = this.options.outputFile ?? 'reports/conformance-summary.json';
    write(file, `${JSON.stringify(summary, null, 2)}\n`);
    write(file.replace(/\.json$/, '.md'), matrixMarkdown(summary));
    // A shard's matrix is partial: the merge writes the run's one matrix instead.
    if (this.options.allureDir && !this.shard) writeMatrixResult(summary, this.options.allureDir);
    if (!this.options.quiet) process.stdout.write(verdictLines(summary, path.relative(process.cwd(), file)).join('\n'));
  }
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
