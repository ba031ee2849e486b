import type { ApiClient, Reply } from '../../helpers/client/client';
import { observe } from '../../helpers/client/transcript';
import { expectSameValue, expectSuccessEnvelope, is2xx, told } from '../../helpers/expectations';
import { ORDER_ID_FIELDS, records } from '../../helpers/cases/discovery';
import { drawFor } from '../../helpers/cases/families';
import { membersOf } from '../../helpers/cases/family';
import {
  ACCOUNT_NAMES,
  OTHER_ACCOUNTS_ORDERS,
  PAGE_LIMIT,
  paginationOf,
  picked,
  type ListedOrder,
  type OrderPick,
  type Owner,
} from '../../helpers/cases/other-accounts';
import { NO_SUCH_ORDER, orderCall } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';
import { sameValue } from '../../helpers/safety/bounded';

const NO_SECOND_ACCOUNT = 'CARDPLUSPAY_SECOND_API_KEY is not set: AUTH-15 needs an active key of a second account without signing';

interface Account {
  /** `the first account`: how messages name it. */
  name: string;
  /** `the first account's key (CARDPLUSPAY_API_KEY)`. */
  keyName: string;
  key: string;
}

/** One account's orders, read page by page: each order with its page, the ids, and each page's answer (for reproductions). */
interface Listed {
  account: Account;
  orders: ListedOrder[];
  ids: Set<string>;
  pages: Reply[];
}

function accountsOf(keys: { valid: string }, second: string): Readonly<Record<Owner, Account>> {
  return {
    0: { name: ACCOUNT_NAMES[0], keyName: `${ACCOUNT_NAMES[0]}'s key (CARDPLUSPAY_API_KEY)`, key: keys.valid },
    1: { name: ACCOUNT_NAMES[1], keyName: `${ACCOUNT_NAMES[1]}'s key (CARDPLUSPAY_SECOND_API_KEY)`, key: second },
  };
}

/**
 * An account's GET orders, every page, following the pagination the target reports (page 1 as any
 * client first asks for it, then `page=2`... up to its `last_page`), at most PAGE_LIMIT pages; the
 * report says so when the limit cut the list short, or when the target gave no pagination to follow.
 */
function readList(api: ApiClient, account: Account): Promise<Listed> {
  return test.step(`read ${account.name}'s orders, page by page`, async () => {
    const listed: Listed = { account, orders: [], ids: new Set(), pages: [] };
    let lastPage = 1;
    for (let page = 1; page <= Math.min(lastPage, PAGE_LIMIT); page += 1) {
      const reply = await api.send({ path: 'orders', ...(page > 1 ? { query: { page: String(page) } } : {}), headers: keyHeader(account.key) });
      await expectSuccessEnvelope(reply, `GET orders${page > 1 ? `?page=${page}` : ''} with ${account.keyName}`);
      listed.pages.push(reply);
      const found = records(reply.json, ORDER_ID_FIELDS);
      for (const [onPage, o] of found.entries()) {
        listed.orders.push({ ...o, page, onPage });
        listed.ids.add(o.id);
      }
      const pagination = paginationOf(reply.json);
      if (page === 1 && !pagination) {
        await observe(
          `GET orders with ${account.keyName} reports no pagination (data.pagination with current_page and last_page): AUTH-15 read its first page only`,
        );
      }
      if (page === 1) lastPage = pagination?.lastPage ?? 1;
      // A target that ignores `page` answers page 1 again: reading on would only repeat it.
      if (page > 1 && pagination?.currentPage !== page) {
        await observe(`GET orders?page=${page} with ${account.keyName} does not report itself as page ${page}: AUTH-15 stopped reading there`);
        break;
      }
      if (found.length === 0) break;
    }
    if (lastPage > PAGE_LIMIT) {
      await observe(
        `${account.name}'s GET orders has ${lastPage} pages: AUTH-15 read the first ${PAGE_LIMIT} (its page limit, PAGE_LIMIT in helpers/cases/other-accounts.ts)`,
      );
    }
    return listed;
  });
}

