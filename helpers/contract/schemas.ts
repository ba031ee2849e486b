/**
 * The one ajv instance. Every schema in schemas/ is registered once at load (compiling the same
 * $id twice throws in ajv 8), then fetched by name. Both the suite and the mock's own tests use it,
 * so the mock cannot drift from the contract the suite checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readJsonPointer } from './json-pointer';

const SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'schemas');
const BASE = 'https://cardpluspay-conformance.local/schemas/';

export type SchemaName =
  | 'envelope'
  | 'unauthorized'
  | 'success'
  | 'error'
  | 'balance'
  | 'pagination'
  | 'orders-list'
  | 'order'
  | 'stock-check'
  | 'create-order'
  | 'challenge'
  | 'mock-catalog'
  | 'conformance-summary';

// No meta-schema check here: it compiles the 2020-12 meta-schema, about 0.2 s in every Playwright
// worker, and the self-test starts some ninety. tests/unit/schemas.spec.ts checks every schema
// against it once; strict mode still refuses unknown keywords when a schema is compiled.
const ajv = new Ajv2020({ allErrors: true, strict: true, validateSchema: false });
addFormats(ajv);
for (const file of fs.readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as object);
}

function validator(name: SchemaName): ValidateFunction {
  const fn = ajv.getSchema(`${BASE}${name}.json`);
  if (!fn) throw new Error(`Schema "${name}" is not in schemas/ (expected ${name}.schema.json).`);
  return fn;
}

/** One readable line per ajv error, e.g. `/data/balance must be string (got number 100.5)`. */
function describeErrors(errors: readonly ErrorObject[] | null | undefined, value: unknown): string[] {
  return (errors ?? [])
    .filter((e) => !(e.keyword === 'allOf' || e.keyword === '$ref'))
    .map((e) => {
      const where = e.instancePath || '(body)';
      const got = readJsonPointer(value, e.instancePath);
      const extra = e.keyword === 'required' || got === undefined ? '' : ` (got ${typeof got} ${preview(got)})`;
      return `${where} ${e.message ?? e.keyword}${e.keyword === 'const' ? ` ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}` : ''}${extra}`;
    });
}

/** Validates a value against a named schema; returns readable lines, empty when valid. */
export function schemaErrors(name: SchemaName, value: unknown): string[] {
  const fn = validator(name);
  return fn(value) ? [] : describeErrors(fn.errors, value);
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
