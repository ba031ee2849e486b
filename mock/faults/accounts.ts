/**
 * Faults of the line between accounts (AUTH-15): whose orders a list shows on each of its pages,
 * and what GET orders/{id} tells a key about an order of another account. The docs' rule is "404
 * if unknown or another account's": the answer for another account's order must not differ from
 * the answer for an id that exists nowhere, or it tells which ids exist.
 */
import type { Account } from '../accounts';
import { ORDERS, maskCode, type Order } from '../data';
import { fail, type Reply } from '../envelope';
import type { ApiContext } from '../routes';
import { bendBody, bendEndpoint, type Fault } from './fault';
import { dataOf, type Kit } from './probe-kit';

/** Every account's orders, newest first: what a query that lost its account filter reads. */
const EVERY_ORDER: readonly Order[] = Object.values(ORDERS)
  .flat()
  .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));

/** The account other than `asker` that holds order `id`, if any. */
function ownerOf(ctx: ApiContext, asker: Account | null, id: string): Account | undefined {
  return Object.values(ctx.material.accounts).find((a) => a.name !== asker?.name && ORDERS[a.name].some((o) => String(o.order_id) === id));
}

/** What a fault may answer with for another account's order: the conformant 404, or the order as its owner gets it. */
interface OthersOrder {
  ctx: ApiContext;
  owner: Account;
  id: string;
  /** The conformant answer: the 404 of an unknown id. */
  conformant: () => Reply | Promise<Reply>;
  /** The order, as its owner's key is served it. */
  asOwner: () => Reply | Promise<Reply>;
}

/**
 * GET orders/{id} answers `answer` instead when the id is another account's order; every other
 * request gets the conformant answer.
 */
function forOthersOrders(answer: (order: OthersOrder) => Reply | Promise<Reply>) {
  return bendEndpoint('order', (current) => (ctx, req, account, id) => {
    const owner = account ? ownerOf(ctx, account, id) : undefined;
    if (!owner) return current(ctx, req, account, id);
    return answer({ ctx, owner, id, conformant: () => current(ctx, req, account, id), asOwner: () => current(ctx, req, owner, id) });
  });
}

/** Order ids of the orders a list answer holds. */
const listedIds = (reply: Awaited<ReturnType<Kit['call']>>): number[] =>
  ((dataOf(reply).orders ?? []) as Array<{ order_id?: unknown }>).map((o) => Number(o.order_id));

/** GET orders/{id} of the active account's last order (the oldest, on its last page), with the second account's key. */
const askForActivesOldest = (k: Kit) => {
  const oldest = [...ORDERS.active].sort((a, b) => (a.created_at < b.created_at ? -1 : 1))[0]!;
  return k.call({ path: `orders/${oldest.order_id}`, headers: { 'X-API-Key': k.material.accounts.second.key } });
};

/** The newest `perPage` orders of an account: its list's first page at the default sort. */
function firstPageOf(owner: Account, perPage: number): Set<number> {
  const newest = [...ORDERS[owner.name]].sort((a, b) => (a.created_at < b.created_at ? 1 : -1)).slice(0, perPage);
  return new Set(newest.map((o) => o.order_id));
}

const DEFAULT_PER_PAGE = 10;

export const ACCOUNTS_FAULTS = {
  'cross-account-on-page-2': {
    breaks: ['AUTH-15'],
    summary:
      "GET orders reads pages after the first with a query that lost its account filter (the count and page 1 keep it), so page 2 lists other accounts' orders",
    probe: async (k) => {
      const reply = await k.call({ path: 'orders?page=2', headers: { 'X-API-Key': k.material.accounts.second.key } });
      const active = new Set(ORDERS.active.map((o) => o.order_id));
      return listedIds(reply).some((id) => active.has(id));
    },
    bend: bendBody('orders', (body) => {
      const data = body.data as { orders: unknown[]; pagination: { current_page: number; per_page: number } };
      const { current_page: page, per_page: perPage } = data.pagination;
      if (page < 2) return;
      data.orders = EVERY_ORDER.slice((page - 1) * perPage, page * perPage).map((o) => ({ ...o, codes: o.codes.map(maskCode) }));
    }),
  },
  'cross-account-archived-orders': {
    breaks: ['AUTH-15'],
    summary:
      "GET orders/{id} serves another account's order when it is older than its owner's first page of orders (an archive looked up without the owner check)",
    probe: async (k) => (await askForActivesOldest(k)).status === 200,
    bend: forOthersOrders(({ owner, id, conformant, asOwner }) => (firstPageOf(owner, DEFAULT_PER_PAGE).has(Number(id)) ? conformant() : asOwner())),
  },
  'cross-account-403': {
    breaks: ['AUTH-15'],
    summary: "GET orders/{id} answers another account's order with 403 Forbidden, an unknown id with 404: the difference tells which ids exist",
    probe: async (k) => (await askForActivesOldest(k)).status === 403,
    bend: forOthersOrders(() => fail(403, 'Forbidden')),
  },
  'cross-account-different-message': {
    breaks: ['AUTH-15'],
    summary:
      'GET orders/{id} answers another account\'s order with a 404 whose message differs from an unknown id\'s ("Order does not belong to this account")',
    probe: async (k) => {
      const reply = await askForActivesOldest(k);
      return reply.status === 404 && (reply.json as { message?: unknown } | undefined)?.message === 'Order does not belong to this account';
    },
    bend: forOthersOrders(({ ctx }) => ctx.behaviour.envelope.notFound('Order does not belong to this account')),
  },
} satisfies Record<string, Fault>;
