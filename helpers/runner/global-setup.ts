/**
 * Playwright's global setup for a conformance run, in the runner process before any worker: starts
 * the embedded mock when no target is configured, opens the run's request ledger (SAFE-05, shared
 * by every worker) and the run's flow control (requests in flight, the pause after a 429), and preflights the target through the one egress. What it learns reaches the
 * workers as internal settings; it never throws for a target's doing, so the reporters always end
 * the run with a verdict. Returns the teardown that closes them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PacerHub } from '../client/flow/flow';
import { serveFlow } from '../client/flow/flow-server';
import { RequestLedger } from '../client/request-ledger';
import { egressFor } from '../client/target-egress';
import { redactor } from '../safety/redact';
import { loadSettings } from '../settings/settings';
import { flowSocketEnv, preflightEnv, remoteTargetEnv, requestLedgerEnv } from '../settings/internal';
import { runFacts } from '../settings/run-facts';
import { startEmbeddedMocks, type EmbeddedMocks } from './embedded-mock';
import { cannotReachLine, preflight } from './preflight';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const env = process.env;
  let mocks: EmbeddedMocks | undefined;
  if (!runFacts(env).baseUrl) {
    mocks = await startEmbeddedMocks([{ name: 'mock' }], runFacts().challengeTtlSeconds);
    for (const secret of mocks.secrets) redactor.add(secret);
    Object.assign(env, mocks.sharedEnv, mocks.targetEnv.mock);
    process.stdout.write(`No CARDPLUSPAY_BASE_URL: checking the embedded mock at ${runFacts(env).baseUrl} (fresh keys and certificate for this run).\n`);
  } else {
    Object.assign(env, remoteTargetEnv());
  }
  // One ledger per run: every worker counts its requests in it, so the cap holds across processes.
  const ledgerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardpluspay-requests-'));
  Object.assign(env, requestLedgerEnv(path.join(ledgerDir, 'requests')));
  // One flow control per run, in this process: every worker asks it before it sends (issue 20).
  const flow = await serveFlow(new PacerHub(loadSettings(env).concurrency), ledgerDir);
  Object.assign(env, flowSocketEnv(flow.socketPath));
  const settings = loadSettings(env);
  if (settings.seed !== undefined)
    process.stdout.write(`Seed: ${settings.seed} (CARDPLUSPAY_SEED=${settings.seed} replays this run's sample of the families).\n`);
  if (settings.target === 'remote') process.stdout.write(`Checking ${new URL(settings.baseUrl).host} (remote target) with ${settings.workers} worker(s).\n`);
  // The preflight is a request to the target like any other: it counts against the run's cap.
  const ledger = settings.requestLedger ? new RequestLedger(settings.requestLedger, settings.maxRequests) : undefined;
  const egress = egressFor(settings, ledger);
  try {
    const reached = await preflight(egress, settings.baseUrl);
    Object.assign(env, preflightEnv(reached));
    if (reached.outcome === 'unreachable') process.stderr.write(`${cannotReachLine(settings.baseUrl, reached.reason)}\n`);
    if (reached.outcome === 'certificate')
      process.stderr.write(
        `The certificate of ${new URL(settings.baseUrl).host} does not verify (${reached.reason}): TLS-01 fails. No key is sent; nothing else is checked.\n`,
      );
  } finally {
    egress.dispose();
    ledger?.close();
  }
  return async () => {
    await flow.close();
    await mocks?.close();
    fs.rmSync(ledgerDir, { recursive: true, force: true });
  };
}
