/**
 * Hostile request bodies: truncated, huge, not JSON, nested deep, of the wrong type, or framed
 * badly (chunked, broken chunks, a declared length never sent). Each kind is a row of BODIES, built
 * from the values drawn for a request. Sampled by mock-hostile.spec.ts.
 */
import fc from 'fast-check';
import type { CaseKeys, HostileCase } from './hostile-cases';
import { rawRequest } from './raw-http';

/** The values drawn for one request, from which its kind of body is built. */
interface BodyDraw {
  bytes: Uint8Array;
  json: string;
  cut: number;
  depth: number;
  size: number;
  declared: string;
  type: string;
}

/** A body, the header lines that frame it, and how the spec must send it (HostileCase). */
interface BodyShape {
  body: Buffer;
  lines: string[];
  alone?: boolean;
  mayDrop?: boolean;
  halfClose?: boolean;
}

const CHUNKED_JSON = ['Content-Type: application/json', 'Transfer-Encoding: chunked'];

/** A body framed by its length, with a Content-Type unless `contentType` is empty. */
const withLength = (body: Buffer, contentType = 'application/json'): BodyShape => ({
  body,
  lines: [...(contentType ? [`Content-Type: ${contentType}`] : []), `Content-Length: ${body.length}`],
});

/** Each kind of hostile body; `alone` where client and server may disagree about where the request ends. */
const BODIES = {
  'random-bytes': (d: BodyDraw): BodyShape => withLength(Buffer.from(d.bytes)),
  'json-cut': (d: BodyDraw): BodyShape => withLength(Buffer.from(d.json.slice(0, d.cut % (d.json.length + 1)))),
  'json-value': (d: BodyDraw): BodyShape => withLength(Buffer.from(d.json)),
  nested: (d: BodyDraw): BodyShape => withLength(Buffer.from(`${'['.repeat(d.depth)}${']'.repeat(d.depth)}`)),
  oversized: (d: BodyDraw): BodyShape => ({ ...withLength(Buffer.alloc(d.size, 0x61)), alone: true }),
  'declared-huge': (d: BodyDraw): BodyShape => ({
    body: Buffer.from('{"item_id":'),
    lines: ['Content-Type: application/json', `Content-Length: ${d.declared}`],
    alone: true,
  }),
  chunked: (d: BodyDraw): BodyShape => ({ body: chunked(Buffer.from(d.json), 1 + (d.cut % 7)), lines: CHUNKED_JSON }),
  'chunked-oversized': (d: BodyDraw): BodyShape => ({ body: chunked(Buffer.alloc(d.size, 0x61), 16 * 1024), lines: CHUNKED_JSON, alone: true }),
  'chunked-broken': (d: BodyDraw): BodyShape => ({
    body: Buffer.from(`${['zz', '-1', '1;x=\x00', 'ffffffffffffffffff'][d.cut % 4]}\r\n{}\r\n0\r\n\r\n`, 'latin1'),
    lines: CHUNKED_JSON,
    alone: true,
  }),
  // A declared length past the bytes sent: the server waits for the rest, so the spec half-closes.
  truncated: (d: BodyDraw): BodyShape => {
    const full = Buffer.from(d.json.length > 1 ? d.json : '{"item_id":"AMZ-US-25"}');
    return {
      body: full,
      lines: ['Content-Type: application/json', `Content-Length: ${full.length + 1 + (d.cut % 1000)}`],
      alone: true,
      mayDrop: true,
      halfClose: true,
    };
  },
  'wrong-type': (d: BodyDraw): BodyShape => withLength(Buffer.from('{"item_id":"AMZ-US-25","quantity":1}'), d.type),
};

type BodyKind = keyof typeof BODIES;

/** Bodies that are truncated, huge, not JSON, nested deep, or framed badly. */
export function bodyCases(keys: CaseKeys): fc.Arbitrary<HostileCase> {
  return fc
    .record({
      kind: fc.constantFrom(...(Object.keys(BODIES) as BodyKind[])),
      target: fc.constantFrom('/v1/orders/check', '/v1/orders', '/v1/auth/challenge', '/v1/balance'),
      key: fc.constantFrom(keys.active, keys.signing, ''),
      bytes: fc.uint8Array({ maxLength: 4_096 }),
      json: fc.json({ maxDepth: 4 }),
      cut: fc.nat(),
      depth: fc.integer({ min: 1, max: 50_000 }),
      size: fc.integer({ min: 64 * 1024 + 1, max: 300 * 1024 }),
      declared: fc.constantFrom('70000', '1000000000', '99999999999999'),
      type: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/jsonx',
        'application/vnd.api+json',
        'APPLICATION/JSON',
        '',
      ),
    })
    .map(({ kind, target, key, ...draw }) => {
      const shape = BODIES[kind](draw);
      const lines = ['Host: localhost', ...(key ? [`X-API-Key: ${key}`] : []), ...shape.lines];
      return {
        category: 'bodies',
        bytes: rawRequest(`POST ${target} HTTP/1.1`, lines, shape.body),
        head: false,
        mayDrop: shape.mayDrop ?? false,
        alone: shape.alone ?? false,
        halfClose: shape.halfClose ?? false,
      };
    });
}

function chunked(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}
