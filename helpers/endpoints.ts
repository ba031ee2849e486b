/**
 * The documented endpoints as data (AUTH-12): method, path relative to the base, and for POSTs a
 * body that cannot be fulfilled, so that even a broken server that skipped auth would sell nothing.
 */
import type { Call, Method } from './client/client';
import type { Settings } from './settings';

export interface Endpoint {
  id: string;
  title: string;
  /** Spends balance or changes the account: only ever sent without a configured key. */
  spends: boolean;
  call: (settings: Settings) => Omit<Call, 'headers'>;
}

/** An item code no catalogue holds: an order or stock check for it cannot be fulfilled. */
export const NO_SUCH_ITEM = 'CONFORMANCE-NO-SUCH-ITEM-0000';
/** An order id no account holds. */
export const NO_SUCH_ORDER = '999999999';

export const ENDPOINTS: readonly Endpoint[] = [
  { id: 'balance', title: 'GET balance', spends: false, call: () => ({ method: 'GET', path: 'balance' }) },
  { id: 'catalog', title: 'GET catalog', spends: false, call: () => ({ method: 'GET', path: 'catalog' }) },
  { id: 'orders', title: 'GET orders', spends: false, call: () => ({ method: 'GET', path: 'orders' }) },
  { id: 'order', title: 'GET orders/{id}', spends: false, call: () => ({ method: 'GET', path: `orders/${NO_SUCH_ORDER}` }) },
  { id: 'stock-check', title: 'POST orders/check', spends: false, call: () => ({ method: 'POST', path: 'orders/check', json: { item_id: NO_SUCH_ITEM, quantity: 1 } }) },
  { id: 'create-order', title: 'POST orders', spends: true, call: () => ({ method: 'POST', path: 'orders', json: { item_code: NO_SUCH_ITEM, quantity: 1 } }) },
  {
    id: 'challenge',
    title: 'the challenge endpoint',
    spends: false,
    call: (s) => ({ method: s.challenge.method as Method, path: s.challenge.path }),
  },
];

/** `GET /`, checked only when configured as protected: the docs do not say whether it is public. */
export const ROOT_ENDPOINT: Endpoint = { id: 'root', title: 'GET / (API info)', spends: false, call: () => ({ method: 'GET', path: '' }) };

/** First value of a field named like an id anywhere in a list response: discovery for AUTH-01. */
export function discover(json: unknown, names: readonly string[]): string | undefined {
  return records(json, names)[0]?.id;
}

/**
 * Every object in a response's data holding a field named like an id, with that id, in document
 * order: AUTH-15 needs each account's whole list and the fields of the order it probes with.
 */
export function records(json: unknown, names: readonly string[]): Array<{ id: string; record: Record<string, unknown> }> {
  const seen = new Set<unknown>();
  const found: Array<{ id: string; record: Record<string, unknown> }> = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (!Array.isArray(v)) {
      const record = v as Record<string, unknown>;
      const id = names.map((n) => record[n]).find((f) => typeof f === 'string' || typeof f === 'number');
      if (id !== undefined) found.push({ id: String(id), record });
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child);
  };
  walk((json as { data?: unknown } | undefined)?.data);
  return found;
}
