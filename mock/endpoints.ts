/**
 * What each endpoint answers, conformantly: the handlers of the behaviour record's `endpoints`
 * (routes.ts decides which one a request reaches, and whether it gets that far). Validation is in
 * params.ts, the data in data.ts.
 */
import type { EndpointId } from '../helpers/contract/endpoints';
import type { Account } from './accounts';
import { fail, type Reply } from './envelope';
import { ORDERS, ORDER_STATUSES, PRODUCTS, maskCode, type Order, type Product } from './data';
import { Problems, amountQuery, enumQuery, intQuery, jsonBody, quantity, requiredText, textQuery, field } from './params';
import type { ApiRequest } from './request';
import type { ApiContext, EndpointHandler } from './routes';

export const CONFORMANT_ENDPOINTS: Readonly<Record<EndpointId, EndpointHandler>> = {
  root: (ctx) => info(ctx),
  challenge: (ctx, _req, account) => challenge(ctx, account),
  balance: (ctx) => balance(ctx),
  catalog: (ctx, req) => catalog(ctx, req),
  orders: (ctx, req, account) => orders(ctx, req, account),
  order: (ctx, _req, account, id) => order(ctx, account, id),
  'stock-check': (ctx, req) => stockCheck(ctx, req),
  'create-order': (_ctx, req) => createOrder(req),
};

function info(ctx: ApiContext): Reply {
  return ctx.behaviour.envelope.ok('CardPlusPay API', { version: 'v1', deprecations: [] });
}

function challenge(ctx: ApiContext, account: Account | null): Reply {
  if (account && !account.signing) return fail(400, 'Request signing is not enabled for this account');
  const issued = ctx.signing.store.issue(account?.name ?? null);
  // Advertised from the configured TTL, whatever lifetime the challenge policy enforces.
  const expiresAt = issued.issuedAt + ctx.challengeTtlSeconds * 1000;
  return ctx.behaviour.envelope.ok('Challenge issued', {
    challenge: issued.value,
    expires_in: ctx.challengeTtlSeconds,
    expires_at: new Date(expiresAt).toISOString(),
  });
}

/** The same for every account and every request; frozen, so the conformant envelope serialises it once. */
const BALANCE = Object.freeze({ balance: '100.50', currency: 'USD', state: 'success' });

function balance(ctx: ApiContext): Reply {
  return ctx.behaviour.envelope.ok('Balance retrieved successfully', BALANCE);
}

const CATALOG_SORTS = ['brand', 'value', 'category'] as const;
const DIRECTIONS = ['asc', 'desc'] as const;
const DELIVERY_TYPES = ['PHYSICAL', 'DIGITAL', 'BOTH'] as const;

function catalog(ctx: ApiContext, req: ApiRequest): Reply {
  const q = req.query;
  const problems = new Problems();
  const itemId = textQuery(q, 'item_id', { maxLength: 64 }, problems);
  const brand = textQuery(q, 'brand', { maxLength: 255 }, problems);
  const search = textQuery(q, 'q', { maxLength: 255 }, problems);
  const region = textQuery(q, 'region', { maxLength: 255 }, problems);
  const currency = textQuery(q, 'currency', { maxLength: 3, pattern: /^[A-Za-z]{3}$/ }, problems);
  const country = textQuery(q, 'country_code', { maxLength: 2, pattern: /^[A-Za-z]{2}$/ }, problems);
  const delivery = enumQuery(q, 'delivery_type', DELIVERY_TYPES, problems);
  const valueMin = amountQuery(q, 'value_min', problems);
  const valueMax = amountQuery(q, 'value_max', problems);
  const perPage = intQuery(q, 'per_page', { min: 1, max: 100, fallback: 10 }, problems);
  const page = intQuery(q, 'page', { min: 1, fallback: 1 }, problems);
  const sortBy = enumQuery(q, 'sort_by', CATALOG_SORTS, problems);
  const direction = enumQuery(q, 'order', DIRECTIONS, problems) ?? 'asc';
  if (valueMin !== undefined && valueMax !== undefined && valueMin > valueMax) problems.add('value_max', 'must be >= value_min');
  const invalid = problems.reply();
  if (invalid) return invalid;

  const same = (a: string, b: string | undefined): boolean => b === undefined || a.toLowerCase() === b.toLowerCase();
  let products = PRODUCTS.filter(
    (p) =>
      (itemId === undefined || p.item_code === itemId) &&
      same(p.brand, brand) &&
      same(p.region, region) &&
      same(p.currency, currency) &&
      (delivery === undefined || p.delivery_type === delivery) &&
      (country === undefined || p.country_code.includes(country.toUpperCase())) &&
      (valueMin === undefined || p.value >= valueMin) &&
      (valueMax === undefined || p.value <= valueMax) &&
      (search === undefined || `${p.product_name} ${p.brand}`.toLowerCase().includes(search.toLowerCase())),
  );
  if (sortBy) products = sorted(products, (p: Product) => p[sortBy], direction);
  const { items, pagination } = paginate(products, page, perPage);
  return ctx.behaviour.envelope.ok('Catalog retrieved successfully', { products: items, pagination });
}

