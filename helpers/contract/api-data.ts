/**
 * What in a body is the API's own data: the envelope, or a field of the documented success data.
 * A body holding either was served by the API: over plain HTTP (TLS-02), or past the auth check to
 * a request spelt another way (AUTH-14).
 */

/** Field names of the documented success data. */
const API_DATA_FIELDS = [
  'balance',
  'currency',
  'order_id',
  'order_no',
  'codes',
  'orders',
  'products',
  'pagination',
  'challenge',
  'expires_in',
  'price',
  'item_code',
];

/** Why the body counts as API data, or undefined when it does not: the envelope, or a documented data field. */
export function apiDataIn(text: string, options: { envelopeCounts: boolean }): string | undefined {
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (options.envelopeCounts && json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    if (typeof o.success === 'boolean' && ('message' in o || 'data' in o)) {
      return `the JSON envelope (success=${String(o.success)}${typeof o.message === 'string' ? `, message "${o.message.slice(0, 60)}"` : ''})`;
    }
  }
  const field = API_DATA_FIELDS.find((f) => new RegExp(`"${f}"\\s*:`).test(text));
  return field ? `the API data field "${field}"` : undefined;
}
