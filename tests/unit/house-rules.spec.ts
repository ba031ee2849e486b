/**
 * Issue 19's house rules on size: no source file over 300 lines but tables of data, no function
 * over 60 lines. Size is only the symptom the test can see; the cure is a file per job
 * (docs/style: "Modules by job, not by size"), so a file that fails here is split where its second
 * job starts, not squeezed under the line.
 *
 * Functions are found with the TypeScript compiler's parser (declarations, methods, accessors,
 * constructors, arrow functions and function expressions) and measured from their first line to
 * their last. A `test(...)` or `test.describe(...)` callback gets no exemption: a long test body is
 * usually a table of cases in disguise, and a long describe block is a spec file that wants to be
 * two.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

/** The folders whose sources the rules hold for; the root's own configs are added to them. */
const SOURCE_DIRS = ['helpers', 'mock', 'specs', 'tests'];
const SOURCE_FILE = /\.(ts|mjs)$/;

/**
 * Tables of data, allowed past the file limit: rows of one kind, where a split would be by letter,
 * not by job. Like ajv's skip list, an entry fails the test once its file is gone or back under the
 * limit, so the list cannot outlive its reasons.
 */
const LONG_TABLES: ReadonlyArray<{ file: string; why: string }> = [
  // ~60 faults of one shape (breaks, summary, probe, bend); CONTRIBUTING.md and docs/mock.md name the area files.
  { file: 'mock/faults/api-key.ts', why: "the fault catalogue's API-key area: one row per way a server mishandles a key, each with its probe" },
];

/** Every .ts and .mjs file of the source folders and the root, walked on disk so an uncommitted file is held to the rules too. */
function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) return e.name.startsWith('.') || e.name === 'node_modules' ? [] : walk(rel);
      return e.isFile() && SOURCE_FILE.test(e.name) ? [rel] : [];
    });
  const root = fs
    .readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE_FILE.test(e.name))
    .map((e) => e.name);
  return [...root, ...SOURCE_DIRS.flatMap(walk)].sort();
}

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

interface LongFunction {
  /** Where it starts: `file:line`. */
  at: string;
  name: string;
  lines: number;
}

/** A call's callee as a reader names it: `test.describe`, or `….map` for a method of a longer expression. */
function calleeName(expression: ts.Expression): string {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) {
    const owner = ts.isIdentifier(expression.expression) || ts.isPropertyAccessExpression(expression.expression) ? calleeName(expression.expression) : '…';
    return `${owner}.${expression.name.text}`;
  }
  return '…';
}

/** What a reader would call a function: its own name, the name it is bound to, or the call it is an argument of (`test('AUTH-06 ...')`). */
function functionName(node: ts.FunctionLikeDeclaration): string {
  const named = (n: ts.Node): string | undefined =>
    'name' in n && n.name && (ts.isIdentifier(n.name as ts.Node) || ts.isStringLiteral(n.name as ts.Node) || ts.isPrivateIdentifier(n.name as ts.Node))
      ? (n.name as ts.Identifier).text
      : undefined;
  if (ts.isConstructorDeclaration(node)) return `${named(node.parent) ?? 'class'} constructor`;
  const own = named(node);
  if (own) return ts.isClassLike(node.parent) ? `${named(node.parent) ?? 'class'}.${own}` : own;
  const parent = node.parent;
  const bound = named(parent);
  if (bound && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) return bound;
  if (ts.isCallExpression(parent)) {
    const title = parent.arguments.find(ts.isStringLiteralLike);
    const callee = calleeName(parent.expression);
    return title ? `${callee}('${title.text}') callback` : `${callee}(...) callback`;
  }
  return 'anonymous function';
}

/** A function with a body: a declaration, method, accessor, constructor, arrow function or function expression (overloads and abstract methods have none). */
const isFunctionWithBody = (node: ts.Node): node is ts.FunctionLikeDeclaration =>
  (ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)) &&
  node.body !== undefined;

/** The functions of a source longer than the limit, each measured from its first line to its last. */
function longFunctions(file: string, text: string): LongFunction[] {
  const kind = file.endsWith('.mjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (isFunctionWithBody(node)) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) found.push({ at: `${file}:${first + 1}`, name: functionName(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const FILES = sourceFiles();
const TEXT = new Map(FILES.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));

test('the rules see the whole tree: the root configs and every source folder', () => {
  expect(FILES).toEqual(expect.arrayContaining(['playwright.config.ts', 'eslint.config.mjs', 'tests/unit/house-rules.spec.ts']));
  expect(
    SOURCE_DIRS.filter((dir) => !FILES.some((f) => f.startsWith(`${dir}/`))),
    'source folders with no file seen',
  ).toEqual([]);
});

test('the function finder measures every kind of function and names it as a reader would', () => {
  const body = (n: number): string => Array.from({ length: n - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const sample = [
    `function declared() {\n${body(61)}\n}`,
    `function short() {\n${body(60)}\n}`,
    `class Box {\n  method() {\n${body(61)}\n  }\n  get size() {\n${body(61)}\n  }\n  constructor() {\n${body(61)}\n  }\n}`,
    `const arrow = () => {\n${body(61)}\n};`,
    `const table = { expression: function () {\n${body(61)}\n} };`,
    `test('AUTH-06 a long test', async () => {\n${body(61)}\n});`,
  ].join('\n');
  expect(longFunctions('sample.ts', sample).map((f) => `${f.name} ${f.lines}`)).toEqual([
    'declared 61',
    'Box.method 61',
    'Box.size 61',
    'Box constructor 61',
    'arrow 61',
    'expression 61',
    "test('AUTH-06 a long test') callback 61",
  ]);
});

test(`no source file is longer than ${MAX_FILE_LINES} lines, but the tables of data listed with a reason`, () => {
  const exempt = new Set(LONG_TABLES.map((t) => t.file));
  const tooLong = FILES.filter((f) => !exempt.has(f) && lineCount(TEXT.get(f)!) > MAX_FILE_LINES).map((f) => `${f}: ${lineCount(TEXT.get(f)!)} lines`);
  expect(tooLong, 'split each by job (docs/style: "Modules by job, not by size")').toEqual([]);
});

test('every long table still needs its exemption', () => {
  const stale = LONG_TABLES.filter((t) => !TEXT.has(t.file) || lineCount(TEXT.get(t.file)!) <= MAX_FILE_LINES).map((t) => t.file);
  expect(stale, `gone, or back under ${MAX_FILE_LINES} lines: remove them from LONG_TABLES`).toEqual([]);
});

test(`no function is longer than ${MAX_FUNCTION_LINES} lines`, () => {
  const tooLong = FILES.flatMap((f) => longFunctions(f, TEXT.get(f)!)).map((f) => `${f.at} ${f.name}: ${f.lines} lines`);
  expect(tooLong, 'give the second job its own function, or the cases a table').toEqual([]);
});