const ORDER_SORTS = ['created_at', 'amount', 'status'] as const;

function orders(ctx: ApiContext, req: ApiRequest, account: Account | null): Reply {
  const q = req.query;
  const problems = new Problems();
  const perPage = intQuery(q, 'per_page', { min: 1, max: 100, fallback: 10 }, problems);
  const page = intQuery(q, 'page', { min: 1, fallback: 1 }, problems);
  const status = enumQuery(q, 'status', ORDER_STATUSES, problems);
  const sortBy = enumQuery(q, 'sort_by', ORDER_SORTS, problems) ?? 'created_at';
  const direction = enumQuery(q, 'order', DIRECTIONS, problems) ?? 'desc';
  const invalid = problems.reply();
  if (invalid) return invalid;

  const mine = account ? ORDERS[account.name] : [];
  const listed = sorted(
    mine.filter((o) => status === undefined || o.status === status),
    (o: Order) => o[sortBy],
    direction,
  ).map((o) => ({ ...o, codes: o.codes.map(maskCode) }));
  const { items, pagination } = paginate(listed, page, perPage);
  return ctx.behaviour.envelope.ok('Orders retrieved successfully', { orders: items, pagination, state: 'success' });
}

function order(ctx: ApiContext, account: Account | null, id: string): Reply {
  const found = account && /^\d{1,9}$/.test(id) ? ORDERS[account.name].find((o) => o.order_id === Number(id)) : undefined;
  if (!found) return ctx.behaviour.envelope.notFound('Order not found');
  const { order_id, order_no, status, item_code, quantity: count, created_at, codes, amount } = found;
  return ctx.behaviour.envelope.ok('Order retrieved successfully', {
    order_id,
    order_no,
    status,
    state: 'success',
    item_code,
    quantity: count,
    created_at,
    codes,
    amount,
  });
}

function stockCheck(ctx: ApiContext, req: ApiRequest): Reply {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.reply;
  const problems = new Problems();
  const itemId = requiredText(parsed.body, 'item_id', problems);
  const requested = quantity(parsed.body, problems);
  const invalid = problems.reply();
  if (invalid) return invalid;
  const product = PRODUCTS.find((p) => p.item_code === itemId);
  if (!product) return ctx.behaviour.envelope.notFound('Item not found');
  return ctx.behaviour.envelope.ok('Gift card in Stock', {
    price: product.price,
    state: 'in_stock',
    status: true,
    message: 'Available',
    requested,
  });
}

/** Validates like the real thing, then never sells: the mock has no balance to spend. */
function createOrder(req: ApiRequest): Reply {
  const parsed = jsonBody(req);
  if (!parsed.ok) return parsed.reply;
  const body = parsed.body;
  const problems = new Problems();
  // item_id is a documented alias of item_code; when neither is sent, the error names item_code.
  const itemField = field(body, 'item_code') === undefined && field(body, 'item_id') !== undefined ? 'item_id' : 'item_code';
  requiredText(body, itemField, problems);
  quantity(body, problems);
  const email = field(body, 'email');
  if (email !== undefined && (typeof email !== 'string' || email.length > 255)) problems.add('email', 'must be a string');
  return problems.reply() ?? fail(400, 'Insufficient balance');
}

function sorted<T>(items: readonly T[], keyOf: (item: T) => string | number, direction: 'asc' | 'desc'): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -sign : x > y ? sign : 0;
  });
}

function paginate<T>(
  items: readonly T[],
  page: number,
  perPage: number,
): { items: T[]; pagination: { total: number; per_page: number; current_page: number; last_page: number } } {
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    pagination: { total: items.length, per_page: perPage, current_page: page, last_page: Math.max(1, Math.ceil(items.length / perPage)) },
  };
}
