/**
 * Write, then swap: a run writes its reports into a staging folder beside their final place, and
 * only a complete set replaces the previous run's (issue 17). A run that dies half-way, is killed
 * by its time limit or is only listing tests leaves the last complete reports where they were.
 */
import fs from 'node:fs';
import path from 'node:path';

const STAGING_PREFIX = '.staging-';

/** The staging folder of this process's run, under `into`. */
export function stagingDir(into: string, pid = process.pid): string {
  return path.join(into, `${STAGING_PREFIX}${pid}`);
}

/** Removes staging folders that runs which no longer exist left behind. */
export function removeStaleStaging(into: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(into);
  } catch {
    return;
  }
  for (const name of entries.filter((n) => n.startsWith(STAGING_PREFIX))) {
    // `.staging-<pid>` and the `.staging-<pid>.old` a promotion sets aside: both belong to <pid>.
    const pid = Number(/^\.staging-(\d+)(?:\.old)?$/.exec(name)?.[1]);
    if (pid === process.pid || alive(pid)) continue;
    fs.rmSync(path.join(into, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves each named entry of the staging folder to its final place, replacing what was there, then
 * removes the staging folder. Each replacement is two renames on one file system: the old entry is
 * moved aside before the new one moves in, and deleted after.
 */
export function promoteStaged(staging: string, into: string, entries: readonly string[]): void {
  const aside = `${staging}.old`;
  fs.mkdirSync(aside, { recursive: true });
  for (const name of entries) {
    const from = path.join(staging, name);
    if (!fs.existsSync(from)) continue;
    const to = path.join(into, name);
    if (fs.existsSync(to)) fs.renameSync(to, path.join(aside, name));
    fs.renameSync(from, to);
  }
  fs.rmSync(aside, { recursive: true, force: true });
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * Why the reports cannot be written into `into`, or undefined: checked before any request, so a
 * run never ends without its reports (it would otherwise exit 1, which reads as a failed target).
 */
export function unwritable(into: string): string | undefined {
  const probe = stagingDir(into) + '.probe';
  try {
    fs.mkdirSync(into, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Drops a staging folder without promoting it (a listing, a run that wrote nothing). */
export function discardStaged(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}
