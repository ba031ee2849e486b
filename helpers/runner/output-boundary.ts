/**
 * The output boundary of a process (SAFE-01): once armed, everything this process writes to its
 * standard output and error passes the redactor, with the configured secrets registered before the
 * first byte, whoever writes it (a reporter, a test's console.log, Playwright's own error printer,
 * an uncaught exception). Every process of a run arms it first thing: the launcher, Playwright's
 * runner process and each worker (the config is the first code either loads), the merge. Files are
 * written by reporters, which the redacting reporter and the output backstop cover.
 */
import { secretsFromEnv } from '../settings/secrets';
import { redactor } from '../safety/redact';
import { shareSecrets } from '../safety/shared-secrets';

let armed = false;

function redacting(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string') return original(redactor.redact(chunk), ...rest);
    if (chunk instanceof Uint8Array) return original(redactor.redactBytes(Buffer.from(chunk)), ...rest);
    return original(chunk, ...rest);
  };
  stream.write = write;
}

/**
 * Registers the secrets the environment names (keys, private keys) and routes this process's
 * stdout and stderr through the redactor. Later secrets (an embedded mock's keys, signatures made
 * at run time) are added to the same redactor as they appear. Arming twice is a no-op.
 */
export function armOutputBoundary(env: NodeJS.ProcessEnv = process.env): void {
  if (!armed) shareSecrets(redactor, env);
  for (const secret of secretsFromEnv(env)) redactor.add(secret);
  if (armed) return;
  armed = true;
  redacting(process.stdout);
  redacting(process.stderr);
  // Node prints an uncaught error straight to the file descriptor, past process.stderr.write: when
  // nothing else handles it (Playwright does in its processes), print it redacted and crash as Node would.
  process.on('uncaughtException', (error) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
