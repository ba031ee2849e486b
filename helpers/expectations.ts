/**
 * The contract's recurring assertions, worded for the report: each failure says what was sent,
 * what the contract wants, and what came back, and lists every schema violation on its own line.
 */
import { expect, test } from '@playwright/test';
import type { Reply } from './client/client';
import { observe } from './client/transcript';
import { schemaErrors, type SchemaName } from './contract/schemas';
import { bounded, cutText, sameValue } from './safety/bounded';
import { redactor } from './safety/redact';

/**
 * A check's message, and when it fails, the command that sends the request again (issue 18: a
 * reproduction for every finding). Only on failure: a passing assertion's message is its step's title.
 * Specs that compare two answers themselves (AUTH-15) word their messages with it too.
 */
export function told(reply: Reply, message: string, holds: boolean): string {
  return holds || !reply.reproduction ? message : `${message}\n  to send it again: ${reply.reproduction}`;
}

/** Schema violations shown at most: a huge array of wrong items gives one error per item. */
const MAX_SCHEMA_ERRORS = 20;

/** `application/json`, with or without parameters such as charset. */
function isJsonContentType(contentType: string): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType.trim());
}

/** Checks a reply against a schema; on failure attaches the ajv errors and fails with them listed. */
export function expectSchema(reply: Reply, schema: SchemaName, what: string): Promise<void> {
  return test.step(`expect the body to match schema "${schema}"`, () => checkSchema(reply, schema, what), { box: true });
}

async function checkSchema(reply: Reply, schema: SchemaName, what: string): Promise<void> {
  if (reply.json === undefined) {
    expect(reply.json, told(reply, `${what}: the body is not JSON (got ${describeBody(reply)})`, false)).toBeDefined();
    return;
  }
  const all = schemaErrors(schema, reply.json);
  const errors = all.length > MAX_SCHEMA_ERRORS ? [...all.slice(0, MAX_SCHEMA_ERRORS), `… and ${all.length - MAX_SCHEMA_ERRORS} more`] : all;
  if (errors.length > 0) {
    await test.info().attach(`schema errors: ${schema}`, { body: redactor.redact(cutText(errors.join('\n'))), contentType: 'text/plain' });
  }
  expect(
    errors.map((e) => cutText(e, 512)),
    told(reply, `${what}: the body must match schema "${schema}"`, errors.length === 0),
  ).toEqual([]);
}

export function expectJsonContentType(reply: Reply, what: string): void {
  expect(
    isJsonContentType(reply.contentType),
    told(reply, `${what}: Content-Type must be application/json (got "${cutText(reply.contentType, 200) || 'none'}")`, isJsonContentType(reply.contentType)),
  ).toBe(true);
}

/** The 401 Unauthorized envelope: status 401, JSON, {success:false, message:"Unauthorized", data:{}}. */
export function expectUnauthorizedEnvelope(reply: Reply, what: string): Promise<void> {
  return test.step(
    'expect the 401 Unauthorized envelope',
    async () => {
      expect(reply.status, told(reply, `${what}: status must be 401 (got ${reply.status})`, reply.status === 401)).toBe(401);
      expectJsonContentType(reply, what);
      await checkSchema(reply, 'unauthorized', what);
    },
    { box: true },
  );
}

/**
 * Two values from the target must be equal (SAFE-08): compared in linear time; only when they
 * differ does an assertion see them, each cut to a few KiB, so its diff stays small.
 */
export function expectSameValue(actual: unknown, expected: unknown, message: string, options: { soft?: boolean } = {}): void {
  if (sameValue(actual, expected)) return;
  (options.soft ? expect.soft : expect)(bounded(actual), message).toEqual(bounded(expected));
}

/** A refusal by status alone: 401, never 2xx, never 5xx. */
export function expect401(reply: Reply, what: string, options: { soft?: boolean } = {}): void {
  (options.soft ? expect.soft : expect)(
    reply.status,
    told(reply, `${what}: status must be 401 (got ${reply.status}${verdict(reply.status)})`, reply.status === 401),
  ).toBe(401);
}

/** The refusal a signing failure gets: 401, never 2xx, never 5xx (step "expect 401"). */
export function expectSigningRefusal(reply: Reply, what: string): Promise<void> {
  return test.step(
    'expect 401',
    async () => {
      expect401(reply, what);
      await observeRefusalMessage(reply);
    },
    { box: true },
  );
}

/**
 * The docs say signing failures get "a message about signature verification or the missing
 * headers", but document no wording, and a server may give every refusal the same terse message
 * on purpose. So a message that names neither is reported as an observation, not failed.
 */
async function observeRefusalMessage(reply: Reply): Promise<void> {
  if (reply.status !== 401) return;
  const message = (reply.json as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && /signature|challenge|sign(ed|ing)\b/i.test(message)) return;
  const shown = typeof message === 'string' ? JSON.stringify(message.slice(0, 80)) : 'no message';
  const summary = `the 401 message does not mention the signature or the challenge (got ${shown}); the docs say it should`;
  if (test.info().annotations.some((a) => a.type === 'observed' && a.description === redactor.redact(summary))) return;
  await observe(summary);
}

/** A success envelope: 2xx, JSON, {success:true, message, data}. */
export function expectSuccessEnvelope(reply: Reply, what: string, schema: SchemaName = 'success'): Promise<void> {
  return test.step(
    `expect a 2xx success envelope${schema === 'success' ? '' : ` matching schema "${schema}"`}`,
    async () => {
      expect(reply.status >= 200 && reply.status < 300, told(reply, `${what}: status must be 2xx (got ${reply.status})`, is2xx(reply.status))).toBe(true);
      expectJsonContentType(reply, what);
      await checkSchema(reply, schema, what);
    },
    { box: true },
  );
}

/** Whether another check may ask the account's challenges beside this one (helpers/signing/schedule.ts). */
type Beside = { sideBySide: boolean };

/**
 * What can explain a 401 to a signed use that must succeed, when another check may ask the
 * account's challenges beside this one: an API keeping one live challenge per account refuses a
 * challenge another check replaced (CARDPLUSPAY_LIVE_CHALLENGES). Empty when none can.
 */
export function replacedBeside({ sideBySide }: Beside): string {
  return sideBySide
    ? ' (if the API keeps one live challenge per account, a check beside this one, in this run or in another shard running at the same time, may have replaced it: against such an API run shards one after another, as the CI workflow does when its repository variable CARDPLUSPAY_LIVE_CHALLENGES is one, and CARDPLUSPAY_LIVE_CHALLENGES=one runs each run one request at a time)'
    : '';
}

/** A signed use that must succeed; its 401 says what else can explain it (replacedBeside). */
export function expectSignedSuccess(reply: Reply, what: string, beside: Beside): Promise<void> {
  return expectSuccessEnvelope(reply, reply.status === 401 ? `${what}${replacedBeside(beside)}` : what);
}

export function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function verdict(status: number): string {
  if (is2xx(status)) return ': the request was served';
  if (status >= 500) return ': the server failed on it';
  return '';
}

function describeBody(reply: Reply): string {
  if (reply.text.length === 0) return 'an empty body';
  return `${reply.text.length} bytes of ${reply.contentType || 'untyped content'}`;
}
