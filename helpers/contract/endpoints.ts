/**
 * The documented endpoints as data (AUTH-12): method, path relative to the base, and for POSTs a
 * body that cannot be fulfilled, so that even a broken server that skipped auth would sell nothing.
 * The same table is the allowlist of requests that may carry a configured key (SAFE-03): the
 * routes of the entries that do not spend (helpers/client/spend-guard.ts).
 */

/** A request to an endpoint, as the client's `send` takes it (helpers/client/client.ts, Call). */
export interface EndpointCall {
  method?: 'GET' | 'POST' | 'PUT';
  /** Relative to the base URL, no leading slash. */
  path: string;
  json?: unknown;
}

/** Where a server routes an endpoint, as the key allowlist reads it: byte for byte. */
export interface Route {
  method: string;
  /** Under the base path, no leading slash; `{id}` stands for one ORDER_ID segment. */
  path: string;
  /** The query parameters the docs give it (cardpluspay-api.md); only GETs take a query. */
  query: readonly string[];
}

/** The configured challenge endpoint (settings.challenge): the one route that comes from the settings. */
export interface ChallengeRoute {
  method: string;
  path: string;
}

/**
 * Every endpoint's id: the suite's tables and the mock's routes name endpoints by these, so a
 * fault, a check and a route that mean the same endpoint say the same word.
 */
export type EndpointId = 'root' | 'balance' | 'catalog' | 'orders' | 'order' | 'stock-check' | 'create-order' | 'challenge';

export interface Endpoint {
  id: EndpointId;
  title: string;
  /** Spends balance or changes the account: only ever sent without a configured key. */
  spends: boolean;
  /** Its route; the routes of the entries that do not spend are all a configured key may go to. */
  route: (challenge: ChallengeRoute) => Route;
  call: (settings: { challenge: ChallengeRoute & { method: 'GET' | 'POST' | 'PUT' } }) => EndpointCall;
}

/** An order id in `GET orders/{id}`, as a regular expression's source: 1 to 64 letters, digits, `_` or `-`. */
export const ORDER_ID = '[A-Za-z0-9_-]{1,64}';

/** The filters the docs give GET catalog and GET orders. */
const CATALOG_FILTERS = [
  'item_id',
  'brand',
  'q',
  'per_page',
  'sort_by',
  'order',
  'region',
  'currency',
  'delivery_type',
  'value_min',
  'value_max',
  'country_code',
] as const;
const ORDERS_FILTERS = ['per_page', 'status', 'sort_by', 'order'] as const;

const route =
  (method: string, path: string, query: readonly string[] = []) =>
  (): Route => ({ method, path, query });

/** An item code no catalogue holds: an order or stock check for it cannot be fulfilled. */
export const NO_SUCH_ITEM = 'CONFORMANCE-NO-SUCH-ITEM-0000';
/** An order id no account holds. */
export const NO_SUCH_ORDER = '999999999';

/** GET orders/{id} for one order. */
export function orderCall(id: string): EndpointCall {
  return { method: 'GET', path: `orders/${encodeURIComponent(id)}` };
}

/** POST orders/check for one unit of an item: a stock check, which spends nothing. */
export function stockCheckCall(itemCode: string): EndpointCall {
  return { method: 'POST', path: 'orders/check', json: { item_id: itemCode, quantity: 1 } };
}

export const ENDPOINTS: readonly Endpoint[] = [
  { id: 'balance', title: 'GET balance', spends: false, route: route('GET', 'balance'), call: () => ({ method: 'GET', path: 'balance' }) },
  { id: 'catalog', title: 'GET catalog', spends: false, route: route('GET', 'catalog', CATALOG_FILTERS), call: () => ({ method: 'GET', path: 'catalog' }) },
  { id: 'orders', title: 'GET orders', spends: false, route: route('GET', 'orders', ORDERS_FILTERS), call: () => ({ method: 'GET', path: 'orders' }) },
  { id: 'order', title: 'GET orders/{id}', spends: false, route: route('GET', 'orders/{id}'), call: () => orderCall(NO_SUCH_ORDER) },
  { id: 'stock-check', title: 'POST orders/check', spends: false, route: route('POST', 'orders/check'), call: () => stockCheckCall(NO_SUCH_ITEM) },
  {
    id: 'create-order',
    title: 'POST orders',
    spends: true,
    route: route('POST', 'orders'),
    call: () => ({ method: 'POST', path: 'orders', json: { item_code: NO_SUCH_ITEM, quantity: 1 } }),
  },
  {
    id: 'challenge',
    title: 'the challenge endpoint',
    spends: false,
    route: (c) => ({ method: c.method, path: c.path, query: [] }),
    call: (s) => ({ method: s.challenge.method, path: s.challenge.path }),
  },
];

/**
 * The GETs that take no id: they spend nothing, and every account can call them with nothing to
 * discover first (AUTH-01, ENV-01/02, and the signed requests of SIGN-03).
 */
export const READ_ONLY_ENDPOINTS: readonly Endpoint[] = ENDPOINTS.filter((e) => e.id === 'balance' || e.id === 'catalog' || e.id === 'orders');

/**
 * `GET /`, checked only when configured as protected: the docs do not say whether it is public.
 * Not in ENDPOINTS, so not on the key allowlist: nothing sends it a configured key.
 */
export const ROOT_ENDPOINT: Endpoint = {
  id: 'root',
  title: 'GET / (API info)',
  spends: false,
  route: route('GET', ''),
  call: () => ({ method: 'GET', path: '' }),
};
