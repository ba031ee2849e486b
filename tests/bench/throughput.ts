/**
 * The bench's throughput section: requests/s of the mock against a bare node:https server answering
 * the same bytes (autocannon), both in the load-target.ts child, with each connection verified.
 */
import path from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import autocannon from 'autocannon';
import { TARGETS, figure, problems, progress } from './figures';
import type { LoadTarget } from './load-target';
import { forkTs } from './measure';
import type { Options } from './options';

/**
 * autocannon 8 always turns rejectUnauthorized off in the options it gives tls.connect
 * (lib/httpClient.js), whatever tlsOptions say. Node still verifies the chain against `ca` and the
 * name and records the verdict in `socket.authorized`, so each connection is checked there, and an
 * unverified one is closed and voids the measurement.
 */
function verifiedConnections(onUnverified: (reason: string) => void): (client: unknown) => void {
  return (client) => {
    const c = client as { _connect: () => void; conn?: TLSSocket };
    const connect = c._connect.bind(c);
    c._connect = () => {
      connect();
      const socket = c.conn;
      socket?.once('secureConnect', () => {
        if (socket.authorized) return;
        onUnverified(String(socket.authorizationError));
        socket.destroy();
      });
    };
  };
}

/**
 * Before any load: one handshake with verification on, proving the server on that port holds a
 * certificate the mock's CA vouches for. autocannon may write a request before its own per-connection
 * check above can close an unverified connection, so that check alone would come too late.
 */
function verifyServer(url: string, ca: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), ca, servername: 'localhost' }, () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Enough connections to keep the server busy: with fewer, the load generator's own speed is measured. */
const LOAD_CONNECTIONS = 50;

async function load(url: string, target: LoadTarget, secondsToRun: number): Promise<{ perSecond: number; answered: number }> {
  let unverified = '';
  const result = await autocannon({
    url,
    connections: LOAD_CONNECTIONS,
    duration: secondsToRun,
    headers: { 'x-api-key': target.apiKey },
    tlsOptions: { ca: target.ca },
    expectBody: target.body,
    setupClient: verifiedConnections((reason) => (unverified ||= reason)),
  });
  const answered = result['2xx'];
  if (unverified) problems.push(`a load connection to ${url} did not verify against the mock's CA (${unverified})`);
  if (result.non2xx || result.errors || result.timeouts || result.mismatches) {
    problems.push(
      `load on ${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${result.mismatches} bodies other than the expected one`,
    );
  }
  return { perSecond: answered / result.duration, answered };
}

export async function throughput(options: Options): Promise<void> {
  const child = forkTs(path.join(__dirname, 'load-target.ts'));
  const target = await new Promise<LoadTarget>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadTarget));
    child.once('exit', (code) => reject(new Error(`the load target exited ${code} before it was ready`)));
  });
  const cpuMicros = (): Promise<number> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
      child.send('cpu');
    });
  const rps = { mock: [] as number[], bare: [] as number[] };
  const cpuPerRequest = { mock: [] as number[], bare: [] as number[] };
  try {
    await verifyServer(target.mockUrl, target.ca);
    await verifyServer(target.bareUrl, target.ca);
    // Warm-up: JIT and TLS session state, so the first measured run is not the cold one.
    await load(target.mockUrl, target, 2);
    await load(target.bareUrl, target, 2);
    for (let i = 0; i < options.repeat; i++) {
      const order = i % 2 === 0 ? (['mock', 'bare'] as const) : (['bare', 'mock'] as const);
      for (const kind of order) {
        const before = await cpuMicros();
        const run = await load(kind === 'mock' ? target.mockUrl : target.bareUrl, target, options.loadSeconds);
        const cpu = (await cpuMicros()) - before;
        rps[kind].push(run.perSecond);
        cpuPerRequest[kind].push(cpu / Math.max(1, run.answered));
        progress(
          `  throughput ${kind} ${i + 1}/${options.repeat}: ${Math.round(run.perSecond)} req/s, ${cpuPerRequest[kind].at(-1)!.toFixed(1)} µs server CPU per request`,
        );
      }
    }
  } finally {
    child.send('stop');
  }
  figure({
    name: `mock GET balance, keep-alive, ${LOAD_CONNECTIONS} connections`,
    unit: 'req/s',
    runs: rps.mock,
    reference: { name: 'bare node:https, same bytes', runs: rps.bare },
    target: `>= ${TARGETS.throughputRatio * 100}% of bare`,
    ratioTarget: (ratio) => ratio >= TARGETS.throughputRatio,
  });
  figure({
    name: 'mock server CPU per request',
    unit: 'µs',
    runs: cpuPerRequest.mock,
    reference: { name: 'bare node:https', runs: cpuPerRequest.bare },
    note: 'the same load, in server CPU time: what other work on the machine does not distort',
  });
}
