/**
 * allure-playwright, writing its files plainly. Its own writer publishes each result and attachment
 * atomically and durably: a temporary file, an fsync, a rename, for a reader watching the folder as
 * it fills. Here nobody does: a conformance run writes into its private staging folder, promoted only
 * as a complete set (staged-outputs.ts), and the self-test reads its results once the run is over.
 * Those per-file fsyncs ran on the Playwright runner's one thread, which also serves the embedded
 * mock and feeds the workers: about 650 files, 4.7 s of a 21 s run on this machine (issue 20).
 * Even without them, opening and writing each file there held that thread up to a millisecond a
 * file on a busy disk: the files are written off it, and onEnd waits for every one (the reporters
 * after this one, the output backstop among them, read them). It also links each test to its
 * requirements' docs pages, from the test's annotations.
 */
import fs from 'node:fs';
import path from 'node:path';
import AllureReporter from 'allure-playwright';
import type { Suite, TestCase } from '@playwright/test/reporter';
import { stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';
import { redactor } from '../safety/redact';
import { REQUIREMENTS, requirementIdsIn } from '../contract/requirements';

type Options = ConstructorParameters<typeof AllureReporter>[0];

/** Writes each file once, in place, off the runner's thread; `flush` waits for every write so far. */
export class PlainWriter implements Writer {
  private made = false;
  /** The last write of each file: a later write of the same name goes after it. */
  private readonly writing = new Map<string, Promise<void>>();
  private failure: Error | undefined;

  constructor(private readonly dir: string) {}

  /** Resolves once every file written so far is on disk; rejects with the first write that failed. */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
    if (this.failure !== undefined) throw this.failure;
  }

  writeResult(result: { uuid: string }): void {
    this.write(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  writeGroup(result: { uuid: string }): void {
    this.write(`${result.uuid}-container.json`, JSON.stringify(result));
  }

  writeAttachment(name: string, content: Buffer): void {
    this.write(name, content);
  }

  writeAttachmentFromPath(name: string, from: string): void {
    this.ensureDir();
    fs.copyFileSync(from, path.join(this.dir, name));
  }

  writeEnvironmentInfo(info: Record<string, string | undefined>): void {
    this.write('environment.properties', stringifyEnvInfo(info));
  }

  writeCategoriesDefinitions(categories: unknown): void {
    this.write('categories.json', JSON.stringify(categories));
  }

  writeGlobals(name: string, info: unknown): void {
    this.write(name, JSON.stringify(info));
  }

  private write(name: string, data: string | Buffer): void {
    this.ensureDir();
    const file = path.join(this.dir, name);
    const done: Promise<void> = (this.writing.get(name) ?? Promise.resolve())
      .then(() => fs.promises.writeFile(file, data))
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        if (this.writing.get(name) === done) this.writing.delete(name);
      });
    this.writing.set(name, done);
  }

  private ensureDir(): void {
    if (this.made) return;
    fs.mkdirSync(this.dir, { recursive: true });
    this.made = true;
  }
}

/** allure-playwright's hooks: each is kept from throwing into Playwright's runner (guardHooks). */
const HOOKS = ['onExit', 'onStdErr', 'onStdOut', 'onBegin', 'onTestBegin', 'onStepBegin', 'onStepEnd', 'onTestEnd', 'onEnd'] as const;

/**
 * A failure inside the Allure reporter (an attachment file a worker torn down at the run's time
 * limit never finished, say) thrown into Playwright's runner counts as an error outside any test,
 * and turned a run the limit ended ("could not judge", exit 3) into exit 1. The Allure results are
 * then incomplete, and the console says so; the verdict, the summary and JUnit are not touched.
 */
export function guardHooks(reporter: Record<string, unknown>): void {
  let told = false;
  const tell = (hook: string, error: unknown): void => {
    if (told) return;
    told = true;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Allure results may be incomplete: ${hook} failed (${redactor.redact(message).slice(0, 300)}); the summary and JUnit are complete.\n`);
  };
  for (const hook of HOOKS) {
    const original = reporter[hook];
    if (typeof original !== 'function') continue;
    reporter[hook] = (...args: unknown[]): unknown => {
      try {
        const result: unknown = (original as (...a: unknown[]) => unknown).apply(reporter, args);
        return result instanceof Promise ? result.catch((error: unknown) => tell(hook, error)) : result;
      } catch (error) {
        tell(hook, error);
        return undefined;
      }
    };
  }
}

export default class PlainAllureReporter extends AllureReporter {
  private readonly writer: PlainWriter;

  constructor(options: Options & { resultsDir: string }) {
    super(options);
    this.writer = new PlainWriter(options.resultsDir);
    guardHooks(this as unknown as Record<string, unknown>);
  }

  override onBegin(suite: Suite): void {
    super.onBegin(suite);
    // allure-playwright makes its runtime here with allure-js-commons' default writer and offers no
    // option for another; the runtime's writer is a public field of the runtime (pinned 3.12.2).
    (this as unknown as { allureRuntime: { writer: Writer } }).allureRuntime.writer = this.writer;
  }

  /**
   * Links each test to the docs page of each requirement it names, from its annotations. Added
   * here rather than by the test (allure-js-commons' `link`), which made a runtime message, an
   * attachment step with a captured stack, in every test.
   */
  override onTestBegin(test: TestCase): void {
    super.onTestBegin(test);
    const links = requirementIdsIn(test.annotations).map((id) => ({ name: `docs: ${id}`, url: REQUIREMENTS[id].docs, type: 'link' }));
    // allure-playwright keeps each test's result id and its runtime in fields (pinned 3.12.2, like the writer above).
    const self = this as unknown as {
      allureResultsUuids: Map<string, string>;
      allureRuntime: { updateTest(uuid: string, update: (r: { links: unknown[] }) => void): void };
    };
    const uuid = self.allureResultsUuids.get(test.id);
    if (uuid !== undefined && links.length > 0) self.allureRuntime.updateTest(uuid, (result) => result.links.push(...links));
  }

  override async onEnd(...args: Parameters<AllureReporter['onEnd']>): Promise<void> {
    await super.onEnd(...args);
    await this.writer.flush();
  }
}
