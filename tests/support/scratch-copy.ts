/**
 * A scratch copy of the project, for runs that must write reports/ as a user's run does without
 * touching the repository's: the project's files (not node_modules, reports/, test-results/ or .git),
 * with the installed node_modules linked in.
 *
 * One copy serves several runs in turn, reset between them to what a fresh copy holds. Playwright
 * and tsx cache what they compile from TypeScript by each file's path, so a fresh copy per run
 * compiled the whole project again in every process of every run (about 4 CPU-seconds each).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What is not the project: the installed packages, what runs wrote, the repository. */
const NOT_COPIED = /^(node_modules|reports|test-results|\.git)$/;

/** Every file and folder under `root`, relative to it, without descending into what `skip` names at the top. */
function walk(root: string, skip: RegExp): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = (rel: string): void => {
    for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = path.join(rel, d.name);
      if (rel === '' && skip.test(d.name)) continue;
      if (d.isDirectory()) {
        dirs.push(child);
        visit(child);
      } else if (d.isFile()) files.push(child);
    }
  };
  visit('');
  return { files, dirs };
}

export class ScratchCopy {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardpluspay-runner-check-'));
  /** Each copied file and its modification time once copied, to see a file a run changed. */
  private readonly copied = new Map<string, number>();
  private readonly dirs: Set<string>;

  constructor(private readonly root: string) {
    const { files, dirs } = walk(root, NOT_COPIED);
    this.dirs = new Set(dirs);
    for (const f of files) this.copy(f);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(this.dir, 'node_modules'));
  }

  /** Back to a fresh copy's state: whatever the last run wrote goes (reports/ included), a file it changed is copied again. */
  reset(): void {
    const { files, dirs } = walk(this.dir, /^node_modules$/);
    for (const d of dirs) if (!this.dirs.has(d)) fs.rmSync(path.join(this.dir, d), { recursive: true, force: true });
    for (const f of files) if (!this.copied.has(f)) fs.rmSync(path.join(this.dir, f), { force: true });
    for (const [f, mtimeMs] of this.copied) if (fs.statSync(path.join(this.dir, f), { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) this.copy(f);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private copy(file: string): void {
    const to = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.rmSync(to, { force: true });
    fs.copyFileSync(path.join(this.root, file), to);
    this.copied.set(file, fs.statSync(to).mtimeMs);
  }
}
