/**
 * Listed first among the reporters, it masks credentials in every test result before the other
 * reporters (list, JUnit, Allure, the summary) read it: Playwright puts request headers into error
 * messages and call logs, and upstream declines to redact them (see docs/pitfalls.md).
 */
import type { Reporter, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { secretsFromEnv } from '../settings';
import { redactor } from '../redact';

export default class RedactingReporter implements Reporter {
  constructor() {
    for (const secret of secretsFromEnv()) redactor.add(secret);
  }

  printsToStdio(): boolean {
    return false;
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    redactStep(step);
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    redactResult(result);
  }

  onError(error: TestError): void {
    redactError(error);
  }
}

export function redactResult(result: TestResult): void {
  for (const error of result.errors) redactError(error);
  if (result.error) redactError(result.error);
  result.stdout = result.stdout.map(redactChunk);
  result.stderr = result.stderr.map(redactChunk);
  for (const step of result.steps) redactStep(step);
  for (const attachment of result.attachments) {
    if (attachment.body) attachment.body = Buffer.from(redactor.redact(attachment.body.toString('utf8')), 'utf8');
  }
}

function redactChunk(chunk: string | Buffer): string | Buffer {
  return typeof chunk === 'string' ? redactor.redact(chunk) : Buffer.from(redactor.redact(chunk.toString('utf8')), 'utf8');
}

function redactError(error: TestError): void {
  const mutable = error as { message?: string; stack?: string; value?: string; snippet?: string; cause?: TestError };
  if (mutable.message) mutable.message = redactor.redact(mutable.message);
  if (mutable.stack) mutable.stack = redactor.redact(mutable.stack);
  if (mutable.value) mutable.value = redactor.redact(mutable.value);
  if (mutable.snippet) mutable.snippet = redactor.redact(mutable.snippet);
  if (mutable.cause) redactError(mutable.cause);
}

function redactStep(step: TestStep): void {
  if (step.error) redactError(step.error);
  (step as { title: string }).title = redactor.redact(step.title);
  for (const child of step.steps) redactStep(child);
}
