/** A guarded client for unit tests: an egress to `baseUrl` with the documented allowlist, and the client over it. */
import fs from 'node:fs';
import { ApiClient, type ClientOptions } from '../../helpers/client/client';
import { Egress, type EgressOptions } from '../../helpers/client/egress';

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
    caPem: process.env.NODE_EXTRA_CA_CERTS ? fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : undefined,
    ...options,
  });
  return Object.assign(new ApiClient(egress, baseUrl, options), { wire: egress });
}
