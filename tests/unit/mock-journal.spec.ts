/**
 * The journal tells what reached the mock without keeping any secret: fingerprints instead of key
 * values, query parameter names instead of query strings, and which configured key travelled where.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { randomKey, type MockMaterial } from '../../mock/accounts';
import { Journal } from '../../mock/journal';
import { deliberateCookie } from '../../helpers/contract/cookie-check';
import { send, type ProbeCall } from '../../mock/probe-client';
import type { JournalEntry, MockHandle } from '../../mock/server';
import { expect, test, workerMock } from '../support/mock-fixture';

let material: MockMaterial;
let mock: MockHandle;

test.beforeAll(async () => {
  ({ material, mock } = await workerMock());
});

const fingerprint = (value: string): string => crypto.createHash('sha256').update(value, 'latin1').digest('hex').slice(0, 16);

async function controlJournal(since: number): Promise<JournalEntry[]> {
  const res = await fetch(new URL(`journal?since=${since}`, mock.controlUrl));
  expect(res.status).toBe(200);
  return (await res.json()) as JournalEntry[];
}

/** Sends one request and returns the journal entry it made, read through the control listener. */
async function entryFor(base: 'baseUrl' | 'httpUrl', path: string, c: Omit<ProbeCall, 'path'> = {}): Promise<JournalEntry> {
  const mark = Math.max(0, ...mock.journal().map((e) => e.seq));
  await send(material, new URL(path, mock[base]), c);
  const entries = await controlJournal(mark);
  // Other tests of this file may run on the other worker, but with their own mock instance.
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

test('an entry records method, pathname, query names and the key fingerprint', async () => {
  const key = material.accounts.active.key;
  const entry = await entryFor('baseUrl', 'catalog?brand=Amazon&per_page=2&brand=Apple', { headers: { 'X-API-Key': key } });
  expect(entry).toMatchObject({
    transport: 'https',
    method: 'GET',
    path: '/v1/catalog',
    queryNames: ['brand', 'per_page'],
    keyFingerprint: fingerprint(key),
    configuredKeySeen: 'active',
  });
});

test('the fingerprint is of the value as received; absent header, null', async () => {
  const odd = `"${randomKey()}"\xa0`;
  expect((await entryFor('baseUrl', 'balance', { headers: { 'X-API-Key': odd } })).keyFingerprint).toBe(fingerprint(odd));
  expect((await entryFor('baseUrl', 'balance', { headers: { 'X-API-Key': '' } })).keyFingerprint).toBe(fingerprint(''));
  expect((await entryFor('baseUrl', 'balance')).keyFingerprint).toBeNull();
});

test('configuredKeySeen finds a configured key in any header, the URL or the body', async () => {
  const { active, signing2, inactive } = material.accounts;
  const inAuthorization = await entryFor('baseUrl', 'balance', { headers: { Authorization: `Bearer ${signing2.key}` } });
  expect(inAuthorization).toMatchObject({ keyFingerprint: null, configuredKeySeen: 'signing2' });
  const inQuery = await entryFor('baseUrl', `balance?api_key=${active.key}`);
  expect(inQuery).toMatchObject({ path: '/v1/balance', queryNames: ['api_key'], configuredKeySeen: 'active' });
  const inBody = await entryFor('baseUrl', 'orders/check', { json: { item_id: 'AMZ-US-25', note: inactive.key } });
  expect(inBody.configuredKeySeen).toBe('inactive');
  const none = await entryFor('baseUrl', 'balance', { headers: { 'X-API-Key': randomKey() } });
  expect(none.configuredKeySeen).toBeNull();
});

test('plain-HTTP requests are journalled with their transport', async () => {
  const entry = await entryFor('httpUrl', 'balance?x=1', { headers: { 'X-API-Key': material.accounts.signing.key } });
  expect(entry).toMatchObject({ transport: 'http', path: '/v1/balance', queryNames: ['x'], configuredKeySeen: 'signing' });
});

test('the journal never holds a key value or a query string', async () => {
  const { active } = material.accounts;
  await send(material, new URL(`balance?api_key=${active.key}&secret=s3cr3t`, mock.baseUrl), {
    headers: { 'X-API-Key': active.key, Cookie: `k=${active.key}` },
  });
  const text = JSON.stringify(await controlJournal(0));
  for (const account of Object.values(material.accounts)) expect(text).not.toContain(account.key);
  expect(text).not.toContain('s3cr3t');
});

test('the control listener serves health and refuses the unknown', async () => {
  expect((await fetch(new URL('health', mock.controlUrl))).status).toBe(200);
  expect((await fetch(new URL('nope', mock.controlUrl))).status).toBe(404);
  expect((await fetch(new URL('journal?since=abc', mock.controlUrl))).status).toBe(400);
  const all = await controlJournal(0);
  const last = all.at(-1)!.seq;
  expect(await controlJournal(last)).toEqual([]);
  expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
});

test('a long run keeps the newest entries and since() still answers by seq', () => {
  const journal = new Journal(material);
  const req = { method: 'GET', url: '/v1/balance', headers: {}, rawHeaders: [] } as unknown as IncomingMessage;
  const total = 111_000;
  for (let i = 0; i < total; i += 1) journal.open('https', req, '/v1/balance', new URLSearchParams());
  const all = journal.since(0);
  expect(all.length).toBeLessThanOrEqual(110_000);
  expect(all.at(-1)!.seq).toBe(total);
  expect(journal.since(total - 3).map((e) => e.seq)).toEqual([total - 2, total - 1, total]);
  expect(journal.since(total)).toEqual([]);
});

test(
  'SAFE-06 a Cookie header is recorded with the check that chose it, never its value',
  { annotation: [{ type: 'requirement', description: 'SAFE-06' }] },
  async () => {
    const key = material.accounts.active.key;
    expect((await entryFor('baseUrl', 'balance', { headers: { 'X-API-Key': key } })).cookie).toBeNull();
    const ambient = await entryFor('baseUrl', 'balance', { headers: { Cookie: `cpp_key=${key}` } });
    expect(ambient.cookie).toEqual({ chosenBy: null });
    const chosen = await entryFor('baseUrl', 'balance', { headers: deliberateCookie('AWSALB=x', 'AUTH-09') });
    expect(chosen.cookie).toEqual({ chosenBy: 'AUTH-09' });
    expect(JSON.stringify(mock.journal())).not.toContain('AWSALB=x');
  },
);