/** An order id none of the lists holds: the docs' "unknown" case, to compare the cross-account answer with. */
function nowhereId(lists: readonly Listed[]): string {
  for (let n = Number(NO_SUCH_ORDER); ; n -= 1) if (!lists.some((l) => l.ids.has(String(n)))) return String(n);
}

/** The message with the asked-for id taken out, so a server that names the id in it is judged on the rest. */
function messageOf(reply: Reply, id: string): string {
  const message = (reply.json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 200).split(id).join('{id}') : `(no message; ${reply.text.length}-byte body)`;
}

/** What of an answer's form tells one kind of 404 from another: its media type, the envelope's members and `success`, the members of `data`. */
function formOf(reply: Reply): Record<string, unknown> {
  const body = reply.json;
  const object = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const data = object(body) ? body.data : undefined;
  return {
    mediaType: reply.contentType.split(';')[0]!.trim().toLowerCase(),
    members: object(body) ? Object.keys(body).sort() : `(${body === undefined ? 'not JSON' : typeof body})`,
    success: object(body) ? body.success : undefined,
    dataMembers: object(data) ? Object.keys(data).sort() : `(${data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data})`,
  };
}

/** The order's own values (order number, codes, dates...) that would show its data leaked; short values say nothing. */
function telltales(record: Record<string, unknown>, id: string): string[] {
  const values: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length >= 6 && v !== id) values.push(v);
    else if (v !== null && typeof v === 'object') for (const child of Object.values(v)) walk(child);
  };
  walk(record);
  return values;
}

/** Another account's order must get exactly the answer of an id that exists nowhere: status, form and message, and none of its data. */
function expectLikeUnknown(cross: Reply, unknown: Reply, order: ListedOrder, nowhere: string, what: string): void {
  const served = is2xx(cross.status)
    ? ": the order was served to another account (or the owner's list holds one of the asker's own orders: the lists check says which)"
    : '';
  expect
    .soft(
      cross.status,
      told(cross, `${what}: status must be 404, as the docs say for another account's order (got ${cross.status}${served})`, cross.status === 404),
    )
    .toBe(404);
  expect
    .soft(cross.status, told(cross, `${what}: status must equal that of an id that exists nowhere (${unknown.status})`, cross.status === unknown.status))
    .toBe(unknown.status);
  const [form, unknownForm] = [formOf(cross), formOf(unknown)];
  expectSameValue(
    form,
    unknownForm,
    told(cross, `${what}: the answer's form (media type, envelope members, success, data's members) must equal an unknown id's`, sameValue(form, unknownForm)),
    { soft: true },
  );
  const [message, unknownMessage] = [messageOf(cross, order.id), messageOf(unknown, nowhere)];
  expectSameValue(message, unknownMessage, told(cross, `${what}: message must equal that of an id that exists nowhere`, message === unknownMessage), {
    soft: true,
  });
  // A value the unknown id's answer holds too ("success", a status word) tells nothing.
  const leaked = telltales(order.record, order.id).filter((v) => cross.text.includes(v) && !unknown.text.includes(v));
  expect
    .soft(leaked.length, told(cross, `${what}: the body must hold none of the order's data (it holds ${leaked.length} of its values)`, leaked.length === 0))
    .toBe(0);
}

/**
 * Asks for the orders the picks choose from the owner's list with the asker's key, each compared
 * with the asker's answer for an id no list holds (asked once). Returns how many orders it asked for.
 */
