/** What `npm run mock -- --check-client` prints after the mock's own lines: where to point a client, and how to get the verdict. */
import type { CheckSetup } from './rules';
import { CLIENT_OUTPUTS } from './write';

export function checkerBanner(setup: CheckSetup, controlUrl: string, traps: { impostorUrl?: string; trapUrl?: string }): string[] {
  return [
    'Client check: every request is watched. Point your client at the HTTPS base URL above, trusting the CA file, with one of the keys.',
    ...(traps.impostorUrl ? [`  impostor URL     ${traps.impostorUrl} (a certificate the CA does not vouch for: your client must refuse it; CLIENT-05)`] : []),
    ...(traps.trapUrl ? [`  redirect trap    ${traps.trapUrl} (every answer a 307 elsewhere: never follow it with the key; CLIENT-06)`] : []),
    ...(setup.rateLimit !== undefined ? [`  rate limit       ${setup.rateLimit} requests a second, then 429 with Retry-After (CLIENT-08)`] : []),
    `  verdict          Ctrl-C, or: curl -X POST ${controlUrl}client-verdict (add ?stop=1 to stop the checker too)`,
    `  reports          ${Object.values(CLIENT_OUTPUTS).join(', ')} (in the reports folder; npm run report shows them)`,
    'Stopping writes the verdict, removes the temp dir and exits 0 (conforms), 1 (does not conform) or 3 (could not judge).',
  ];
}
