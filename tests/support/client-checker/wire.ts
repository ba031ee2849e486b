/**
 * The two client libraries the bad clients are written with, behind one small face: `node:https`
 * (no redirects followed unless a client follows them itself, as naive code does) and Playwright's
 * request (its defaults left as they are unless a client sets them: Accept `*\/*`, 20 redirects
 * followed with every header but Authorization). Playwright trusts Node's store plus
 * NODE_EXTRA_CA_CERTS only, which is why the clients run in a process started with the mock's CA
 * there (run-clients.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';

interface Sent {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Playwright's `form` option: the body form-encoded, as its docs show for POSTs. */
  form?: Record<string, string>;
}

export interface Got {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface Wire {
  send(s: Sent): Promise<Got>;
  close(): Promise<void>;
}

export type Library = 'node:https' | "Playwright's request";

export interface NodeOptions {
  ca: string;
  /** Certificate checks off: what a client's code does when it turns rejectUnauthorized off. */
  insecure?: boolean;
  /** Follow redirects by sending the same request, headers and all, to the Location. */
  follow?: boolean;
}

export function nodeWire(options: NodeOptions): Wire {
  const once = (s: Sent): Promise<Got> =>
    new Promise((resolve, reject) => {
      const url = new URL(s.url);
      const mod = url.protocol === 'http:' ? http : https;
      const body = s.form ? new URLSearchParams(s.form).toString() : s.body;
      const headers = { ...(s.headers ?? {}), ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) };
      const req = mod.request(url, { method: s.method ?? 'GET', headers, agent: false, ca: options.ca, rejectUnauthorized: !options.insecure }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: flat(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    send: async (s) => {
      let got = await once(s);
      for (let hops = 0; options.follow && got.status >= 300 && got.status < 400 && got.headers.location && hops < 5; hops += 1) {
        got = await once({ ...s, url: new URL(got.headers.location, s.url).href });
      }
      return got;
    },
    close: async () => undefined,
  };
}

export interface PlaywrightOptions {
  ignoreHTTPSErrors?: boolean;
  /** Unset: Playwright's default (20). */
  maxRedirects?: number;
}

export async function playwrightWire(options: PlaywrightOptions = {}): Promise<Wire> {
  const context: APIRequestContext = await playwrightRequest.newContext({ ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false });
  return {
    send: async (s) => {
      const res = await context.fetch(s.url, {
        method: s.method ?? 'GET',
        headers: s.headers,
        ...(s.form ? { form: s.form } : s.body !== undefined ? { data: s.body } : {}),
        ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
      });
      return { status: res.status(), headers: res.headers(), text: await res.text() };
    },
    close: () => context.dispose(),
  };
}

function flat(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
}
