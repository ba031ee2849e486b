/**
 * What the report shows of the exchanges: each request as a step named after it, with a redacted
 * transcript of what was sent and what came back (the body cut to size: the target is untrusted and
 * may answer with megabytes), and the `observed` step of a check that observes rather than asserts.
 * Everything passes the redactor before it reaches the report.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { test } from '@playwright/test';
import { cutText, MAX_SHOWN_CHARS } from '../safety/bounded';
import { redactor } from '../safety/redact';
import type { HeaderLines } from './wire';

/** The received half: status line, header lines, a blank line, the body; each value cut to size (SAFE-08). */
export function answerLines(statusLine: string, headers: Record<string, string> | ReadonlyArray<readonly [string, string]>, text: string): string[] {
  const fields: ReadonlyArray<readonly [string, string]> = isFieldList(headers) ? headers : Object.entries(headers);
  return [statusLine, ...fields.map(([n, v]) => `${cutText(n, MAX_SHOWN_CHARS)}: ${cutText(v, MAX_SHOWN_CHARS)}`), '', cutText(text)];
}

function isFieldList(headers: Record<string, string> | ReadonlyArray<readonly [string, string]>): headers is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(headers);
}

/** Sent lines, received lines and notes, each part separated by a blank line. */
export function exchangeText(sent: readonly string[], received: readonly string[], ...notes: string[]): string {
  return `${[sent.join('\n'), received.join('\n'), ...notes].join('\n\n')}\n`;
}

/** Set while `unreported` runs its body. */
const leftOut = new AsyncLocalStorage<true>();

/**
 * Runs `body` with its exchanges left out of the report: no step, no transcript. For the suite's
 * own unit tests of the client and the mock, which send hundreds of requests that no one reads
 * (a step and a transcript cost Playwright milliseconds each, a refused request's step more). A
 * conformance check never uses it: everything a check sends is in its report.
 */
export function unreported<T>(body: () => Promise<T>): Promise<T> {
  return leftOut.run(true, body);
}

/**
 * Runs one exchange as a report step named after it (`GET /v1/balance`), so the report reads as
 * the story of the test: each request with its redacted transcript inside, then the checks.
 * Outside a test (a fixture's setup, a script) it just runs.
 */
export function inStep<T>(title: string, body: () => Promise<T>): Promise<T> {
  if (leftOut.getStore()) return body();
  let info: ReturnType<typeof test.info>;
  try {
    info = test.info();
  } catch {
    return body();
  }
  // Located at the test, not where it was called from: a step given no location costs Playwright a
  // captured, source-mapped stack, once for each of a run's hundreds of requests (issue 20).
  return test.step(title, body, { location: { file: info.file, line: info.line, column: info.column } });
}

/** Attaches a redacted transcript of one exchange (every header field that went) to the running test, if there is one. */
export async function attachExchange(
  method: string,
  url: URL,
  headers: HeaderLines,
  payload: string | undefined,
  reply: { status: number; ms: number; rawHeaders: ReadonlyArray<readonly [string, string]>; text: string; reproduction: string },
  target?: string,
  httpVersion?: '1.0',
): Promise<void> {
  if (leftOut.getStore()) return;
  let info: ReturnType<typeof test.info>;
  try {
    info = test.info();
  } catch {
    return;
  }
  // An absolute-form target already names its origin.
  const spelt = target === undefined ? url.href : target.startsWith('/') ? `${url.origin}${target}` : target;
  const sent = [`→ ${method} ${spelt}${httpVersion ? ` HTTP/${httpVersion}` : ''}`, ...headers.map(([n, v]) => `${n}: ${printable(v)}`)];
  if (payload !== undefined) sent.push('', payload);
  const notes = reply.reproduction ? [`to send it again:\n${reply.reproduction}`] : [];
  const transcript = redactor.redact(exchangeText(sent, answerLines(`← ${reply.status} (${reply.ms} ms)`, reply.rawHeaders, reply.text), ...notes));
  await attachShallow(info, `${method} ${relativeForTitle(url, target)} → ${reply.status}`, transcript);
}

/**
 * Attaches a text from a callback of its own turn of the event loop: `attach` records its step's
 * location from a captured stack, which Playwright source-maps frame by frame, and from inside an
 * exchange that stack runs through every awaiting caller (up to 50 frames, once for each of a
 * run's hundreds of transcripts: 0.3-0.4 CPU-s of a worker's in a mock run, issue 20). From a fresh
 * callback it holds a few frames; the step still nests in the exchange's, which Playwright follows
 * through async context.
 */
function attachShallow(info: ReturnType<typeof test.info>, name: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => void info.attach(name, { body, contentType: 'text/plain' }).then(resolve, reject));
  });
}

/** Shows control and non-ASCII characters so a reviewer sees what was sent (a NBSP, a tab). */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The path for a step title; a verbatim target is shown as spelt, since its spelling is the point. */
export function relativeForTitle(url: URL, target?: string): string {
  const [path, query] = target === undefined ? [url.pathname, url.search] : [target.replace(/\?.*$/s, ''), target.includes('?') ? '?' : ''];
  return redactor.redact(`${url.protocol === 'http:' ? 'http:' : ''}${path}${query ? '?…' : ''}`);
}

/**
 * Makes what a transport check saw visible: an `observed` annotation (the HTML report, JUnit
 * properties, an Allure step) and an attachment with the details. Everything passes the redactor.
 */
export async function observe(summary: string, details?: string): Promise<void> {
  const info = test.info();
  const line = redactor.redact(summary);
  info.annotations.push({ type: 'observed', description: line });
  await info.attach('observed', { body: redactor.redact(details ? `${line}\n\n${details}` : `${line}\n`), contentType: 'text/plain' });
}
