/**
 * Runs `playwright test` as a child process with a chosen environment, passing its output through
 * the redactor line by line (the last net under every other redaction layer).
 */
import { spawn } from 'node:child_process';
import type { Redactor } from '../redact';

export interface PlaywrightRun {
  code: number;
  /** Everything the child printed, as it printed it (before redaction), for the leak scan. */
  rawOutput: string;
}

export function runPlaywright(configFile: string, args: readonly string[], env: NodeJS.ProcessEnv, redactor: Redactor, echo = true): Promise<PlaywrightRun> {
  return new Promise((resolve, reject) => {
    const cli = require.resolve('@playwright/test/cli');
    const child = spawn(process.execPath, [cli, 'test', '-c', configFile, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let raw = '';
    const pipe = (from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void => {
      let pending = '';
      from.setEncoding('utf8');
      from.on('data', (chunk: string) => {
        raw += chunk;
        pending += chunk;
        const cut = pending.lastIndexOf('\n');
        if (cut >= 0) {
          if (echo) to.write(redactor.redact(pending.slice(0, cut + 1)));
          pending = pending.slice(cut + 1);
        }
      });
      from.on('end', () => {
        if (echo && pending) to.write(redactor.redact(pending));
      });
    };
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), rawOutput: raw });
    });
  });
}
