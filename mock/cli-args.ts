/**
 * The mock's command line (mock/cli.ts): its options, the usage text, and the parse that refuses
 * what it does not know with a usage error (the CLI prints it with the usage and exits 2). A module
 * of its own so the unit tests read every refusal without starting a process for each.
 */
import { CHECK_USAGE, checkFlagsRefused, noCheckFlags, readCheckFlag, type CheckFlags } from './client-check/cli-options';
import { FAULT_NAMES, isFaultName, type FaultName } from './faults';
import { HTTP_MODES, isHttpMode, type HttpMode } from './plain-http';

export interface CliOptions {
  fault?: FaultName;
  httpMode?: HttpMode;
  ttl?: number;
  listFaults: boolean;
  check: CheckFlags;
}

export const USAGE = `Usage: npx tsx mock/cli.ts [--fault NAME] [--http-mode refuse|redirect|403|426] [--ttl SECONDS] | --list-faults\n       ${CHECK_USAGE}`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { listFaults: false, check: noCheckFlags() };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[(i += 1)];
      if (v === undefined) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case '--fault': {
        const name = value();
        if (!isFaultName(name)) throw new UsageError(`Unknown fault "${name}". Known faults:\n  ${FAULT_NAMES.join('\n  ')}`);
        options.fault = name;
        break;
      }
      case '--http-mode': {
        const mode = value();
        if (!isHttpMode(mode)) throw new UsageError(`Unknown --http-mode "${mode}". Use one of: ${HTTP_MODES.join(', ')}.`);
        options.httpMode = mode;
        break;
      }
      case '--ttl': {
        const ttl = Number(value());
        if (!(ttl > 0)) throw new UsageError('--ttl must be a number of seconds greater than 0.');
        options.ttl = ttl;
        break;
      }
      case '--list-faults':
        options.listFaults = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default: {
        const read = readCheckFlag(flag, value, options.check);
        if (read === false) throw new UsageError(`Unknown argument "${arg}".`);
        if (typeof read === 'string') throw new UsageError(read);
      }
    }
  }
  const refused = checkFlagsRefused(options.check, options);
  if (refused) throw new UsageError(refused);
  return options;
}
