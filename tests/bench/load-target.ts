/**
 * The throughput benchmark's target, in a process of its own so that the load generator does not
 * share its event loop: the conformant mock, and a bare node:https server on the same certificate
 * that answers every request with exactly the bytes the mock sends for an authenticated
 * `GET balance` (status, the mock's headers, body; Node adds Date, Connection and Keep-Alive to
 * both alike). Reports the URLs, CA, key and expected body over IPC; answers 'cpu' with its CPU
 * time so far, so the parent can tell the server's CPU per request; exits on 'stop'.
 */
import https from 'node:https';
import type net from 'node:net';
import { createMockMaterial } from '../../mock/accounts';
import { send } from '../../mock/probe-client';
import { startMock } from '../../mock/server';

export interface LoadTarget {
  mockUrl: string;
  bareUrl: string;
  ca: string;
  apiKey: string;
  body: string;
}

/** Headers Node writes by itself on every answer, so the bare server must not send them twice. */
const NODE_ADDS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

async function main(): Promise<void> {
  const material = await createMockMaterial();
  const mock = await startMock({ material });
  const apiKey = material.accounts.active.key;
  const sample = await send(material, new URL('balance', mock.baseUrl), { headers: { 'X-API-Key': apiKey } });
  if (sample.status !== 200) throw new Error(`The mock answered GET balance with ${sample.status}; nothing to measure.`);
  const headers: string[] = [];
  for (let i = 0; i + 1 < sample.rawHeaders.length; i += 2) {
    if (!NODE_ADDS.has(sample.rawHeaders[i]!.toLowerCase())) headers.push(sample.rawHeaders[i]!, sample.rawHeaders[i + 1]!);
  }
  const body = Buffer.from(sample.text, 'utf8');
  const bare = https.createServer({ key: material.tls.keyPem, cert: material.tls.certPem, keepAlive: true }, (_req, res) => {
    res.writeHead(sample.status, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const { port } = bare.address() as net.AddressInfo;
  const target: LoadTarget = {
    mockUrl: new URL('balance', mock.baseUrl).href,
    bareUrl: `https://127.0.0.1:${port}/v1/balance`,
    ca: material.tls.certPem,
    apiKey,
    body: sample.text,
  };
  process.send?.(target);
  process.on('message', (message) => {
    // This process's CPU so far, in µs: the parent takes differences around each load run.
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system });
      return;
    }
    if (message !== 'stop') return;
    bare.closeAllConnections();
    bare.close();
    void mock.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load target: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
