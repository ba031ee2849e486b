/**
 * What one request showed the client checker, read once when its body has arrived: where it came
 * in, whose key it carried and where, its Accept and Content-Type, whether its body is JSON. The
 * rules judge these values and never the request itself, so they are pure and testable with
 * values made by hand; nothing here is kept after the rules have seen it.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AccountName } from '../accounts';
import { keyFingerprint } from '../journal';
import { parseTarget, type BodyOutcome } from '../request';
import type { KeyRing } from './key-ring';

/** The listeners a client can reach: the API, its plain-HTTP twin, and the checker's traps. */
export type Port = 'api' | 'plain' | 'impostor' | 'trap' | 'trap-origin' | 'trap-plain';

export interface Arrival {
  /** The checker's own count, shown as `#seq` in evidence. */
  seq: number;
  /** When the request was read (ms since the epoch). */
  at: number;
  port: Port;
  method: string;
  /** The path for evidence: shown, so a path holding a key is replaced whole. */
  path: string;
  /** Whether the path (not the shown one) is the challenge endpoint, the API info, or under /v1/. */
  route: 'challenge' | 'info' | 'api' | 'other';
  /** What makes two requests "the same request" for a retry: method, path and key, hashed. */
  sameAs: string;
  /** The account whose key is the whole X-API-Key value. */
  keyAccount: AccountName | null;
  /** The key in every other place it was found: `query parameter "api_key"`, `header "Authorization"`, `body`... */
  misplaced: Array<{ account: AccountName; place: string }>;
  /** Whose key the request carried anywhere: keyAccount, or the first misplaced one. */
  keyed: AccountName | null;
  accept: string | undefined;
  contentType: string | undefined;
  /** Undefined when the request had no body. */
  body: { bytes: number; json: boolean; tooLarge: boolean } | undefined;
  /** The signing headers as sent: kept in memory for the signing rule, never shown. */
  challenge: string | undefined;
  signature: string | undefined;
}

/** The fields of a request the checker reads: an IncomingMessage has them all. */
type Head = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders'>;

export function readArrival(keys: KeyRing, seq: number, port: Port, req: Head, body: BodyOutcome, at = Date.now()): Arrival {
  const { path, query } = parseTarget(req.url);
  const xApiKey = joined(req.headers['x-api-key']);
  const keyAccount = keys.exact(xApiKey);
  const misplaced = misplacedKeys(keys, req, path, query, body.body, keyAccount !== null);
  const method = req.method ?? '';
  return {
    seq,
    at,
    port,
    method,
    path: keys.shown(path, 80),
    route: path === '/v1/auth/challenge' ? 'challenge' : /^\/v1\/?$/.test(path) ? 'info' : path.startsWith('/v1/') ? 'api' : 'other',
    sameAs: sameRequest(method, path, xApiKey),
    keyAccount,
    misplaced,
    keyed: keyAccount ?? misplaced[0]?.account ?? null,
    accept: joined(req.headers.accept),
    contentType: joined(req.headers['content-type']),
    body: body.body.length > 0 || body.tooLarge ? { bytes: body.body.length, json: !body.tooLarge && isJson(body.body), tooLarge: body.tooLarge } : undefined,
    challenge: joined(req.headers['x-api-challenge']),
    signature: joined(req.headers['x-api-signature']),
  };
}

/** One fixed-size identity per (method, path, X-API-Key): a key or a long path is never kept as such. */
export function sameRequest(method: string, path: string, xApiKey: string | undefined): string {
  const key = xApiKey === undefined ? '-' : keyFingerprint(xApiKey);
  return crypto.hash('sha256', `${method} ${key} ${path}`, 'base64');
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Every place but the whole X-API-Key value that holds a key: header lines, path, query, cookies, body. */
function misplacedKeys(keys: KeyRing, req: Head, path: string, query: URLSearchParams, body: Buffer, exactHeader: boolean): Arrival['misplaced'] {
  const found: Arrival['misplaced'] = [];
  const add = (text: string, place: string): void => {
    const account = keys.accountIn(text);
    if (account) found.push({ account, place });
  };
  const lines = req.rawHeaders;
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const name = lines[i]!;
    const lower = name.toLowerCase();
    if (lower === 'x-api-key') {
      // The whole value, alone, is the one right place; anything around it (quotes, "Bearer ", a second value) is not.
      if (!exactHeader) add(lines[i + 1]!, 'X-API-Key, not alone (quoted, prefixed or sent twice)');
    } else if (lower === 'cookie') {
      for (const pair of lines[i + 1]!.split(';')) add(pair, `cookie "${keys.shown(pair.split('=')[0]!.trim(), 40)}"`);
    } else {
      add(lines[i + 1]!, `header "${keys.shown(name, 40)}"`);
      add(name, 'a header name');
    }
  }
  add(path, 'the path');
  for (const [name, value] of query) add(`${name}=${value}`, `query parameter "${keys.shown(name, 40)}"`);
  if (body.length > 0) {
    const text = body.toString('latin1');
    const account = keys.accountIn(text);
    if (account) found.push({ account, place: bodyPlace(keys, body) });
  }
  return found;
}

/** Where in a JSON body a key sits (`body field /auth/key`), or just `body`. */
function bodyPlace(keys: KeyRing, body: Buffer): string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'the body';
  }
  const walk = (v: unknown, pointer: string, depth: number): string | undefined => {
    if (typeof v === 'string') return keys.accountIn(v) ? pointer : undefined;
    if (depth > 8 || v === null || typeof v !== 'object') return undefined;
    for (const [k, child] of Object.entries(v)) {
      const name = keys.shown(k, 40);
      const hit = keys.accountIn(k) ? `${pointer}/${name}` : walk(child, `${pointer}/${name}`, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  };
  const at = walk(value, '', 0);
  return at ? `body field ${at}` : 'the body';
}

function isJson(body: Buffer): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    return true;
  } catch {
    return false;
  }
}
