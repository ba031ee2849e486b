/**
 * The import boundaries of eslint.config.mjs refuse what they are meant to, spelt any way a
 * relative path can be: a regular expression that let `../../helpers/redact` through would keep
 * `npx eslint .` green while the mock depends on the harness again. Cases are data, as the
 * catalogue lint's are; only the boundary rules run, without type information, so this takes
 * milliseconds.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '../support/unit-test';
import type { Linter } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..');

interface ImportCase {
  /** The importing file, relative to the repository root. */
  from: string;
  /** The import statement. */
  statement: string;
  allowed: boolean;
}

const CASES: readonly ImportCase[] = [
  { from: 'mock/faults/x.ts', statement: "import { redactor } from '../../helpers/redact';", allowed: false },
  { from: 'mock/journal.ts', statement: "import { redactor } from '../helpers/safety/redact';", allowed: false },
  { from: 'mock/faults/x.ts', statement: "import type { Verdict } from '../../helpers/reporting/summary';", allowed: false },
  { from: 'mock/x.ts', statement: "import { test } from '../helpers/fixtures';", allowed: false },
  { from: 'mock/x.ts', statement: "export { keyHeader } from '../helpers/cases/keys';", allowed: false },
  { from: 'mock/x.ts', statement: "import { deliberateCookie } from '../helpers/contract/../client/cookies';", allowed: false },
  { from: 'mock/faults/x.ts', statement: "import { testClient } from '../../tests/support/client';", allowed: false },
  { from: 'mock/x.ts', statement: "import '../specs/api-key/revoked.spec';", allowed: false },
  { from: 'mock/x.ts', statement: "import type { RequirementId } from '../helpers/contract/requirements';", allowed: true },
  { from: 'mock/faults/x.ts', statement: "import type { Verdict } from '../../helpers/contract/verdict';", allowed: true },
  { from: 'mock/x.ts', statement: "import { Journal } from './journal';", allowed: true },
  { from: 'mock/x.ts', statement: "import selfsigned from 'selfsigned';", allowed: true },
  { from: 'helpers/contract/x.ts', statement: "import { deliberateCookie } from '../client/cookies';", allowed: false },
  { from: 'helpers/contract/x.ts', statement: "import type { JournalEntry } from '../../mock/journal';", allowed: false },
  { from: 'helpers/contract/x.ts', statement: "import { expect } from '@playwright/test';", allowed: false },
  { from: 'helpers/contract/x.ts', statement: "import { readJsonPointer } from './json-pointer';", allowed: true },
  { from: 'helpers/contract/x.ts', statement: "import Ajv2020 from 'ajv/dist/2020';", allowed: true },
  { from: 'helpers/contract/x.ts', statement: "import balance from '../../schemas/balance.schema.json';", allowed: true },
  // The harness may import the mock: the rules hold for mock/ and the contract only.
  { from: 'helpers/x.ts', statement: "import type { JournalEntry } from '../mock/journal';", allowed: true },
];

let boundaries: Linter.Config[];
let newLinter: () => Linter;
let parser: Linter.Parser;

test.beforeAll(async () => {
  // eslint is loaded here, not at the top: Playwright's runner loads every spec to list it (and the
  // catalogue lint lists them all again), and eslint with typescript-eslint is half a CPU-second.
  const [{ Linter: LinterClass }, { default: tseslint }] = await Promise.all([import('eslint'), import('typescript-eslint')]);
  newLinter = () => new LinterClass({ cwd: ROOT });
  parser = tseslint.parser;
  // A computed specifier: TypeScript leaves the untyped .mjs alone, Node loads it as it is.
  const config = (await import(pathToFileURL(path.join(ROOT, 'eslint.config.mjs')).href)) as { IMPORT_BOUNDARIES: Linter.Config[] };
  boundaries = config.IMPORT_BOUNDARIES;
});

for (const c of CASES) {
  test(`${c.from}: ${c.statement} is ${c.allowed ? 'allowed' : 'refused'}`, () => {
    const linter = newLinter();
    const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser } }, ...boundaries];
    const messages = linter.verify(c.statement, config, path.join(ROOT, c.from));
    expect(
      messages.filter((m) => m.ruleId !== 'no-restricted-imports'),
      'no parse errors',
    ).toEqual([]);
    expect(messages.length, messages.map((m) => m.message).join('\n')).toBe(c.allowed ? 0 : 1);
  });
}
