/** What the target is expected to do where the standards leave a choice (each a [decision] of docs/cardpluspay-api.md). */
import type { Refuse } from './parse';

export const HTTP_OUTCOMES = [
  'refused',
  'redirect-https',
  'redirect-elsewhere',
  'rejected',
  'auth-answered',
  'served',
  'other',
] as const;
export type HttpOutcome = (typeof HTTP_OUTCOMES)[number];

export const HEADER_NAME_CASE = ['insensitive', 'sensitive', 'either'] as const;
export const PADDED_KEY = ['same-as-unpadded', 'same-or-401'] as const;
export const DUPLICATE_FIELDS = ['401-or-400', '401'] as const;

const DEFAULT_HTTP_ACCEPT: readonly HttpOutcome[] = ['refused', 'redirect-https', 'rejected'];

export function httpAcceptSetting(raw: string | undefined, refuse: Refuse): ReadonlySet<HttpOutcome> {
  if (raw === undefined || raw.trim() === '') return new Set(DEFAULT_HTTP_ACCEPT);
  const values = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = values.filter((v) => !(HTTP_OUTCOMES as readonly string[]).includes(v));
  if (unknown.length > 0) {
    refuse('CARDPLUSPAY_HTTP_ACCEPT', `has unknown outcome(s) ${unknown.map((u) => `"${u}"`).join(', ')}`, `Use a comma-separated list of: ${HTTP_OUTCOMES.join(', ')}.`);
  }
  const forbidden = values.filter((v) => v === 'served' || v === 'auth-answered' || v === 'redirect-elsewhere');
  if (forbidden.length > 0) {
    refuse('CARDPLUSPAY_HTTP_ACCEPT', `accepts ${forbidden.join(', ')}`, 'Those outcomes put API traffic or a key in clear text; TLS-02 never accepts them.');
  }
  return new Set(values as HttpOutcome[]);
}
