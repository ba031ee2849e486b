/**
 * Every schema in schemas/ is valid JSON Schema 2020-12 and compiles in strict mode. The shared
 * registry (helpers/contract/schemas.ts) skips the meta-schema check to keep worker start-up cheap; this is
 * where it happens instead, once per `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect, test } from '../support/unit-test';
import { schemaErrors, type SchemaName } from '../../helpers/contract/schemas';

const DIR = path.resolve(__dirname, '..', '..', 'schemas');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.schema.json'));

test('every schema validates against the 2020-12 meta-schema and compiles in strict mode', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const schemas = files.map((f) => ({ file: f, schema: JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as { $id: string } }));
  for (const { file, schema } of schemas) {
    expect(ajv.validateSchema(schema), `${file}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
    ajv.addSchema(schema);
  }
  for (const { file, schema } of schemas) expect(() => ajv.getSchema(schema.$id), file).not.toThrow();
});

test('the shared registry serves every schema by name', () => {
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const name = file.replace('.schema.json', '') as SchemaName;
    expect(Array.isArray(schemaErrors(name, {})), name).toBe(true);
  }
});
