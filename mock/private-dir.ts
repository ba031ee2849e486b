/**
 * A temp directory only this user can enter, for files that hold secrets (private keys, the CA the
 * suite trusts). Dependency-free so the standalone mock, the embedded mock and the test setup all
 * use it, and the mock never imports the suite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PrivateDir {
  path: string;
  /** Writes a file readable by this user only and returns its path. */
  write: (name: string, text: string) => string;
  remove: () => void;
}

export function makePrivateDir(prefix: string): PrivateDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // mkdtemp already creates it 0700 on POSIX; the chmod keeps that true under an unusual umask.
  fs.chmodSync(dir, 0o700);
  return {
    path: dir,
    write: (name, text) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text, { mode: 0o600 });
      return file;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
