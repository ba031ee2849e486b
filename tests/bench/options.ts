/** The options of `npm run bench` (run-bench.ts): which sections run, how often, how long. */

const SECTIONS = ['conformance', 'throughput', 'crypto', 'npm-test', 'remote-latency', 'remote-rate', 'breakdown'] as const;
type Section = (typeof SECTIONS)[number];

export interface Options {
  repeat: number;
  quick: boolean;
  stability: number;
  only: Set<Section>;
  loadSeconds: number;
  cryptoMs: number;
  /** The latency the remote-latency section's front adds to every request. */
  latencyMs: number;
}

export function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const positive = (flag: string, fallback: number): number => {
    const raw = value(flag);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number of at least 1, got "${raw}".`);
    return n;
  };
  const known = new Set(['--repeat', '--quick', '--stability', '--only', '--latency-ms']);
  for (const arg of argv)
    if (arg.startsWith('--') && !known.has(arg))
      throw new Error(`Unknown option ${arg}. Options: --repeat N, --quick, --stability N, --latency-ms N, --only ${SECTIONS.join(',')}.`);
  const quick = argv.includes('--quick');
  const onlyRaw = value('--only');
  const only = new Set<Section>();
  for (const name of onlyRaw ? onlyRaw.split(',') : SECTIONS) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only takes ${SECTIONS.join(', ')}; got "${name}".`);
    only.add(name as Section);
  }
  return {
    repeat: positive('--repeat', quick ? 1 : 3),
    quick,
    stability: argv.includes('--stability') ? positive('--stability', 20) : 0,
    only,
    loadSeconds: quick ? 2 : 5,
    cryptoMs: quick ? 300 : 1000,
    latencyMs: positive('--latency-ms', 250),
  };
}
