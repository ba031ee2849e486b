/** Faults of the success envelopes, the error bodies and the shapes of what the endpoints return. */
import { unauthorized } from '../auth';
import { html, json, type Data } from '../envelope';
import { bendBody, bendEndpoint, bendPart, crash, type Fault } from './fault';

const dataOf = (body: Record<string, unknown>): Data => body.data as Data;

export const ENVELOPE_FAULTS = {
  'success-false-on-200': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: 'GET balance answers 200 with success: false',
    bend: bendBody('balance', (body) => {
      body.success = false;
    }),
  },
  'success-missing': {
    breaks: ['ENV-02', 'AUTH-01'],
    summary: '2xx bodies have no success member',
    bend: bendPart('envelope', () => ({ ok: (message, data) => json(200, { message, data }) })),
  },
  'message-not-string': {
    breaks: ['ENV-02'],
    summary: '2xx bodies have message: null',
    bend: bendPart('envelope', () => ({ ok: (_message, data) => json(200, { success: true, message: null, data }) })),
  },
  'success-not-json-content-type': {
    breaks: ['ENV-01', 'AUTH-01'],
    summary: '2xx bodies are JSON labelled text/plain',
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
    bend: bendBody('balance', (body) => {
      dataOf(body).balance = 100.5;
    }),
  },
  'balance-comma-decimal': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives balance as "100,50"',
    bend: bendBody('balance', (body) => {
      dataOf(body).balance = '100,50';
    }),
  },
  'currency-lowercase': {
    breaks: ['ENV-04'],
    summary: 'GET balance gives currency as "usd"',
    bend: bendBody('balance', (body) => {
      dataOf(body).currency = 'usd';
    }),
  },
  'balance-hangs': {
    breaks: [],
    checks: ['AUTH-01'],
    expect: 'could-not-judge',
    summary: 'GET balance with a valid key is never answered (the suite times out, which judges nothing: never "conforms"; its timeout errors must stay redacted)',
    // Short, and shorter than the client's own request timeout: the hang ends in Playwright's test
    // timeout, whose error carries the call log with every request header (the leak scan reads it).
    settings: { CARDPLUSPAY_TEST_TIMEOUT_SECONDS: '4' },
    bend: bendEndpoint('balance', () => () => new Promise(() => undefined)),
  },
  'catalog-500': {
    breaks: ['AUTH-01'],
    summary: 'GET catalog with a valid key answers 500',
    bend: bendEndpoint('catalog', () => () => crash('catalog-500')),
  },
  'orders-401-for-valid-key': {
    breaks: ['AUTH-01'],
    summary: 'GET orders refuses a valid key with the 401 envelope',
    bend: bendEndpoint('orders', () => () => unauthorized()),
  },
  'pagination-strings': {
    breaks: ['ENV-05'],
    summary: 'GET orders gives the pagination numbers as strings',
    bend: bendBody('orders', (body) => {
      const data = dataOf(body);
      data.pagination = Object.fromEntries(Object.entries(data.pagination as Data).map(([k, v]) => [k, String(v)]));
    }),
  },
  'stock-check-price-string': {
    breaks: ['ENV-05'],
    summary: 'POST orders/check gives price as a string',
    bend: bendBody('orders-check', (body) => {
      const data = dataOf(body);
      data.price = (data.price as number).toFixed(2);
    }),
  },
  'body-not-json-on-error': {
    breaks: ['ENV-01'],
    summary: '404 and 405 answers are HTML pages, not the JSON envelope',
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
