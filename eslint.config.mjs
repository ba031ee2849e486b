// typescript-eslint's type-checked rules (docs/style: a missing `await` in an HTTP test passes
// silently otherwise, so no-floating-promises and no-misused-promises stay on), TypeScript's own
// errors from the same program (tsc/diagnostics), and the import boundaries that keep the mock
// apart from the harness.
import path from 'node:path';
import js from '@eslint/js';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

/** An eslint config that refuses, in `files`, the imports whose text matches one of `patterns`. */
const refuseImports = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

// A folder's imports say its place (CONTRIBUTING.md, Layout). The mock runs without the suite, so
// of helpers/ it may import only the contract the two share; the contract imports nothing of
// either, or the mock would reach the harness through it. The patterns are regular expressions
// over the import's text, so a relative path from any depth ('../../helpers/redact') is caught;
// tests/unit/import-boundaries.spec.ts holds them to that.
export const IMPORT_BOUNDARIES = [
  refuseImports(
    ['mock/**'],
    [
      {
        regex: '(^|/)helpers(/(?!contract/)|$)',
        message:
          'mock/ may import only helpers/contract/ of the suite (requirement ids, schemas, the Verdict type, the endpoint table): the mock runs without the harness.',
      },
      { regex: '(^|/)helpers/contract/(.*/)?\\.\\.(/|$)', message: 'mock/ may import only helpers/contract/ of the suite: no path that climbs out of it.' },
      {
        regex: '(^|/)(tests|specs)(/|$)',
        message: 'mock/ must not import specs/ or tests/: the suite and its tests import the mock, never the other way round.',
      },
    ],
  ),
  refuseImports(
    ['helpers/contract/**'],
    [
      {
        regex: '^\\.\\./(?!\\.\\./schemas/[^/]+\\.json$)',
        message: 'helpers/contract/ imports nothing outside itself (mock/ imports it): no other helpers folder, no mock/, no tests/.',
      },
      {
        regex: '^(?!\\.|node:|ajv(/|$)|ajv-formats$)',
        message: "helpers/contract/ uses only Node's modules and ajv: a package imported here becomes one the mock needs.",
      },
    ],
  ),
];

/** Where a TypeScript diagnostic starts and ends in `file`, as eslint counts lines (from 1) and columns (from 0). */
const locOf = (file, start = 0, length = 0) => {
  const at = (pos) => {
    const { line, character } = file.getLineAndCharacterOfPosition(pos);
    return { line: line + 1, column: character };
  };
  return { start: at(start), end: at(start + length) };
};

/** What eslint never lints: every eslint run's ignores, relative to this folder. */
const IGNORED = ['node_modules/', 'reports/', 'test-results/', 'eslint.config.mjs'];
/** The files typescript-eslint lints with type information. */
const TYPESCRIPT_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/**
 * TypeScript's own errors (what `tsc --noEmit -p .` reports) as lint errors, read from the program
 * the type-checked rules have built anyway: `npm test` then builds the project's program once, not
 * once for tsc and again for eslint (issue 20: tsc was 11 CPU-seconds of a fresh clone's run, its
 * diagnostics cost eslint 1.5-3.5 more). Each linted file gets its own errors where they stand;
 * the first file linted also gets, once per program, what no linted file holds: the options' and
 * global errors, and the errors of the program's files eslint does not lint (JSON a module
 * imports, a file in an ignored folder that one imports), each naming its file. Only errors: a
 * suggestion is not what tsc reports. tests/unit/lint-typescript-errors.spec.ts refuses what
 * would silence this rule or check a folder under other options than tsc's (an eslint-disable
 * comment naming no rule, a second tsconfig.json).
 */
export const typescriptDiagnostics = (root, ignored) => {
  /** Whether eslint lints `fileName` (an absolute path, as TypeScript gives it) with this rule. */
  const linted = (fileName) => {
    const relative = path.relative(root, fileName);
    return /\.[cm]?tsx?$/.test(fileName) && !relative.startsWith('..') && !ignored.some((i) => relative.startsWith(i));
  };
  /** The programs whose errors outside the linted files have been reported. */
  const reported = new WeakSet();
  return {
    meta: { type: 'problem', docs: { description: "TypeScript's own errors, as tsc reports them" }, schema: [] },
    create(context) {
      const program = context.sourceCode.parserServices?.program;
      const file = program?.getSourceFile(context.filename);
      if (!file) return {};
      const whole = reported.has(program)
        ? []
        : [
            ...program.getOptionsDiagnostics(),
            ...program.getGlobalDiagnostics(),
            ...program
              .getSourceFiles()
              .filter((f) => !f.isDeclarationFile && !linted(f.fileName))
              .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
          ];
      reported.add(program);
      return {
        Program() {
          for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file), ...whole]) {
            if (d.category !== ts.DiagnosticCategory.Error) continue;
            const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
            if (d.file === file) context.report({ loc: locOf(file, d.start, d.length), message });
            else if (!d.file) context.report({ loc: locOf(file), message });
            else {
              const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
              context.report({ loc: locOf(file), message: `${path.relative(root, d.file.fileName)}:${line + 1}:${character + 1}: ${message}` });
            }
          }
        },
      };
    },
  };
};

export default tseslint.config(
  { ignores: IGNORED },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Playwright fixtures that use no other fixture are written `async ({}, use) => ...`.
      'no-empty-pattern': 'off',
      // Playwright test and fixture bodies are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      // The suite and the mock look at raw header bytes on purpose (control characters included).
      'no-control-regex': 'off',
    },
  },
  {
    files: TYPESCRIPT_FILES,
    plugins: { tsc: { rules: { diagnostics: typescriptDiagnostics(import.meta.dirname, IGNORED) } } },
    rules: { 'tsc/diagnostics': 'error' },
  },
  ...IMPORT_BOUNDARIES,
  // Playwright's default `test` brings test-scoped fixtures (trace recording, context options) that
  // a browser-free suite never uses and that cost a captured stack each per test (issue 20).
  {
    files: ['specs/**', 'tests/unit/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@playwright/test',
              importNames: ['test'],
              message: "Take `test` from helpers/fixtures (specs) or tests/support/unit-test (unit tests): both build on Playwright's _baseTest.",
            },
          ],
        },
      ],
    },
  },
  // Plain ES modules that Node loads without tsx (the entry Allure imports for a TypeScript plugin,
  // helpers/reporting/offline-report-plugin.entry.mjs) are outside tsconfig's project: lint them
  // without type information.
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
