/**
 * Issue 18: a reproduction for every finding. The command a failed check prints sends the same
 * request again (checked here against a local HTTPS server that records the bytes it receives),
 * with curl where curl can and printf | openssl s_client where it cannot, and it holds no
 * configured key: the key stands as "$CARDPLUSPAY_API_KEY", a key derived from it as a shell
 * expression over that variable.
 */
import { spawn } from 'node:child_process';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../support/unit-test';
import { reproduction, type WireForm } from '../../helpers/cases/reproduce';
import { Redactor } from '../../helpers/safety/redact';
import { leakedEncodings } from '../support/leak-detector';
import { unitTls } from '../configs/unit-tls';

const KEY = 'cpp_test_Q2xJ8sZr4LkP0vNw7YhT3mBd6FcA1eGu';
const req = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };
const STANDS = [
  { value: KEY, shell: '"$CARDPLUSPAY_API_KEY"' },
  // A near-miss: the key with its 10th character changed, as a shell expression over the variable.
  { value: `${KEY.slice(0, 9)}x${KEY.slice(10)}`, shell: '"${CARDPLUSPAY_API_KEY:0:9}x${CARDPLUSPAY_API_KEY:10}"' },
];

/** A local HTTPS server that records the head of each request as bytes, and answers 401. */
async function recorder(): Promise<{ origin: string; heads: string[]; close: () => Promise<void> }> {
  const heads: string[] = [];
  const { certPem, keyPem } = unitTls();
  const server = https.createServer({ cert: certPem, key: keyPem }, (q, s) => {
    const lines = [`${q.method} ${q.url} HTTP/${q.httpVersion}`];
    for (let i = 0; i + 1 < q.rawHeaders.length; i += 2) lines.push(`${q.rawHeaders[i]}: ${q.rawHeaders[i + 1]}`);
    let body = '';
    q.setEncoding('latin1');
    q.on('data', (c: string) => (body += c));
    q.on('end', () => {
      heads.push([...lines, '', body].join('\n'));
      s.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
      s.end('{"success":false,"message":"Unauthorized","data":{}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, heads, close: () => new Promise((r) => server.close(() => r())) };
}

/** Runs the command in bash, asynchronously: the recording server answers from this process. */
function run(command: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], {
      env: { ...process.env, CARDPLUSPAY_API_KEY: KEY, CARDPLUSPAY_CA_FILE: unitTls().caFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const FORMS: ReadonlyArray<{ id: string; form: (origin: string) => WireForm; tool: RegExp; sent: (head: string) => void }> = [
  {
    id: 'a dot segment and the key, by curl',
    form: (origin) => ({
      method: 'GET',
      origin,
      target: '/v1/x/../balance',
      headerLines: [
        ['Host', new URL(origin).host],
        ['X-API-Key', KEY],
        ['X-Forwarded-For', '127.0.0.1'],
      ],
    }),
    tool: /^curl /m,
    sent: (head) => {
      expect(head).toMatch(/^GET \/v1\/x\/\.\.\/balance HTTP\/1\.1/);
      expect(head).toContain(`X-API-Key: ${KEY}`);
      expect(head).toContain('X-Forwarded-For: 127.0.0.1');
    },
  },
  {
    id: 'a near-miss of the key in a body, by curl',
    form: (origin) => ({
      method: 'POST',
      origin,
      target: '/v1/orders/check',
      headerLines: [
        ['Host', new URL(origin).host],
        ['Content-Type', 'application/json'],
      ],
      body: JSON.stringify({ api_key: `${KEY.slice(0, 9)}x${KEY.slice(10)}` }),
    }),
    tool: /^curl /m,
    sent: (head) => expect(head).toContain(`{"api_key":"${KEY.slice(0, 9)}x${KEY.slice(10)}"}`),
  },
  {
    id: 'an absolute-form target as HTTP/1.0, by curl',
    form: (origin) => ({ method: 'GET', origin, target: `${origin}/v1/./balance`, headerLines: [['Host', new URL(origin).host]], httpVersion: '1.0' }),
    tool: /^curl .*--http1\.0/m,
    sent: (head) => expect(head.split('\n')[0]).toMatch(/^GET https:\/\/127\.0\.0\.1:\d+\/v1\/\.\/balance HTTP\/1\.0$/),
  },
  {
    id: 'a target ending in "#", by curl (which drops a fragment from its URL)',
    form: (origin) => ({ method: 'GET', origin, target: '/v1/balance#', headerLines: [['Host', new URL(origin).host]] }),
    tool: /^curl /m,
    sent: (head) => expect(head.split('\n')[0]).toBe('GET /v1/balance# HTTP/1.1'),
  },
  {
    id: 'the key with a trailing 0xA0 byte, by printf | openssl',
    form: (origin) => ({
      method: 'GET',
      origin,
      target: '/v1/balance',
      headerLines: [
        ['Host', new URL(origin).host],
        ['X-API-Key', `${KEY}\u00a0`],
        ['Connection', 'close'],
      ],
    }),
    tool: /openssl s_client/,
    sent: (head) => expect(Buffer.from(head, 'latin1').includes(Buffer.from(`X-API-Key: ${KEY}\u00a0`, 'latin1'))).toBe(true),
  },
];

for (const f of FORMS) {
  test(`a reproduction of ${f.id} sends the same request and holds no key`, req, async () => {
    const target = await recorder();
    try {
      const command = reproduction(f.form(target.origin), { stands: STANDS, caFileVariable: 'CARDPLUSPAY_CA_FILE', seed: 42, title: 'AUTH-14 a check' });
      expect(command).toMatch(f.tool);
      expect(command).toContain('CARDPLUSPAY_SEED=42');
      expect(leakedEncodings(command, [KEY]), 'the command holds the key').toEqual([]);
      const result = await run(command);
      expect(target.heads, `the command sent nothing (exit ${result.status}): ${result.stderr.slice(0, 300)}`).toHaveLength(1);
      f.sent(target.heads[0]!);
    } finally {
      await target.close();
    }
  });
}

test('a reproduction passes the redactor whole: a value in X-API-Key it was never told about is masked, the rest of the command stays', req, () => {
  const neverIssued = 'cpp_test_n3v3rIssu3dK3yN0tR3al0000000000';
  const form: WireForm = {
    method: 'GET',
    origin: 'https://127.0.0.1:8443',
    target: '/v1/balance',
    headerLines: [
      ['X-API-Key', neverIssued],
      ['Accept', 'application/json'],
    ],
  };
  const redactor = new Redactor([KEY]);
  const masked = redactor.redact(reproduction(form, { stands: STANDS }));
  expect(masked).not.toContain(neverIssued);
  expect(masked).toMatch(/-H 'X-API-Key: \[redacted …0000\]' -H 'Accept: application\/json'/);
  // Standing in its own double-quoted word, outside the field's quotes, a key that is no secret keeps its bytes (AUTH-14's never-issued key).
  const kept = reproduction(form, { stands: [...STANDS, { value: neverIssued, shell: `"${neverIssued}"` }] });
  expect(redactor.redact(kept)).toBe(kept);
});
