/**
 * Listed last: once every other reporter has written (and the backstop has redacted), it promotes
 * the run's staged reports in one step (staged-outputs.ts), and at exit makes the process's exit
 * status the verdict's (0 conforms, 1 does not conform, 3 could not judge; docs/interface.md). So
 * `npx playwright test` exits like `npm run conformance`: Playwright alone would exit 0 for a run
 * whose every check was not judged, and 1 when its own time limit, not the target, ended the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullResult, Reporter } from '@playwright/test/reporter';
import { runFacts } from '../settings/run-facts';
import { discardStaged, promoteStaged } from './staged-outputs';
import type { Summary } from './summary';
import { exitCodeFor } from './verdict-words';

interface Options {
  staging: string;
  into: string;
  /** The staged entries to promote, by name. */
  entries: readonly string[];
  /** The summary's name inside the staging folder, read for the exit status. */
  summaryFile: string;
  /** Playwright's mode: nothing is promoted or decided for a listing. */
  _mode?: string;
}

export default class FinishReporter implements Reporter {
  private status: FullResult['status'] = 'failed';

  constructor(private readonly options: Options) {}

  printsToStdio(): boolean {
    return false;
  }

  /** This run's own summary, read before the promotion: another run may promote its own meanwhile. */
  private summary?: Summary;

  onEnd(result: FullResult): void {
    this.status = result.status;
    if (this.options._mode === 'list') {
      discardStaged(this.options.staging);
      return;
    }
    try {
      this.summary = JSON.parse(fs.readFileSync(path.join(this.options.staging, this.options.summaryFile), 'utf8')) as Summary;
    } catch {
      this.summary = undefined;
    }
    promoteStaged(this.options.staging, this.options.into, this.options.entries);
  }

  async onExit(): Promise<void> {
    if (this.options._mode === 'list') return;
    const summary = this.summary;
    const code = summary ? exitCodeFor(summary, this.status === 'passed' ? 0 : 1, runFacts().failOnShould, (line) => process.stderr.write(`${line}\n`)) : 1;
    process.exit(code);
  }
}
