/**
 * `npm run lint` reports TypeScript's own errors (eslint.config.mjs, tsc/diagnostics), so that
 * `npm test` builds the project's program once for both: a type error, an import that resolves to
 * nothing and an option error each fail it, where they stand, while a clean file and an unused
 * binding (left to no-unused-vars) do not. The programs here are a few lines without @types/node,
 * built in milliseconds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint as ESLintClass, Linter, Rule } from 'eslint';
import type ts from 'typescript';
import { expect, test } from '../support/unit-test';

const ROOT = path.resolve(__dirname, '..', '..');

let rule: Rule.RuleModule;
let typescript: typeof ts;
let parser: Linter.Parser;
let newLinter: (cwd: string) => Linter;
let ESLint: typeof ESLintClass;

test.beforeAll(async () => {
  // Loaded here, not at the top: Playwright's runner loads every spec to list it.
  const [eslint, tseslint, tsModule] = await Promise.all([import('eslint'), import('typescript-eslint'), import('typescript')]);
  newLinter = (cwd) => new eslint.Linter({ cwd });
  ESLint = eslint.ESLint;
  parser = tseslint.default.parser;
  typescript = tsModule.default;
  const config = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.mjs')).href)) as { TYPESCRIPT_DIAGNOSTICS: Rule.RuleModule };
  rule = config.TYPESCRIPT_DIAGNOSTICS;
});

/** What the rule reports for each of `files` (name to source), linted in order against one program built with `options`. */
function lint(files: Record<string, string>, options: ts.CompilerOptions = {}): Record<string, string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-ts-errors-'));
  try {
    const paths = Object.keys(files).map((name) => path.join(dir, name));
    for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), source);
    const program = typescript.createProgram(paths, { strict: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts'], ...options });
    const config: Linter.Config[] = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser, parserOptions: { programs: [program] } },
        plugins: { tsc: { rules: { diagnostics: rule } } },
        rules: { 'tsc/diagnostics': 'error' },
      },
    ];
    return Object.fromEntries(
      Object.entries(files).map(([name, source]) => [
        name,
        newLinter(dir)
          .verify(source, config, path.join(dir, name))
          .map((m) => `${m.line}:${m.column} ${m.message}`),
      ]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a type error and an import that resolves to nothing are reported where they stand, with their TS codes', () => {
  const found = lint({ 'a.ts': "export const n: number = 1;\nexport const s: number = 'text';\nimport { gone } from './nowhere';\nexport { gone };\n" });
  expect(found['a.ts']).toEqual([
    "2:14 TS2322: Type 'string' is not assignable to type 'number'.",
    "3:22 TS2307: Cannot find module './nowhere' or its corresponding type declarations.",
  ]);
});

test('an error in one file about another is reported in the file it stands in, once', () => {
  const found = lint({
    'lib.ts': 'export function twice(n: number): number {\n  return n * 2;\n}\n',
    'use.ts': "import { twice } from './lib';\nexport const x = twice('2');\n",
  });
  expect(found['lib.ts']).toEqual([]);
  expect(found['use.ts']).toEqual(["2:24 TS2345: Argument of type 'string' is not assignable to parameter of type 'number'."]);
});

test('a clean file, and an unused binding under the flags typescript-eslint sets, report nothing (no-unused-vars has those)', () => {
  const found = lint(
    { 'clean.ts': 'export const n: number = 1;\n', 'unused.ts': 'export function f(unused: number): void {\n  const alsoUnused = 2;\n}\n' },
    {
      noUnusedLocals: true,
      noUnusedParameters: true,
    },
  );
  expect(found).toEqual({ 'clean.ts': [], 'unused.ts': [] });
});

test("the program's option errors are reported once, on the first file linted", () => {
  const found = lint({ 'first.ts': 'export const a = 1;\n', 'second.ts': 'export const b = 2;\n' }, { emitDeclarationOnly: true });
  expect(found['first.ts']).toEqual([expect.stringMatching(/^1:1 TS5069: Option 'emitDeclarationOnly' cannot be specified without/)]);
  expect(found['second.ts']).toEqual([]);
});

test('the project config runs the rule on every TypeScript file, as an error', async () => {
  const eslint = new ESLint({ cwd: ROOT });
  for (const file of ['helpers/fixtures.ts', 'mock/cli.ts', 'specs/api-key/missing.spec.ts', 'playwright.config.ts']) {
    const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as Linter.Config;
    expect(config.rules?.['tsc/diagnostics'], file).toEqual([2]);
  }
});
