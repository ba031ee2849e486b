/**
 * `npm run lint` reports TypeScript's own errors (eslint.config.mjs, tsc/diagnostics), so that
 * `npm test` builds the project's program once for both: a type error, an import that resolves to
 * nothing, a strict error TypeScript marks "unnecessary", an option error and an error in a file
 * eslint does not lint (JSON a module imports, a file in an ignored folder) each fail it, while a
 * clean file and an unused binding (tsc reports none without noUnusedLocals) do not. The programs
 * here are a few lines without @types/node, built in milliseconds. And nothing in the tree keeps the
 * rule from seeing what tsc sees: no eslint-disable comment that names no rule (it would silence
 * TypeScript's errors too) or names the rule, and no second tsconfig.json (typescript-eslint's
 * project service checks a file under its nearest one, tsc -p . under the root's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ESLint as ESLintClass, Linter, Rule } from 'eslint';
import type ts from 'typescript';
import { expect, test } from '../support/unit-test';

const ROOT = path.resolve(__dirname, '..', '..');

let ruleFor: (root: string, ignored: string[]) => Rule.RuleModule;
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
  const config = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.mjs')).href)) as { typescriptDiagnostics: typeof ruleFor };
  ruleFor = config.typescriptDiagnostics;
});

/**
 * What the rule reports for each TypeScript file of `files` (path to source), linted in order
 * against one program of them all built with `options`; `ignored/` is a folder eslint ignores.
 */
function lint(files: Record<string, string>, options: ts.CompilerOptions = {}): Record<string, string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-ts-errors-'));
  try {
    for (const [name, source] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), source);
    }
    const linted = Object.keys(files).filter((name) => name.endsWith('.ts') && !name.startsWith('ignored/'));
    const program = typescript.createProgram(
      linted.map((name) => path.join(dir, name)),
      {
        strict: true,
        noEmit: true,
        types: [],
        lib: ['lib.es2022.d.ts'],
        resolveJsonModule: true,
        module: typescript.ModuleKind.CommonJS,
        esModuleInterop: true,
        ...options,
      },
    );
    const rule = ruleFor(dir, ['ignored/']);
    const config: Linter.Config[] = [
      {
        files: ['**/*.ts'],
        languageOptions: { parser, parserOptions: { programs: [program] } },
        plugins: { tsc: { rules: { diagnostics: rule } } },
        rules: { 'tsc/diagnostics': 'error' },
      },
    ];
    return Object.fromEntries(
      linted.map((name) => [
        name,
        newLinter(dir)
          .verify(files[name]!, config, path.join(dir, name))
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

test('a strict error TypeScript marks unnecessary is reported; a clean file and an unused binding, which tsc does not report, are not', () => {
  const found = lint({
    'comma.ts': 'export function cell(m: number[][], i: number, j: number): number[] | undefined {\n  return m[i, j];\n}\n',
    'clean.ts': 'export const n: number = 1;\n',
    'unused.ts': 'export function f(unused: number): void {\n  const alsoUnused = 2;\n}\n',
  });
  expect(found).toEqual({ 'comma.ts': ['2:12 TS2695: Left side of comma operator is unused and has no side effects.'], 'clean.ts': [], 'unused.ts': [] });
});

test('with noUnusedLocals set, as tsc then does, an unused binding is reported', () => {
  const found = lint({ 'unused.ts': 'export function f(): void {\n  const alsoUnused = 2;\n}\n' }, { noUnusedLocals: true });
  expect(found['unused.ts']).toEqual(["2:9 TS6133: 'alsoUnused' is declared but its value is never read."]);
});

test('errors in files eslint does not lint (JSON a module imports, a file in an ignored folder) are reported once, on the first file, naming theirs', () => {
  const found = lint({
    'first.ts': "import bad from './bad.json';\nexport const j = bad;\n",
    'second.ts': "import { r } from './ignored/rep';\nexport const rr = r;\n",
    'bad.json': '{ "a": Infinity }\n',
    'ignored/rep.ts': "export const r: number = 'x';\n",
  });
  expect(found['first.ts']).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^1:1 bad\.json:1:8: TS1328: /),
      "1:1 ignored/rep.ts:1:14: TS2322: Type 'string' is not assignable to type 'number'.",
    ]),
  );
  expect(found['first.ts']).toHaveLength(2);
  expect(found['second.ts']).toEqual([]);
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

/** Every file of the tree, relative to ROOT, but the installed packages, what runs wrote and dot folders. */
function treeFiles(dir = ''): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (!e.isDirectory()) return e.isFile() ? [rel] : [];
    return e.name.startsWith('.') || ['node_modules', 'reports', 'test-results'].includes(rel) ? [] : treeFiles(rel);
  });
}

test('no eslint-disable comment names no rule, and none names tsc/diagnostics: either would silence TypeScript errors', () => {
  const silencing = treeFiles()
    .filter((f) => /\.[cm]?[jt]sx?$/.test(f) && f !== 'eslint.config.mjs' && f !== 'tests/unit/lint-typescript-errors.spec.ts')
    .flatMap((f) =>
      [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\/[/*]\s*eslint(-disable(?:-next-line|-line)?)?(?=[\s*]|$)([^\n]*)/g)]
        .filter(([, disable, rest]) => /tsc\//.test(rest!) || (disable !== undefined && rest!.replace(/--.*|\*\/.*/, '').trim() === ''))
        .map((m) => `${f}: ${m[0].trim()}`),
    );
  expect(silencing).toEqual([]);
});

test('the tree has one tsconfig.json, the one tsc -p . reads', () => {
  expect(treeFiles().filter((f) => /(^|\/)tsconfig[^/]*\.json$/.test(f))).toEqual(['tsconfig.json']);
});
