/**
 * Runs one mock standalone:
 *   npx tsx mock/cli.ts [--fault NAME] [--http-mode refuse|redirect|403|426] [--ttl SECONDS]
 *   npx tsx mock/cli.ts --check-client [--impostor] [--redirect-trap] [--rate-limit N] [--reports-dir DIR] [--ttl SECONDS]
 *   npx tsx mock/cli.ts --list-faults
 * Prints the URLs, the throwaway test keys (printing them is the point: they exist only for this
 * run) and ready-to-paste settings. Secret files go to a private temp dir removed on exit. With
 * --check-client it watches a client and gives its verdict when stopped (mock/client-check/).
 */
import { createMockMaterial, type MockMaterial } from './accounts';
import { checkerBanner } from './client-check/banner';
import { ClientChecker } from './client-check/checker';
import { checkerOptions } from './client-check/cli-options';
import { parseArgs, UsageError, USAGE, type CliOptions } from './cli-args';
import { FAULT_NAMES, FAULTS } from './faults';
import { makePrivateDir, type PrivateDir } from './private-dir';
import { MOCK_TTL_SECONDS, startMock, type MockHandle } from './server';

function listFaults(): void {
  const width = Math.max(...FAULT_NAMES.map((n) => n.length));
  const lines = FAULT_NAMES.map((name) => {
    const fault: { breaks: readonly string[]; expect?: string; summary: string } = FAULTS[name];
    // A behaviour that breaks nothing names the verdict an honest suite reaches against it instead.
    const what = fault.breaks.length > 0 ? fault.breaks.join(', ') : `expect ${fault.expect ?? 'conforms'}`;
    return `${name.padEnd(width)}  ${what}\n${' '.repeat(width)}  ${fault.summary}`;
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.listFaults) return listFaults();

  const material = await createMockMaterial();
  const checker = options.check.checkClient ? new ClientChecker(material, await checkerOptions(options.check)) : undefined;
  const ttl = options.ttl ?? MOCK_TTL_SECONDS;
  const mock = await startMock({ material, fault: options.fault, httpMode: options.httpMode, challengeTtlSeconds: ttl, watcher: checker?.watcher });
  const traps = await checker?.listen(mock.baseUrl);
  const dir = makePrivateDir('cardpluspay-mock-');

  // Before the banner: whoever reads it may press Ctrl-C at once, and a signal with no listener yet kills the process unjudged.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // A client that just refused the impostor may still be closing that connection (bounded wait).
    void (checker ? checker.settled().then(() => finalVerdict(checker)) : Promise.resolve(0)).then((status) =>
      Promise.all([checker?.close(), mock.close()]).finally(() => {
        dir.remove();
        process.exit(status);
      }),
    );
  };
  checker?.onStopRequested(stop);
  checker?.onJudged((judged) => process.stdout.write(`${judged.lines.join('\n')}\n`));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const tail = checker && traps ? checkerBanner(checker.setup, mock.controlUrl, traps) : ['Ctrl-C stops the mock and removes the temp dir.'];
  console.log(`${banner(mock, material, dir)}\n${tail.join('\n')}`);
}

/** Writes and prints the client's verdict; its exit status (0, 1, 3), or 1 when it could not be written. */
function finalVerdict(checker: ClientChecker): number {
  try {
    const judged = checker.judge();
    process.stdout.write(`${judged.lines.join('\n')}\n`);
    return judged.summary.exitStatus;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

/** What the mock prints once it runs: where it is, its keys, and the suite's settings for it (the files they name written to `dir`). */
function banner(mock: MockHandle, material: MockMaterial, dir: PrivateDir): string {
  const { accounts } = material;
  const caFile = dir.write('mock-ca.pem', material.tls.certPem);
  const signingKeyFile = dir.write('signing.pem', accounts.signing.signing!.privateKeyPem);
  const secondSigningKeyFile = dir.write('signing2.pem', accounts.signing2.signing!.privateKeyPem);

  const settings: Array<[string, string]> = [
    ['CARDPLUSPAY_BASE_URL', mock.baseUrl],
    ['CARDPLUSPAY_API_KEY', accounts.active.key],
    ['CARDPLUSPAY_INACTIVE_API_KEY', accounts.inactive.key],
    ['CARDPLUSPAY_SECOND_API_KEY', accounts.second.key],
    ['CARDPLUSPAY_SIGNING_API_KEY', accounts.signing.key],
    ['CARDPLUSPAY_SIGNING_PRIVATE_KEY_FILE', signingKeyFile],
    ['CARDPLUSPAY_SECOND_SIGNING_API_KEY', accounts.signing2.key],
    ['CARDPLUSPAY_SECOND_SIGNING_PRIVATE_KEY_FILE', secondSigningKeyFile],
    ['CARDPLUSPAY_CA_FILE', caFile],
    ['CARDPLUSPAY_HTTP_URL', mock.httpUrl],
    ['CARDPLUSPAY_CHALLENGE_TTL_SECONDS', String(mock.challengeTtlSeconds)],
  ];
  return [
    'CardPlusPay mock is running (throwaway keys, valid for this run only).',
    `  HTTPS base URL   ${mock.baseUrl}`,
    `  plain-HTTP URL   ${mock.httpUrl} (mode: ${mock.httpMode})`,
    `  control URL      ${mock.controlUrl} (journal?since=N, health)`,
    `  CA file          ${caFile}`,
    `  fault            ${mock.fault ? `${mock.fault}: ${FAULTS[mock.fault].summary} (breaks ${FAULTS[mock.fault].breaks.join(', ')})` : 'none (conformant)'}`,
    `  challenge TTL    ${mock.challengeTtlSeconds} s`,
    '  keys:',
    ...Object.values(accounts).map((a) => `    ${a.name.padEnd(9)} ${a.key}${a.active ? '' : ' (revoked)'}${a.signing ? ' (signing)' : ''}`),
    '',
    'Settings for the suite:',
    ...settings.map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    '',
  ].join('\n');
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

main().catch((error: unknown) => {
  console.error(`Cannot start the mock: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
