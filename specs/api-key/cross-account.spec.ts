import type { ApiClient, Reply } from '../../helpers/client/client';
import { expectSuccessEnvelope } from '../../helpers/expectations';
import { ORDER_ID_FIELDS, records } from '../../helpers/cases/discovery';
import { NO_SUCH_ORDER, orderCall } from '../../helpers/contract/endpoints';
import { expect, requirement, test } from '../../helpers/fixtures';
import { keyHeader } from '../../helpers/cases/keys';

const NO_SECOND_ACCOUNT = 'CARDPLUSPAY_SECOND_API_KEY is not set: AUTH-15 needs an active key of a second account without signing';

interface Account {
  name: string;
  key: string;
}

interface Listed {
  account: Account;
  orders: Array<{ id: string; record: Record<string, unknown> }>;
}

/** The first page of each account's orders, as long as the API lets a list hold (per_page=100). */
async function listBoth(api: ApiClient, accounts: readonly [Account, Account]): Promise<[Listed, Listed]> {
  const lists = await Promise.all(
    accounts.map(async (account) => {
      const reply = await api.send({ path: 'orders', query: { per_page: '100' }, headers: keyHeader(account.key) });
      await expectSuccessEnvelope(reply, `GET orders with ${account.name}'s key`);
      return { account, orders: records(reply.json, ORDER_ID_FIELDS) };
    }),
  );
  return [lists[0]!, lists[1]!];
}

/** An order id neither list holds: the docs' "unknown" case, to compare the cross-account answer with. */
function nowhereId(lists: readonly Listed[]): string {
  const held = new Set(lists.flatMap((l) => l.orders.map((o) => o.id)));
  for (let n = Number(NO_SUCH_ORDER); ; n -= 1) if (!held.has(String(n))) return String(n);
}

/** The message with the asked-for id taken out, so a server that names the id in it is judged on the rest. */
function messageOf(reply: Reply, id: string): string {
  const message = (reply.json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 200).split(id).join('{id}') : `(no message; ${reply.text.length}-byte body)`;
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

function accountsOf(keys: { valid: string }, second: string): readonly [Account, Account] {
  return [
    { name: 'the first account (CARDPLUSPAY_API_KEY)', key: keys.valid },
    { name: 'the second account (CARDPLUSPAY_SECOND_API_KEY)', key: second },
  ];
}

for (const [owner, asker] of [
  [0, 1],
  [1, 0],
] as const) {
  const direction =
    owner === 0 ? "the first account's order asked for with the second account's key" : "the second account's order asked for with the first account's key";
  test(
    `AUTH-15 ${direction} gets the 404 of an order that exists nowhere, with none of its data`,
    requirement('AUTH-15', owner === 0 ? 'first-to-second' : 'second-to-first'),
    async ({ api, keys, settings }) => {
      test.skip(!settings.secondApiKey, NO_SECOND_ACCOUNT);
      const lists = await listBoth(api, accountsOf(keys, settings.secondApiKey!));
      test.skip(lists[owner].orders.length === 0, `${lists[owner].account.name} lists no order (GET orders), so there is none to ask for with the other key`);
      const order = lists[owner].orders[0]!;
      const other = lists[asker].account;
      const nowhere = nowhereId(lists);

      const cross = await api.send({ ...orderCall(order.id), headers: keyHeader(other.key) });
      const unknown = await api.send({ ...orderCall(nowhere), headers: keyHeader(other.key) });
      const what = `GET orders/{id} of an order in ${lists[owner].account.name}'s list, with ${other.name}'s key`;
      expect
        .soft(
          cross.status,
          `${what}: status must be 404, as the docs say for another account's order (got ${cross.status}${cross.status >= 200 && cross.status < 300 ? ': the order was served to another account' : ''})`,
        )
        .toBe(404);
      expect.soft(cross.status, `${what}: status must equal that of an id that exists nowhere (${unknown.status})`).toBe(unknown.status);
      expect.soft(messageOf(cross, order.id), `${what}: message must equal that of an id that exists nowhere`).toBe(messageOf(unknown, nowhere));
      // A value the unknown id's answer holds too ("success", a status word) tells nothing.
      const leaked = telltales(order.record, order.id).filter((v) => cross.text.includes(v) && !unknown.text.includes(v));
      expect.soft(leaked.length, `${what}: the body must hold none of the order's data (it holds ${leaked.length} of its values)`).toBe(0);
    },
  );
}

test("AUTH-15 neither account's orders list holds the other account's order ids", requirement('AUTH-15', 'lists-disjoint'), async ({ api, keys, settings }) => {
  test.skip(!settings.secondApiKey, NO_SECOND_ACCOUNT);
  const [first, second] = await listBoth(api, accountsOf(keys, settings.secondApiKey!));
  test.skip(first.orders.length === 0 && second.orders.length === 0, 'neither account lists an order (GET orders), so there is nothing to tell apart');
  const firstIds = new Set(first.orders.map((o) => o.id));
  const shared = second.orders.map((o) => o.id).filter((id) => firstIds.has(id));
  expect(shared.slice(0, 20), `the two accounts' GET orders lists must not share order ids (${shared.length} shared)`).toEqual([]);
});