async function askWithOtherKey(api: ApiClient, asker: Account, owner: Listed, picks: readonly OrderPick[], others: readonly Listed[] = []): Promise<number> {
  const chosen = picked(picks, owner.orders);
  if (chosen.length === 0) return 0;
  const nowhere = nowhereId([owner, ...others]);
  const unknown = await test.step(`ask for an id no list holds with ${asker.keyName}`, async () => {
    const reply = await api.send({ ...orderCall(nowhere), headers: keyHeader(asker.key) });
    expect
      .soft(
        reply.status,
        told(reply, `GET orders/{id} of an id no list holds, with ${asker.keyName}: status must be 404 (got ${reply.status})`, reply.status === 404),
      )
      .toBe(404);
    return reply;
  });
  for (const { order, by } of chosen) {
    const title = `${by.map((m) => m.title).join(', also ')} (page ${order.page})`;
    await test.step(title, async () => {
      const cross = await api.send({ ...orderCall(order.id), headers: keyHeader(asker.key) });
      expectLikeUnknown(cross, unknown, order, nowhere, `GET orders/{id} of ${title}, with ${asker.keyName}`);
    });
  }
  return chosen.length;
}

for (const owner of [0, 1] as const) {
  const asker: Owner = owner === 0 ? 1 : 0;
  const core = OTHER_ACCOUNTS_ORDERS.core.filter((m) => m.owner === owner);
  test(
    `AUTH-15 ${ACCOUNT_NAMES[owner]}'s orders (the first and last of its list, the first of each page) asked for with ${ACCOUNT_NAMES[asker]}'s key get the 404 of an order that exists nowhere, with none of their data`,
    requirement('AUTH-15', owner === 0 ? 'first-to-second' : 'second-to-first'),
    async ({ api, keys, settings }) => {
      test.skip(!settings.secondApiKey, NO_SECOND_ACCOUNT);
      const accounts = accountsOf(keys, settings.secondApiKey!);
      const list = await readList(api, accounts[owner]);
      test.skip(list.orders.length === 0, `${accounts[owner].name} lists no order (GET orders), so there is none to ask for with the other key`);
      await askWithOtherKey(api, accounts[asker], list, core);
    },
  );
}

test(
  "AUTH-15 orders drawn with the run's seed from either account's list get the 404 of an order that exists nowhere",
  requirement('AUTH-15', 'drawn'),
  async ({ api, keys, settings }) => {
    test.skip(!settings.secondApiKey, NO_SECOND_ACCOUNT);
    const accounts = accountsOf(keys, settings.secondApiKey!);
    const drawn = membersOf(OTHER_ACCOUNTS_ORDERS, drawFor(settings)).slice(OTHER_ACCOUNTS_ORDERS.core.length);
    let asked = 0;
    for (const owner of [0, 1] as const) {
      const picks = drawn.filter((m) => m.owner === owner);
      if (picks.length === 0) continue;
      const list = await readList(api, accounts[owner]);
      asked += await askWithOtherKey(api, accounts[owner === 0 ? 1 : 0], list, picks);
    }
    test.skip(asked === 0, 'the lists the draw picked from hold no order (GET orders), so there is none to ask for with the other key');
  },
);

test(
  "AUTH-15 neither account's orders list, on any of its pages, holds the other account's order ids",
  requirement('AUTH-15', 'lists-disjoint'),
  async ({ api, keys, settings }) => {
    test.skip(!settings.secondApiKey, NO_SECOND_ACCOUNT);
    const accounts = accountsOf(keys, settings.secondApiKey!);
    const [first, second] = await Promise.all([readList(api, accounts[0]), readList(api, accounts[1])]);
    test.skip(first.orders.length === 0 && second.orders.length === 0, 'neither account lists an order (GET orders), so there is nothing to tell apart');
    for (const [lister, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const shared = lister.orders.filter((o) => other.ids.has(o.id));
      const where = shared.slice(0, 20).map((o) => `${o.id} (page ${o.page})`);
      const page = shared[0] ? lister.pages[shared[0].page - 1] : undefined;
      const message = `${lister.account.name}'s GET orders must hold none of ${other.account.name}'s order ids (it holds ${shared.length})`;
      expect.soft(where, page ? told(page, message, false) : message).toEqual([]);
    }
  },
);
