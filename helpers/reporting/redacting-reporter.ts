/**
 * Listed first among the reporters, it masks credentials in everything a test result carries
 * before the other reporters (list, JUnit, Allure, the summary) read it: titles, annotations (skip
 * reasons among them), step titles at begin and end, errors, output, and attachments, including
 * the files Playwright writes on its own and attaches by path (`error-context.md`). Playwright
 * puts request headers into error messages and call logs, a target's answers end up in assertion
 * messages, and upstream declines to redact either (see docs/pitfalls.md). Every hook is synchronous:
 * the reporters after it run only once it returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { secretsFromEnv } from '../settings/secrets';
import { redactor } from '../safety/redact';

type Annotation = TestCase['annotations'][number];
type Attachment = TestResult['attachments'][number];

export default class RedactingReporter implements Reporter {
  /** Where Playwright writes on its own: attachments there are rewritten in place. */
  private outputDirs: string[] = [];

  constructor(options: { outputDirs?: readonly string[] } = {}) {
    this.outputDirs = (options.outputDirs ?? []).map((d) => path.resolve(d));
    for (const secret of secretsFromEnv()) redactor.add(secret);
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.outputDirs = config.projects.map((p) => path.resolve(p.outputDir));
    for (const test of suite.allTests()) redactTest(test);
  }

  onTestBegin(test: TestCase): void {
    redactTest(test);
  }

  // allure-playwright names its step from the title it reads here, before any onStepEnd.
  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    (step as { title: string }).title = redactor.redact(step.title);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    this.redactStep(step);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    redactTest(test);
    this.redactResult(result);
  }

  onError(error: TestError): void {
    redactError(error);
  }

  redactResult(result: TestResult): void {
    for (const error of result.errors) redactError(error);
    if (result.error) redactError(result.error);
    result.stdout = result.stdout.map(redactChunk);
    result.stderr = result.stderr.map(redactChunk);
    redactAnnotations(result.annotations);
    for (const step of result.steps) this.redactStep(step);
    for (const attachment of result.attachments) this.redactAttachment(attachment);
  }

  /**
   * Steps that ended and attachments already rewritten: a step's attachments are also its
   * parents' and the result's, and a transcript is long, so each is redacted once.
   */
  private readonly done = new WeakSet<object>();

  private redactStep(step: TestStep): void {
    if (this.done.has(step)) return;
    // A step still running (duration -1) may yet gain an error or attachments: redacted again at its end.
    if (step.duration >= 0) this.done.add(step);
    if (step.error) redactError(step.error);
    (step as { title: string }).title = redactor.redact(step.title);
    redactAnnotations(step.annotations ?? []);
    for (const attachment of step.attachments ?? []) this.redactAttachment(attachment);
    for (const child of step.steps) this.redactStep(child);
  }

  /**
   * A body is rewritten; a file the run wrote is rewritten in place (allure-playwright copies it
   * later); a file from elsewhere is never touched: its redacted copy travels as the body instead.
   */
  private redactAttachment(attachment: Attachment): void {
    if (this.done.has(attachment)) return;
    this.done.add(attachment);
    const mutable = attachment as { name: string; body?: Buffer; path?: string };
    mutable.name = redactor.redact(mutable.name);
    if (mutable.body) mutable.body = redactor.redactBytes(mutable.body);
    if (!mutable.path) return;
    let data: Buffer;
    try {
      data = fs.readFileSync(mutable.path);
    } catch {
      return;
    }
    const clean = redactor.redactBytes(data);
    const ours = this.outputDirs.some((dir) => path.resolve(mutable.path!).startsWith(dir + path.sep));
    if (ours) {
      if (clean !== data) fs.writeFileSync(mutable.path, clean);
    } else if (clean !== data) {
      mutable.body = clean;
      delete mutable.path;
    }
  }
}

/** Titles come from specs, annotations from specs and from what a test saw (skip reasons). */
function redactTest(test: TestCase): void {
  (test as { title: string }).title = redactor.redact(test.title);
  redactAnnotations(test.annotations);
}

function redactAnnotations(annotations: Annotation[]): void {
  for (const a of annotations) {
    const mutable = a as { type: string; description?: string };
    mutable.type = redactor.redact(mutable.type);
    if (mutable.description) mutable.description = redactor.redact(mutable.description);
  }
}

function redactChunk(chunk: string | Buffer): string | Buffer {
  return typeof chunk === 'string' ? redactor.redact(chunk) : redactor.redactBytes(chunk);
}

function redactError(error: TestError): void {
  const mutable = error as { message?: string; stack?: string; value?: string; snippet?: string; cause?: TestError; errors?: TestError[] };
  if (mutable.message) mutable.message = redactor.redact(mutable.message);
  if (mutable.stack) mutable.stack = redactor.redact(mutable.stack);
  if (mutable.value) mutable.value = redactor.redact(mutable.value);
  if (mutable.snippet) mutable.snippet = redactor.redact(mutable.snippet);
  if (mutable.cause) redactError(mutable.cause);
  for (const e of mutable.errors ?? []) redactError(e);
}
