/**
 * A bare client for talking to a mock from its own tests and from its faults' probes
 * (faults/probe-kit.ts): node:https trusting only the mock's certificate (verification stays on),
 * no redirects followed, header lines sent exactly as given (names in their case, repeats kept).
 * The suite has its own redacting client; this one is for checking the mock, where the keys are
 * throwaway. It lives with the mock because the probes do, and the mock imports nothing from tests/.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { MockMaterial } from './accounts';

export interface ProbeCall {
  method?: string;
  /** Relative to the base URL given to the probe ('balance', 'orders/1001?x=1'), or absolute. */
  path: string;
  /** An object, or [name, value] lines to send a name twice or in a chosen case. */
  headers?: Record<string, string> | Array<[string, string]>;
  /** Serialised and sent with Content-Type: application/json unless headers say otherwise. */
  json?: unknown;
  body?: string | Buffer;
  tls?: Pick<https.RequestOptions, 'minVersion' | 'maxVersion' | 'ciphers'>;
}

export interface ProbeReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export function probe(material: MockMaterial, base: string) {
  return (call: ProbeCall): Promise<ProbeReply> => send(material, new URL(call.path, base), call);
}

export function send(material: MockMaterial, url: URL, call: Omit<ProbeCall, 'path'>): Promise<ProbeReply> {
  const body = call.json !== undefined ? JSON.stringify(call.json) : call.body;
  const lines: Array<[string, string]> = Array.isArray(call.headers) ? [...call.headers] : Object.entries(call.headers ?? {});
  // Node adds Host only for object headers; with a flat array it is ours to send (HTTP/1.1 requires it).
  if (!lines.some(([n]) => n.toLowerCase() === 'host')) lines.unshift(['Host', url.host]);
  if (call.json !== undefined && !lines.some(([n]) => n.toLowerCase() === 'content-type')) lines.push(['Content-Type', 'application/json']);
  if (body !== undefined && !lines.some(([n]) => n.toLowerCase() === 'content-length')) lines.push(['Content-Length', String(Buffer.byteLength(body))]);
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, {
      method: call.method ?? (body === undefined ? 'GET' : 'POST'),
      // Node sends a flat [name, value, ...] array verbatim: repeated names and their case survive.
      headers: lines.flat(),
      agent: false,
      ca: material.tls.certPem,
      ...call.tls,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** RSASSA-PKCS1-v1_5 SHA-256 over the challenge's UTF-8 bytes, standard Base64: what the contract asks for. */
export function signChallenge(challenge: string, privateKeyPem: string): string {
  return crypto.sign('sha256', Buffer.from(challenge, 'utf8'), privateKeyPem).toString('base64');
}
