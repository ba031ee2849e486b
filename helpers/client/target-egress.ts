/** The egress for one configured target, from its settings: what the fixtures and the preflight share. */
import fs from 'node:fs';
import { secretsOf } from '../settings/secrets';
import type { Settings } from '../settings/settings';
import { Egress } from './egress';
import { flowFor } from './flow/flow';
import type { RequestCap } from './request-ledger';

export function egressFor(settings: Settings, requestCap?: RequestCap): Egress {
  return new Egress({
    baseUrl: settings.baseUrl,
    configuredKeys: secretsOf(settings),
    keyedAllowlist: { challenge: settings.challenge },
    caPem: settings.caFile ? fs.readFileSync(settings.caFile, 'utf8') : undefined,
    requestCap,
    runDeadline: settings.runDeadline,
    flow: flowFor(new URL(settings.baseUrl).origin, settings.flowSocket, settings.concurrency, settings.workers),
  });
}
