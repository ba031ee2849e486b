// typescript-eslint's type-checked rules (docs/style: a missing `await` in an HTTP test passes
// silently otherwise, so no-floating-promises and no-misused-promises stay on).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', 'test-results/', 'eslint.config.mjs'] },
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
  // Plain ES modules that Node loads without tsx (the entry Allure imports for a TypeScript plugin,
  // helpers/reporting/offline-report-plugin.entry.mjs) are outside tsconfig's project: lint them
  // without type information.
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
