/**
 * AUTH-15's family: which of one account's orders are asked for with the other account's key
 * (issue 18). Each account's GET orders is read page by page, following the `pagination` the
 * target reports, up to PAGE_LIMIT pages; the core asks for the first and the last order of each
 * list and the first order of each page (where a page-by-page bug, an archive of older orders or
 * an offset query that lost its account filter shows), and drawn members ask for orders at other
 * positions of the list, chosen with the run's seed. What each answer must be is the docs': "404
 * if unknown or another account's", so the same status, envelope and message as an id that exists
 * nowhere, and none of the order's data.
 */
import fc from 'fast-check';
import type { Family, Member } from './family';

/** The most pages of one account's list a run reads: a long history costs requests, not coverage of the rule. */
export const PAGE_LIMIT = 10;

/** The two accounts: the first (CARDPLUSPAY_API_KEY) and the second (CARDPLUSPAY_SECOND_API_KEY). */
export type Owner = 0 | 1;

/** How titles name each account. */
export const ACCOUNT_NAMES: Readonly<Record<Owner, string>> = { 0: 'the first account', 1: 'the second account' };

/** One order as a list showed it: its id, its record, and where it stood. */
export interface ListedOrder {
  id: string;
  record: Record<string, unknown>;
  /** The page it was listed on, from 1. */
  page: number;
  /** Its place on that page, from 0. */
  onPage: number;
}

/** A position in one account's list: the orders at it are asked for with the other account's key. */
export interface OrderPick extends Member {
  owner: Owner;
  /** The orders at this position of the owner's list, read page by page (none when the list is empty). */
  pick: (orders: readonly ListedOrder[]) => ListedOrder[];
}

const first: OrderPick['pick'] = (orders) => orders.slice(0, 1);
const last: OrderPick['pick'] = (orders) => orders.slice(-1);
const firstOfEachPage: OrderPick['pick'] = (orders) => orders.filter((o) => o.onPage === 0);

function corePicks(owner: Owner): OrderPick[] {
  const of = ACCOUNT_NAMES[owner];
  const id = owner === 0 ? 'first-account' : 'second-account';
  return [
    {
      id: `${id}-first`,
      owner,
      title: `the first order of ${of}'s list`,
      why: 'the newest order: the one a check that reads one page and asks for one id would ask for',
      pick: first,
    },
    {
      id: `${id}-first-of-each-page`,
      owner,
      title: `the first order of each page of ${of}'s list`,
      why: "an ownership check done for the first page only (a cached page, a recent-orders table) leaves later pages' orders open; one order a page finds it at the cost of one request a page",
      pick: firstOfEachPage,
    },
    {
      id: `${id}-last`,
      owner,
      title: `the last order of ${of}'s list`,
      why: 'the oldest order: archives and migrated tables are where an owner check goes missing',
      pick: last,
    },
  ];
}

/** The order at `pct` percent of the owner's list (a drawn member). */
function atPercent(owner: Owner, pct: number): OrderPick {
  const of = ACCOUNT_NAMES[owner];
  return {
    id: `${owner === 0 ? 'first-account' : 'second-account'}-at-${pct}`,
    owner,
    title: `the order at ${pct}% of ${of}'s list`,
    why: 'an owner check that holds for the orders the core asks for may still miss one in between (a range of ids, a batch imported apart)',
    pick: (orders) => (orders.length === 0 ? [] : [orders[Math.min(orders.length - 1, Math.floor((pct / 100) * orders.length))]!]),
  };
}

export const OTHER_ACCOUNTS_ORDERS: Family<OrderPick> = {
  id: 'auth-15-other-accounts-orders',
  core: [...corePicks(0), ...corePicks(1)],
  arbitrary: fc.tuple(fc.constantFrom<Owner>(0, 1), fc.integer({ min: 1, max: 99 })).map(([owner, pct]) => atPercent(owner, pct)),
  // The list pages and an unknown id's answer come first: one drawn order costs those plus one request.
  sampled: 1,
  requestsPerMember: 1,
};

/** The pagination a list answer reports (`data.pagination`), when it reports one in the documented shape. */
export function paginationOf(json: unknown): { currentPage: number; lastPage: number } | undefined {
  const p = (json as { data?: { pagination?: { current_page?: unknown; last_page?: unknown } } } | undefined)?.data?.pagination;
  const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  return p && whole(p.current_page) && whole(p.last_page) ? { currentPage: p.current_page, lastPage: p.last_page } : undefined;
}

/**
 * The orders the picks ask for, each once, in list order, with the members that picked it: an
 * order two members pick (the first of the list is the first of page 1) costs one request.
 */
export function picked(picks: readonly OrderPick[], orders: readonly ListedOrder[]): Array<{ order: ListedOrder; by: OrderPick[] }> {
  const byId = new Map<string, { order: ListedOrder; by: OrderPick[] }>();
  for (const p of picks) {
    for (const order of p.pick(orders)) {
      const entry = byId.get(order.id) ?? { order, by: [] };
      if (!entry.by.includes(p)) entry.by.push(p);
      byId.set(order.id, entry);
    }
  }
  const position = (o: ListedOrder): number => orders.indexOf(o);
  return [...byId.values()].sort((a, b) => position(a.order) - position(b.order));
}
