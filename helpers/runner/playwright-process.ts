/**
 * Runs `playwright test` as a child process with a chosen environment, passing its output through
 * the redactor line by line (the last net under every other redaction layer).
 */
import { spawn } from 'node:child_process';
import type { Redactor } from '../safety/redact';

export interface PlaywrightRun {
  code: number;
  /** Everything the child printed, as it printed it (before redaction), for the leak scan. */
  rawOutput: string;
}

export interface RunOptions {
  /**
   * A backstop for the run's time limit: Playwright's own globalTimeout should end the run first;
   * if it has not ended by then (a worker stuck in synchronous work), it is interrupted (SIGINT,
   * so reporters still write), and killed 10 s later.
   */
  deadlineMs?: number;
}

export function runPlaywright(
  configFile: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  echo = true,
  options: RunOptions = {},
): Promise<PlaywrightRun> {
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
    const timers: NodeJS.Timeout[] = [];
    if (options.deadlineMs !== undefined) {
      timers.push(
        setTimeout(() => {
          process.stderr.write('The run passed its time limit (CARDPLUSPAY_TIMEOUT_SECONDS): stopping it.\n');
          child.kill('SIGINT');
          timers.push(setTimeout(() => child.kill('SIGKILL'), 10_000));
        }, options.deadlineMs),
      );
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve({ code: code ?? (signal ? 1 : 0), rawOutput: raw });
    });
  });
}
