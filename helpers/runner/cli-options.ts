/**
 * Which of Playwright's command-line options a conformance run takes (issue 17, item 5, and its
 * hostile review): an allowlist, since each option Playwright has can override the config that
 * holds the guarantees. `--reporter` replaced the redacting and finishing reporters (a key reached a
 * blob report, the exit status and the reports were lost); `--retries` turned a failed must check
 * into a "flaky" pass; `--trace on` wrote request headers and the target's echoes into trace.zip;
 * `--timeout`, `--global-timeout` and `--workers` went around the settings that bound a run.
 * Selecting tests, adding a reporter, and the like keep every guarantee and are allowed.
 */

/** Options that select or present a run without weakening it: name, and whether it takes a value. */
const ALLOWED: ReadonlyMap<string, 'value' | 'flag' | 'optional' | 'list'> = new Map([
  ['-g', 'value'],
  ['--grep', 'value'],
  ['-G', 'value'],
  ['--grep-invert', 'value'],
  ['--project', 'list'],
  ['--shard', 'value'],
  ['--list', 'flag'],
  ['--last-failed', 'flag'],
  ['--last-failed-file', 'value'],
  ['--only-changed', 'optional'],
  ['--test-list', 'value'],
  ['--test-list-invert', 'value'],
  ['--pass-with-no-tests', 'flag'],
  ['-x', 'flag'],
  ['--max-failures', 'value'],
  ['--fail-on-flaky-tests', 'flag'],
  ['--forbid-only', 'flag'],
  ['--quiet', 'flag'],
  ['--output', 'value'],
  ['--add-reporter', 'value'],
  ['-c', 'value'],
  ['--config', 'value'],
  ['--tsconfig', 'value'],
  ['--repeat-each', 'value'],
  ['--no-deps', 'flag'],
  ['--shuffle', 'optional'],
  ['--fully-parallel', 'flag'],
  ['--ignore-snapshots', 'flag'],
  ['-h', 'flag'],
  ['--help', 'flag'],
  // Only `--trace off` (the config's own choice); any other mode is refused below.
  ['--trace', 'value'],
]);

/** Why a refused option is refused, and what to use instead. */
const REFUSED: ReadonlyMap<string, string> = new Map([
  [
    '--reporter',
    "replaces the suite's reporters, which redact every report, write them as one set and give the exit status; add one with --add-reporter instead",
  ],
  ['--retries', 'would count a check that failed and then passed as a pass; a flaky conformance check is a finding, not noise'],
  ['--timeout', 'goes around CARDPLUSPAY_TEST_TIMEOUT_SECONDS, inside which the rate-limit budget is fitted; set that instead'],
  ['--global-timeout', 'goes around CARDPLUSPAY_TIMEOUT_SECONDS, the run limit the reports are written within; set that instead'],
  ['-j', 'goes around CARDPLUSPAY_WORKERS, which bounds the load on the target; set that instead'],
  ['--workers', 'goes around CARDPLUSPAY_WORKERS, which bounds the load on the target; set that instead'],
  ['--ui', 'runs the suite without its reporters, time limits and exit status'],
  ['--ui-host', 'runs the suite without its reporters, time limits and exit status'],
  ['--ui-port', 'runs the suite without its reporters, time limits and exit status'],
  ['--debug', 'switches the time limits off and runs one worker at a time without its limits'],
]);

/** The problems with the options of a `playwright test` command line (argv after the node binary and script). */
export function optionProblems(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const refuse = (what: string, why: string): void => {
    problems.push(`Cannot start: ${what} ${why}. Run \`npm run conformance\` (or \`npx playwright test\`) without it.`);
  };
  if (env.PWDEBUG) refuse('PWDEBUG', REFUSED.get('--debug')!);
  const command = argv[0];
  if (command !== undefined && !command.startsWith('-') && command !== 'test') {
    refuse(`\`playwright ${command}\` (an IDE's test server or another command)`, 'runs the suite without its reporters, time limits and exit status');
    return problems;
  }
  const args = command === 'test' ? argv.slice(1) : argv;
  // A listing sends nothing and writes no report: it may print in any format (`--list --reporter=json`).
  const listing = args.includes('--list');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) continue;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const kind = listing && name === '--reporter' ? 'value' : ALLOWED.get(name);
    if (!kind) {
      refuse(
        name,
        REFUSED.get(name) ??
          "is not an option a conformance run takes (docs/interface.md lists the ones it does), so it could weaken what the suite's config guarantees",
      );
      continue;
    }
    if (inline !== undefined || kind === 'flag') {
      if (name === '--trace' && inline !== 'off')
        refuse(`--trace ${inline ?? ''}`.trim(), 'writes request headers and what the target echoed into trace.zip, past the redactor');
      continue;
    }
    if (kind === 'value') {
      const value = args[++i];
      if (name === '--trace' && value !== 'off')
        refuse(`--trace ${value ?? ''}`.trim(), 'writes request headers and what the target echoed into trace.zip, past the redactor');
    } else if (kind === 'list') {
      while (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
    } else if (kind === 'optional' && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
  }
  return problems;
}
