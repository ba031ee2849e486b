/**
 * Turns test outcomes into the requirement verdict: reports/conformance-summary.json (docs/interface.md),
 * reports/conformance-summary.md, the "Requirement matrix" Allure result, and a few closing console
 * lines. With several targets (the fault self-test), it writes one summary per target instead.
 * A shard (`--shard i/n`) writes its own summary, marked as a shard; helpers/runner/merge-summaries.ts
 * merges the shards' summaries into the run's verdict and matrix.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError } from '@playwright/test/reporter';
import { runFacts } from '../settings/run-facts';
import { targetOf, type TargetOptions } from '../settings/targets';
import { requirementIdsIn } from '../contract/requirements';
import { testsPerRequirement } from './census';
import { matrixMarkdown, writeMatrixResult } from './requirement-matrix';
import { summarise, summaryWithoutTests, type Summary, type SummariseOptions } from './summary';
import { verdictLines } from './verdict-words';

interface Options {
  outputFile?: string;
  /** Write one summary per embedded-mock target to this file instead (the fault self-test). */
  perProjectFile?: string;
  /** Where the run's Allure results go: the requirement matrix is added there as one more result. */
  allureDir?: string;
  quiet?: boolean;
  /** Where the summary ends up when it is written to a staging folder first: the path the closing lines name. */
  shownAs?: string;
  /** Playwright's mode: a listing (`list`) judges nothing and writes nothing. */
  _mode?: string;
}

export default class SummaryReporter implements Reporter {
  private suite?: Suite;
  private startedAt = new Date();
  private errors = 0;
  private shard?: Summary['shard'];
  private readonly finished = new Set<TestCase>();

  constructor(private readonly options: Options = {}) {}

  printsToStdio(): boolean {
    return !this.options.quiet;
  }

  /** The config this run was started with, for the census of a selection. */
  private configFile?: string;

  onBegin(config: FullConfig, suite: Suite): void {
    this.suite = suite;
    this.configFile = config.configFile;
    this.startedAt = new Date();
    if (config.shard && config.shard.total > 1) this.shard = { current: config.shard.current, total: config.shard.total };
  }

  onTestEnd(test: TestCase): void {
    this.finished.add(test);
  }

  onError(error: TestError): void {
    // The run's time limit is reported as an error outside any test; the summary says it as timedOut.
    if (/Timed out waiting [\d.]+s for the /.test(error.message ?? '')) return;
    this.errors++;
  }

  onEnd(result: FullResult): void {
    if (this.options._mode === 'list') return;
    const facts = runFacts();
    if (!this.suite) {
      // The run stopped before its tests were even loaded (a spec that does not compile, a setup
      // that failed): still a verdict and a complete set of reports, never an empty folder.
      if (this.options.perProjectFile) return;
      const summary: Summary = {
        ...summaryWithoutTests({ ...facts, startedAt: this.startedAt }, 'no test ran: the run stopped before its tests started (see the errors above)'),
        errors: Math.max(1, this.errors),
      };
      this.writeRun(summary);
      return;
    }
    const selectedBy = selectionIn(process.argv);
    // A selection may run only some tests of a requirement: the whole suite's census says which.
    const wholeSuite = selectedBy && !this.shard && this.configFile ? testsPerRequirement(this.configFile) : undefined;
    const options: SummariseOptions = {
      ended: result.status,
      finished: this.finished,
      failOnShould: facts.failOnShould,
      partial: !!this.shard,
      selectedBy,
      wholeSuite,
    };
    if (this.options.perProjectFile) {
      const perProject: Record<string, Summary> = {};
      for (const [target, tests] of testsByTarget(this.suite)) perProject[target] = summarise(tests, this.startedAt, facts, options);
      write(this.options.perProjectFile, `${JSON.stringify(perProject, null, 2)}\n`);
      return;
    }
    this.writeRun({
      ...summarise(this.suite.allTests(), this.startedAt, facts, options),
      errors: this.errors,
      ...(this.shard ? { shard: this.shard } : {}),
      ...(facts.seed ? { seed: facts.seed } : {}),
      explore: facts.explore,
    });
  }

  private writeRun(summary: Summary): void {
    const file = this.options.outputFile ?? 'reports/conformance-summary.json';
    write(file, `${JSON.stringify(summary, null, 2)}\n`);
    write(file.replace(/\.json$/, '.md'), matrixMarkdown(summary));
    // A shard's matrix is partial: the merge writes the run's one matrix instead.
    if (this.options.allureDir && !this.shard) writeMatrixResult(summary, this.options.allureDir);
    if (!this.options.quiet) process.stdout.write(verdictLines(summary, path.relative(process.cwd(), this.options.shownAs ?? file)).join('\n'));
  }
}

/** Playwright's options that run part of the suite, as given on this runner's command line. */
const SELECTING = ['--grep', '-g', '--grep-invert', '-G', '--project', '--last-failed', '--only-changed', '--test-list', '--test-list-invert'];

/** What limited this run to part of the suite: its selecting options, or file filters; undefined for a whole run. */
export function selectionIn(argv: readonly string[]): string | undefined {
  const args = argv.slice(argv.indexOf('test') + 1);
  const flags = SELECTING.filter((f) => args.some((a) => a === f || a.startsWith(`${f}=`)));
  if (flags.length > 0) return flags.join(', ');
  const valued = new Set([
    '-c',
    '--config',
    '--reporter',
    '--workers',
    '-j',
    '--shard',
    '--timeout',
    '--repeat-each',
    '--retries',
    '--output',
    '--max-failures',
    '--global-timeout',
    ...SELECTING,
  ]);
  const positional = args.filter((a, i) => !a.startsWith('-') && !valued.has(args[i - 1] ?? ''));
  return positional.length > 0 ? 'file filter' : undefined;
}

/** A project's tests by the target they ran against: the project's own, or in a lane each test's (targetOf). */
function testsByTarget(root: Suite): Map<string, TestCase[]> {
  const out = new Map<string, TestCase[]>();
  for (const project of root.suites) {
    const options = (project.project()?.use ?? {}) as TargetOptions;
    for (const test of project.allTests()) {
      const name = options.targetByRequirement ? targetOf(options, requirementIdsIn(test.annotations)) : project.title;
      if (name === undefined) continue;
      if (!out.has(name)) out.set(name, []);
      out.get(name)!.push(test);
    }
  }
  return out;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}
