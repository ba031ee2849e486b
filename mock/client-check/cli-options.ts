/**
 * The client checker's part of the mock's command line (mock/cli.ts): its flags, what they may not
 * be combined with, and the checker's options they make.
 */
import path from 'node:path';
import type { ClientCheckOptions } from './checker';
import { impostorTls } from './traps';

/** What `--check-client` and the flags that go with it asked for. */
export interface CheckFlags {
  checkClient: boolean;
  impostor: boolean;
  redirectTrap: boolean;
  rateLimit?: number;
  reportsDir?: string;
}

export const CHECK_USAGE = 'npx tsx mock/cli.ts --check-client [--impostor] [--redirect-trap] [--rate-limit N] [--reports-dir DIR] [--ttl SECONDS]';

/** Where the checker writes its verdict unless told: the repository's reports/. */
const REPORTS_DIR = path.resolve(__dirname, '..', '..', 'reports');

export const noCheckFlags = (): CheckFlags => ({ checkClient: false, impostor: false, redirectTrap: false });

/**
 * Reads one of the checker's flags into `flags`; false when `flag` is not one of them. `value`
 * takes the flag's value; a refusal is the message of a usage error.
 */
export function readCheckFlag(flag: string, value: () => string, flags: CheckFlags): boolean | string {
  switch (flag) {
    case '--check-client':
      flags.checkClient = true;
      return true;
    case '--impostor':
      flags.impostor = true;
      return true;
    case '--redirect-trap':
      flags.redirectTrap = true;
      return true;
    case '--rate-limit': {
      const perSecond = Number(value());
      if (!(perSecond > 0)) return '--rate-limit must be a number of requests a second greater than 0.';
      flags.rateLimit = perSecond;
      return true;
    }
    case '--reports-dir':
      flags.reportsDir = path.resolve(value());
      return true;
    default:
      return false;
  }
}

/** Why these flags cannot run together, or undefined. */
export function checkFlagsRefused(flags: CheckFlags, mock: { fault?: string; httpMode?: string }): string | undefined {
  const checkOnly = [
    flags.impostor && '--impostor',
    flags.redirectTrap && '--redirect-trap',
    flags.rateLimit !== undefined && '--rate-limit',
    flags.reportsDir && '--reports-dir',
  ].filter((f): f is string => !!f);
  if (!flags.checkClient) return checkOnly.length > 0 ? `${checkOnly.join(', ')} only with --check-client.` : undefined;
  // The checker judges a client against the contract: a broken server would be judged instead.
  if (mock.fault) return '--check-client judges a client against the conformant mock: leave out --fault.';
  // A plain-HTTP listener that drops connections unread would hide a key sent in clear text (CLIENT-04).
  if (mock.httpMode === 'refuse') return '--check-client needs a plain-HTTP origin that reads requests: use --http-mode redirect, 403 or 426.';
  return undefined;
}

export async function checkerOptions(flags: CheckFlags): Promise<ClientCheckOptions> {
  return {
    redirectTrap: flags.redirectTrap,
    rateLimit: flags.rateLimit,
    reportsDir: flags.reportsDir ?? REPORTS_DIR,
    ...(flags.impostor ? { impostor: await impostorTls() } : {}),
  };
}
