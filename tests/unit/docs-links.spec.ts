/**
 * The README is a front door that links to one page per table (docs/, CONTRIBUTING.md). A page
 * that moves or is renamed must not leave a link that leads nowhere, and the README must not grow
 * back into the manual it used to be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/unit-test';

const ROOT = path.resolve(__dirname, '..', '..');
const README_MAX_LINES = 200;

/**
 * Links to pages being written elsewhere, allowed to lead nowhere until they land. Like ajv's skip
 * list, an entry whose file exists fails the test, so the list cannot outlive its reason.
 */
const PENDING: ReadonlyArray<{ target: string; why: string }> = [];

/** Folders whose files the docs name in code spans (`helpers/client/egress.ts`): each such name must exist. */
const CODE_PATH = /`((?:helpers|mock|specs|tests|schemas|docs|\.ci|\.github)\/[A-Za-z0-9_./-]*[A-Za-z0-9_/-])`/g;

/** The Markdown files users read: the repository root and docs/. */
function markdownFiles(): string[] {
  const inDir = (dir: string): string[] =>
    fs
      .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.md'))
      .map((e) => path.posix.join(dir, e.name));
  return [...inDir('.'), ...inDir('docs')].map((f) => path.posix.normalize(f)).sort();
}

/**
 * The link destinations of a Markdown text: inline links and images, and reference definitions.
 * Fenced code blocks and code spans are left out first (a `](` in code is not a link), but a code
 * span that is a link's text keeps the link.
 */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^ {0,3}(```|~~~)[^\n]*\n[\s\S]*?^ {0,3}\1[^\n]*$/gm, '').replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, 'code');
  const inline = [...prose.matchAll(/\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/gm)].map((m) => m[1]!);
  return [...inline, ...references].map((t) => t.replace(/^<(.*)>$/, '$1'));
}

/** The repository path a relative link leads to, or undefined for a URL or an anchor in the same page. */
function resolveTarget(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return undefined;
  const withoutAnchor = target.replace(/[?#].*$/, '');
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(withoutAnchor)));
}

const FILES = markdownFiles();

test('the link scanner finds links and skips code, URLs and anchors', () => {
  const sample = [
    'See [the docs](docs/a.md#part), ![a picture](img/b.png "title") and [`code`](<c d.md>).',
    'Not links: `[x](in-code.md)`, [web](https://example.com), [here](#anchor).',
    '```md',
    '[fenced](in-fence.md)',
    '```',
    '[ref]: ../e.md',
  ].join('\n');
  const targets = linkTargets(sample);
  expect(targets).toEqual(['docs/a.md#part', 'img/b.png', 'c d.md', 'https://example.com', '#anchor', '../e.md']);
  expect(targets.map((t) => resolveTarget('docs/x.md', t))).toEqual(['docs/docs/a.md', 'docs/img/b.png', 'docs/c d.md', undefined, undefined, 'e.md']);
});

for (const file of FILES) {
  test(`${file} links only to files in the repository that exist`, () => {
    const broken = linkTargets(fs.readFileSync(path.join(ROOT, file), 'utf8')).flatMap((target) => {
      const resolved = resolveTarget(file, target);
      if (resolved === undefined) return [];
      if (resolved === '..' || resolved.startsWith('../')) return [`${target} (leads outside the repository)`];
      if (fs.existsSync(path.join(ROOT, resolved))) return [];
      if (PENDING.some((p) => p.target === resolved)) return [];
      return [`${target} (${resolved} does not exist)`];
    });
    expect(broken, `relative links in ${file} that lead nowhere`).toEqual([]);
  });
}

for (const file of FILES) {
  test(`${file} names only files and folders of the repository that exist`, () => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const missing = [...new Set([...text.matchAll(CODE_PATH)].map((m) => m[1]!))].filter((p) => !p.includes('*') && !fs.existsSync(path.join(ROOT, p)));
    expect(missing, `paths named in ${file} that do not exist (moved or renamed?)`).toEqual([]);
  });
}

test('every pending link target is still missing', () => {
  const landed = PENDING.filter((p) => fs.existsSync(path.join(ROOT, p.target))).map((p) => `${p.target}: ${p.why}`);
  expect(landed, 'these pages exist now: remove them from PENDING in tests/unit/docs-links.spec.ts').toEqual([]);
});

test(`README.md stays a front door: at most ${README_MAX_LINES} lines, with the two commands CI runs`, () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  expect(lines, 'README.md lines: move detail to docs/ or CONTRIBUTING.md and link to it').toBeLessThanOrEqual(README_MAX_LINES);
  // .ci/run runs exactly the README's quick start.
  expect(readme).toContain('npm ci && npm run conformance');
  expect(readme).toContain('npm test');
});
