/**
 * The contract's recurring assertions, worded for the report: each failure says what was sent,
 * what the contract wants, and what came back, and lists every schema violation on its own line.
 */
import { expect, test } from '@playwright/test';
import type { Reply } from './client/client';
import { schemaErrors, type SchemaName } from './contract/schemas';
import { bounded, cutText, sameValue } from './safety/bounded';

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
    expect(reply.json, `${what}: the body is not JSON (got ${describeBody(reply)})`).toBeDefined();
    return;
  }
  const all = schemaErrors(schema, reply.json);
  const errors = all.length > MAX_SCHEMA_ERRORS ? [...all.slice(0, MAX_SCHEMA_ERRORS), `… and ${all.length - MAX_SCHEMA_ERRORS} more`] : all;
  if (errors.length > 0) {
    await test.info().attach(`schema errors: ${schema}`, { body: cutText(errors.join('\n')), contentType: 'text/plain' });
  }
  expect(errors.map((e) => cutText(e, 512)), `${what}: the body must match schema "${schema}"`).toEqual([]);
}

export function expectJsonContentType(reply: Reply, what: string): void {
  expect(isJsonContentType(reply.contentType), `${what}: Content-Type must be application/json (got "${cutText(reply.contentType, 200) || 'none'}")`).toBe(true);
}

/** The 401 Unauthorized envelope: status 401, JSON, {success:false, message:"Unauthorized", data:{}}. */
export function expectUnauthorizedEnvelope(reply: Reply, what: string): Promise<void> {
  return test.step('expect the 401 Unauthorized envelope', async () => {
    expect(reply.status, `${what}: status must be 401 (got ${reply.status})`).toBe(401);
    expectJsonContentType(reply, what);
    await checkSchema(reply, 'unauthorized', what);
  }, { box: true });
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
export function expect401(reply: Reply, what: string): void {
  expect(reply.status, `${what}: status must be 401 (got ${reply.status}${verdict(reply.status)})`).toBe(401);
}

/** A success envelope: 2xx, JSON, {success:true, message, data}. */
export function expectSuccessEnvelope(reply: Reply, what: string, schema: SchemaName = 'success'): Promise<void> {
  return test.step(`expect a 2xx success envelope${schema === 'success' ? '' : ` matching schema "${schema}"`}`, async () => {
    expect(reply.status >= 200 && reply.status < 300, `${what}: status must be 2xx (got ${reply.status})`).toBe(true);
    expectJsonContentType(reply, what);
    await checkSchema(reply, schema, what);
  }, { box: true });
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
