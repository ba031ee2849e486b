/** How a reproduction (reproduce.ts) spells each configured secret: as the variable that holds it, never its value. */
import type { Stand } from './reproduce';
import type { Settings } from '../settings/types';

export function standsFor(settings: Settings): Stand[] {
  const stands: Array<[string | undefined, string]> = [
    [settings.apiKey, 'CARDPLUSPAY_API_KEY'],
    [settings.inactiveApiKey, 'CARDPLUSPAY_INACTIVE_API_KEY'],
    [settings.secondApiKey, 'CARDPLUSPAY_SECOND_API_KEY'],
    [settings.signing?.apiKey, 'CARDPLUSPAY_SIGNING_API_KEY'],
    [settings.secondSigning?.apiKey, 'CARDPLUSPAY_SECOND_SIGNING_API_KEY'],
  ];
  return stands.filter((s): s is [string, string] => !!s[0]).map(([value, name]) => ({ value, shell: `"$${name}"` }));
}
