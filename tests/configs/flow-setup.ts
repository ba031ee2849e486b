/**
 * The self-test's runs against embedded mocks it started (faults.config.ts, isolated.config.ts)
 * share one flow control across their workers, as `npm run conformance` does
 * (helpers/runner/global-setup.ts): the requests in flight, the pause after a 429, and the turns at
 * signing (helpers/client/flow/turns.ts). Without it each worker kept its own, and a run's signing
 * checks found out about live challenges once per worker, side by side.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PacerHub } from '../../helpers/client/flow/flow';
import { serveFlow } from '../../helpers/client/flow/flow-server';
import { DEFAULT_CONCURRENCY } from '../../helpers/settings/limits';
import { flowSocketEnv } from '../../helpers/settings/internal';

export default async function flowSetup(): Promise<() => Promise<void>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardpluspay-flow-'));
  const flow = await serveFlow(new PacerHub(Number(process.env.CARDPLUSPAY_CONCURRENCY) || DEFAULT_CONCURRENCY), dir);
  Object.assign(process.env, flowSocketEnv(flow.socketPath));
  return async () => {
    await flow.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
