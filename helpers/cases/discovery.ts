/**
 * Real ids from the target's own list answers, never guessed (AUTH-01): the cases that need an
 * existing order or item take theirs from here (the `orderId` and `itemCode` fixtures, AUTH-15's
 * two accounts). Where a list holds them is not documented for every list (GET catalog's shape is
 * not), so any object under `data` with a field of one of the given names counts.
 */

/** The fields an order's id may sit in: the docs' `order_id`, or a plain `id`. */
export const ORDER_ID_FIELDS = ['order_id', 'id'] as const;

/** The fields an item's code may sit in: `item_code`, or `item_id` as POST orders/check names it. */
export const ITEM_CODE_FIELDS = ['item_code', 'item_id'] as const;

/** First value of a field named like an id anywhere in a list response: discovery for AUTH-01 and ENV-05. */
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
