/** A guarded client for unit tests: an egress to `baseUrl` with the documented allowlist, and the client over it. */
import fs from 'node:fs';
import { ApiClient, type ClientOptions } from '../../helpers/client/client';
import { Egress, type EgressOptions } from '../../helpers/client/egress';
import type { Flow } from '../../helpers/client/flow/flow';

/**
 * No flow control: the politeness tests run on a fake clock, which the run's shared pause (on the
 * real one) would not follow; the pause itself is tested in pacer.spec.ts.
 */
const UNPACED: Flow = { acquire: () => Promise.resolve({ id: 0, epoch: 0 }), release: () => {} };

export function testClient(
  baseUrl: string,
  configuredKeys: readonly string[] = [],
  options: ClientOptions & Partial<EgressOptions> = {},
): ApiClient & { wire: Egress } {
  const egress = new Egress({
    baseUrl,
    configuredKeys,
    keyedAllowlist: { challenge: { method: 'POST', path: 'auth/challenge' } },
    // The unit tests' local servers use the certificate tests/configs/unit-tls.ts names there.
    flow: UNPACED,
    caPem: process.env.NODE_EXTRA_CA_CERTS ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : undefined,
    ...options,
  });
  return Object.assign(new ApiClient(egress, baseUrl, options), { wire: egress });
}
