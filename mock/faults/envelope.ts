/** Faults of the success envelopes, the error bodies and the shapes of what the endpoints return. */
import { unauthorized } from '../auth';
import { html, json, type Data } from '../envelope';
import { bendBody, bendEndpoint, bendPart, crash, type Fault } from './fault';
import { bodyOf, dataOf, pause } from './probe-kit';

/** The data member of a parsed body, for the bends. */
const dataIn = (body: Record<string, unknown>): Data => body.data as Data;

export const ENVELOPE_FAULTS = {
  'success-false-on-200': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: 'GET balance answers 200 with success: false',
    probe: async (k) => bodyOf(await k.balance(k.active)).success === false,
    activeBalance: 'reshaped',
    bend: bendBody('balance', (body) => {
      body.success = false;
    }),
  },
  'success-missing': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: '2xx bodies have no success member',
    probe: async (k) => !('success' in bodyOf(await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } }))),
    activeBalance: 'reshaped',
    bend: bendPart('envelope', () => ({ ok: (message, data) => json(200, { message, data }) })),
  },
  'message-not-string': {
    breaks: ['ENV-02'],
    summary: '2xx bodies have message: null',
    probe: async (k) => bodyOf(await k.call({ path: 'catalog', headers: { 'X-API-Key': k.active } })).message === null,
    activeBalance: 'reshaped',
    bend: bendPart('envelope', () => ({ ok: (_message, data) => json(200, { success: true, message: null, data }) })),
  },
  'success-not-json-content-type': {
    breaks: ['ENV-01', 'AUTH-01'],
    summary: '2xx bodies are JSON labelled text/plain',
    probe: async (k) => (await k.balance(k.active)).headers['content-type']?.startsWith('text/plain') === true,
    bend: bendPart('envelope', (envelope) => ({
      ok: (message, data) => {
        const reply = envelope.ok(message, data);
        return { ...reply, headers: { ...reply.headers, 'content-type': 'text/plain; charset=utf-8' } };
      },
    })),
  },
  'balance-number': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives balance as the number 100.5',
    probe: async (k) => typeof dataOf(await k.balance(k.active)).balance === 'number',
    activeBalance: 'reshaped',
    bend: bendBody('balance', (body) => {
      dataIn(body).balance = 100.5;
    }),
  },
  'balance-comma-decimal': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives balance as "100,50"',
    probe: async (k) => dataOf(await k.balance(k.active)).balance === '100,50',
    activeBalance: 'reshaped',
    bend: bendBody('balance', (body) => {
      dataIn(body).balance = '100,50';
    }),
  },
  'currency-lowercase': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives currency as "usd"',
    probe: async (k) => dataOf(await k.balance(k.active)).currency === 'usd',
    activeBalance: 'reshaped',
    bend: bendBody('balance', (body) => {
      dataIn(body).currency = 'usd';
    }),
  },
  'balance-hangs': {
    breaks: [],
    checks: ['AUTH-01'],
    expect: 'could-not-judge',
    summary:
      'GET balance with a valid key is never answered (the suite times out, which judges nothing: never "conforms"; its timeout errors must stay redacted)',
    probe: async (k) => Promise.race([k.balance(k.active).then(() => false), pause(500).then(() => true)]),
    activeBalance: 'unserved',
    // Short, and shorter than the client's own request timeout: the hang ends in Playwright's test
    // timeout, whose error carries the call log with every request header (the leak scan reads it).
    settings: { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '4' },
    bend: bendEndpoint('balance', () => () => new Promise(() => undefined)),
  },
  'catalog-500': {
    breaks: ['AUTH-01'],
    summary: 'GET catalog with a valid key answers 500',
    probe: async (k) => (await k.call({ path: 'catalog', headers: { 'X-API-Key': k.active } })).status === 500,
    bend: bendEndpoint('catalog', () => () => crash('catalog-500')),
  },
  'orders-401-for-valid-key': {
    breaks: ['AUTH-01'],
    summary: 'GET orders refuses a valid key with the 401 envelope',
    probe: async (k) => (await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } })).status === 401,
    bend: bendEndpoint('orders', () => () => unauthorized()),
  },
  'pagination-strings': {
    breaks: ['ENV-05'],
    summary: 'GET orders gives the pagination numbers as strings',
    probe: async (k) =>
      typeof (dataOf(await k.call({ path: 'orders', headers: { 'X-API-Key': k.active } })).pagination as { total?: unknown } | undefined)?.total === 'string',
    bend: bendBody('orders', (body) => {
      const data = dataIn(body);
      data.pagination = Object.fromEntries(Object.entries(data.pagination as Data).map(([k, v]) => [k, String(v)]));
    }),
  },
  'stock-check-price-string': {
    breaks: ['ENV-05'],
    summary: 'POST orders/check gives price as a string',
    probe: async (k) =>
      typeof dataOf(await k.call({ path: 'orders/check', headers: { 'X-API-Key': k.active }, json: { item_id: 'AMZ-US-25' } })).price === 'string',
    bend: bendBody('stock-check', (body) => {
      const data = dataIn(body);
      data.price = (data.price as number).toFixed(2);
    }),
  },
  'body-not-json-on-error': {
    breaks: ['ENV-01'],
    summary: '404 and 405 answers are HTML pages, not the JSON envelope',
    probe: async (k) =>
      (await k.call({ path: 'orders/999999999', headers: { 'X-API-Key': k.active } })).headers['content-type']?.startsWith('text/html') === true,
    bend: bendPart('envelope', () => ({
      notFound: (message = 'Not Found') => html(404, message),
      methodNotAllowed: (allow) => {
        const reply = html(405, 'Method Not Allowed');
        reply.headers.allow = allow.join(', ');
        return reply;
      },
    })),
  },
} satisfies Record<string, Fault>;
