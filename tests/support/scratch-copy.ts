/**
 * A scratch copy of the project, for runs that must write reports/ as a user's run does without
 * touching the repository's: the project's files (not node_modules, reports/, test-results/ or .git),
 * with the installed node_modules linked in.
 *
 * Playwright and tsx cache what they compile from TypeScript by each file's path (and content), so
 * a copy at a new path compiles the whole project again in every process of every run (about 4
 * CPU-seconds each). One copy serves several runs in turn, reset between them to what a fresh copy
 * holds; and a copy takes the same path in every self-test of the same checkout (a numbered slot,
 * claimed by a lock file, so two self-tests at once take different ones), so its caches are warm
 * from the last self-test.
 */
import crypto from 'node:crypto';
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

/** Whether a process with this id runs (a lock whose owner is gone is free). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process that holds a lock file; undefined when there is no lock (any more). */
function lockOwner(lock: string): number | undefined {
  try {
    return Number(fs.readFileSync(lock, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether `from` was renamed to `to`: false when another process took it first. */
function renamed(from: string, to: string): boolean {
  try {
    fs.renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** Whether this process now holds `lock`: it was free, or its owner is gone (a self-test that was killed). */
function takeLock(lock: string): boolean {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = lockOwner(lock);
  if (owner !== undefined && running(owner)) return false;
  // Taken over by renaming, which only one of several claimants can do.
  const stale = `${lock}-${process.pid}`;
  if (owner !== undefined && renamed(lock, stale)) fs.rmSync(stale);
  return takeLock(lock);
}

/** The first free slot's folder for copies of `root`, locked for this process. */
function claimSlot(root: string): string {
  const base = path.join(os.tmpdir(), `cardpluspay-runner-check-${crypto.createHash('sha1').update(root).digest('hex').slice(0, 8)}`);
  for (let slot = 0; ; slot++) if (takeLock(`${base}-${slot}.lock`)) return `${base}-${slot}`;
}

/**
 * How many files may differ from those a run compiled at a copy's path with its caches still warm:
 * Babel takes about 20 ms a file, so these compile in well under a second.
 */
const WARM_DESPITE_CHANGES = 20;

/** Each of `files` under `dir` and a hash of what it holds. */
function digestsOf(dir: string, files: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [
      f,
      crypto
        .createHash('sha1')
        .update(fs.readFileSync(path.join(dir, f)))
        .digest('hex'),
    ]),
  );
}

/** What `stamp` recorded as compiled; nothing when it cannot be read. */
function readStamp(stamp: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(stamp, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export class ScratchCopy {
  readonly dir: string;
  /** Each copied file and its modification time once copied, to see a file a run changed. */
  private readonly copied = new Map<string, number>();
  private readonly dirs: Set<string>;
  /** What each copied file holds, for the compiled stamp. */
  private readonly digests: Record<string, string>;

  constructor(private readonly root: string) {
    this.dir = claimSlot(root);
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir);
    const { files, dirs } = walk(root, NOT_COPIED);
    this.dirs = new Set(dirs);
    for (const f of files) this.copy(f);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(this.dir, 'node_modules'));
    this.digests = digestsOf(this.dir, files);
  }

  /**
   * Whether Playwright's and tsx's caches hold this copy compiled: an earlier self-test compiled the
   * files at this path (the slot's stamp holds what each held), with the same installed packages
   * (package-lock.json) and at most a few files changed since. Caches emptied since (a cleaned /tmp)
   * go unnoticed: the next run then compiles, as a first self-test's does.
   */
  get compiled(): boolean {
    const stamp = readStamp(this.stamp);
    const changed = Object.keys(this.digests).filter((f) => stamp[f] !== this.digests[f]);
    return Object.keys(stamp).length > 0 && !changed.includes('package-lock.json') && changed.length <= WARM_DESPITE_CHANGES;
  }

  /** Records that a run has compiled this copy (see `compiled`). */
  markCompiled(): void {
    fs.writeFileSync(this.stamp, JSON.stringify(this.digests));
  }

  /** Back to a fresh copy's state: whatever the last run wrote goes (reports/ included), a file it changed is copied again. */
  reset(): void {
    const { files, dirs } = walk(this.dir, /^node_modules$/);
    for (const d of dirs) if (!this.dirs.has(d)) fs.rmSync(path.join(this.dir, d), { recursive: true, force: true });
    for (const f of files) if (!this.copied.has(f)) fs.rmSync(path.join(this.dir, f), { force: true });
    for (const [f, mtimeMs] of this.copied) if (fs.statSync(path.join(this.dir, f), { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) this.copy(f);
  }

  /** Removes the copy and frees its slot; the compile caches keep what they hold for the next self-test. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.rmSync(`${this.dir}.lock`, { force: true });
  }

  private get stamp(): string {
    return `${this.dir}.compiled`;
  }

  private copy(file: string): void {
    const to = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.rmSync(to, { force: true });
    fs.copyFileSync(path.join(this.root, file), to);
    this.copied.set(file, fs.statSync(to).mtimeMs);
  }
}
