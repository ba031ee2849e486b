/**
 * One set of secrets for the processes of a run (SAFE-01). A worker makes secrets the others never
 * see (each signature, each challenge's signing key in PKCS#1), yet what it attaches and the errors
 * of its steps reach the runner's reporters, the console and the files before the worker's own
 * redaction could run: a target that echoed a signature back had it written in clear. So every
 * process appends each secret its redactor learns to one ledger file, and reads the others'
 * before it redacts anything. The ledger lives in a private folder (0700, the file 0600) made by
 * the first process of the run, named to its children in the environment, and removed when that
 * process exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redactor } from './redact';

/** Not a CARDPLUSPAY_ setting: a process hands it to its children, never a user. */
const LEDGER_ENV = 'CONFORMANCE_SECRETS_LEDGER';

/** Links a process's redactor to the run's ledger, making the ledger if this is the run's first process. */
export function shareSecrets(redactor: Redactor, env: NodeJS.ProcessEnv = process.env): void {
  let file = env[LEDGER_ENV];
  if (!file || !fs.existsSync(file)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardpluspay-secrets-'));
    fs.chmodSync(dir, 0o700);
    file = path.join(dir, 'ledger');
    fs.writeFileSync(file, '', { mode: 0o600 });
    env[LEDGER_ENV] = file;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const ledger = file;
  let read = 0;
  let learning = false;
  redactor.onAdd = (secret) => {
    if (learning) return;
    try {
      fs.appendFileSync(ledger, `${Buffer.from(secret, 'utf8').toString('base64')}\n`);
    } catch {
      // The run's first process has exited and taken the ledger: nobody is left to tell.
    }
  };
  redactor.beforeUse = () => {
    let size: number;
    try {
      size = fs.statSync(ledger).size;
    } catch {
      return;
    }
    if (size <= read) return;
    const fd = fs.openSync(ledger, 'r');
    try {
      const chunk = Buffer.alloc(size - read);
      fs.readSync(fd, chunk, 0, chunk.length, read);
      const text = chunk.toString('utf8');
      // Only whole lines: a line still being appended is read next time.
      const end = text.lastIndexOf('\n') + 1;
      read += Buffer.byteLength(text.slice(0, end));
      learning = true;
      for (const line of text.slice(0, end).split('\n')) if (line) redactor.add(Buffer.from(line, 'base64').toString('utf8'));
    } finally {
      learning = false;
      fs.closeSync(fd);
    }
  };
}
