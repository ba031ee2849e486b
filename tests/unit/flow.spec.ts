/**
 * Issue 20, SAFE-05: the run's flow control across processes. Workers reach the runner's Pacers
 * over a local socket (helpers/client/flow/): the concurrency limit holds across them, a 429 one
 * of them saw holds back the others, a worker that goes away hands its slots back, and one
 * target's state is not another's.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { PacerHub, flowFor, setRunnerHub, type Flow } from '../../helpers/client/flow/flow';
import { serveFlow, type FlowServer } from '../../helpers/client/flow/flow-server';
import { Refused, burstOf, type AcquireOptions, type Grant } from '../../helpers/client/flow/pacer';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };
const ORIGIN = 'https://api.example.test';

let dir: string;
let hub: PacerHub;
let server: FlowServer;

test.beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-test-'));
  hub = new PacerHub(2);
  server = await serveFlow(hub, dir);
  // This process plays the workers: they reach the hub over the socket, not directly.
  setRunnerHub(undefined);
});

test.afterEach(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const worker = (origin = ORIGIN): Flow => flowFor(origin, server.socketPath, 2, 2);

/** Whether a promise has settled, without waiting for it. */
async function settledSoon<T>(promise: Promise<T>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20 && !done; i++) await new Promise((r) => setImmediate(r));
  return done;
}

test('the limit holds across workers, and a slot handed back lets the next one go', SAFE05, async () => {
  const [a, b] = [worker(), worker()];
  const first = await a.acquire();
  await b.acquire();
  const third = a.acquire();
  expect(await settledSoon(third)).toBe(false);
  a.release(first, { status: 200 });
  await expect(third).resolves.toMatchObject({ id: expect.any(Number) });
});

test('a worker that goes away hands its slots back', SAFE05, async () => {
  const [a, b] = [worker(), worker()];
  await a.acquire();
  await a.acquire();
  const waiting = b.acquire();
  expect(await settledSoon(waiting)).toBe(false);
  (a as unknown as { socket: { destroy(): void } }).socket.destroy();
  await expect(waiting).resolves.toBeDefined();
});

test("a 429 one worker saw holds back the others; another target's flow is not held", SAFE05, async () => {
  const [a, b] = [worker(), worker()];
  const grant: Grant = await a.acquire();
  a.release(grant, { status: 429, retryAfter: '30' });
  await expect(b.acquire({ notAfter: Date.now() + 1_000 })).rejects.toThrow(Refused);
  await expect(b.acquire({ notAfter: Date.now() + 1_000 })).rejects.toThrow(/holding back for (29|30)\.\d s after the target answered 429/);
  await expect(worker('https://other.example.test').acquire({ notAfter: Date.now() + 1_000 })).resolves.toBeDefined();
});

/** A raw connection to the runner's socket, as a broken or foreign client would make it; `closed` settles when the runner closes it. */
function rawClient(): { socket: net.Socket; replies: string[]; closed: Promise<void> } {
  const socket = net.createConnection(server.socketPath!);
  const replies: string[] = [];
  socket.setEncoding('utf8');
  // A reply may arrive split across chunks: only whole lines count.
  let partial = '';
  socket.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    replies.push(...lines.filter(Boolean));
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => socket.destroy());
  return { socket, replies, closed };
}

const NOT_OURS = [
  '{"op":"release"}',
  '{"op":"release","grant":null}',
  '{"op":"release","grant":{"id":"1"}}',
  '[]',
  '"acquire"',
  'null',
  'garbage',
  '{"op":"acquire","id":1,"origin":"x","options":null}',
  '{"op":"acquire","id":1,"origin":"x","options":{"notAfter":"soon"}}',
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":true}}',
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":{"size":8}}}',
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":{"id":"","size":8}}}',
  `{"op":"acquire","id":1,"origin":"x","options":{"burst":{"id":"${'b'.repeat(65)}","size":8}}}`,
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":{"id":"b","size":0}}}',
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":{"id":"b","size":1.5}}}',
  '{"op":"acquire","id":1,"origin":"x","options":{"burst":{"id":"b","size":1001}}}',
];

test("a line that is not one of the workers' messages closes that connection only: nothing throws in the runner, the others are served", SAFE05, async () => {
  for (const line of NOT_OURS) {
    const client = rawClient();
    client.socket.write(`${line}\n`);
    await client.closed;
    expect(client.replies, line).toEqual([]);
  }
  const [a, b] = [worker(), worker()];
  await a.acquire();
  await expect(b.acquire()).resolves.toMatchObject({ id: expect.any(Number) });
});

test('many messages arriving at once, more than one line may hold, are all served; one endless line is cut off', SAFE05, async () => {
  const client = rawClient();
  const many = Array.from({ length: 3_000 }, (_, id) => JSON.stringify({ op: 'acquire', id, origin: ORIGIN, options: { burst: burstOf(8) } }));
  client.socket.write(`${many.join('\n')}\n`);
  await expect.poll(() => client.replies.length, { timeout: 60_000 }).toBe(3_000);
  expect(client.socket.destroyed).toBe(false);
  client.socket.destroy();

  const endless = rawClient();
  endless.socket.write('x'.repeat(70_000));
  await endless.closed;
});

test("a burst's name and size reach the runner's flow control as the workers gave them, copies from two workers alike", SAFE05, async () => {
  const pacer = hub.for(ORIGIN);
  const asked: AcquireOptions[] = [];
  const acquire = pacer.acquire.bind(pacer);
  pacer.acquire = (options) => {
    asked.push(options ?? {});
    return acquire(options);
  };
  const burst = burstOf(4);
  const [a, b] = [worker(), worker()];
  const copies = [a, a, b, b].map((flow) => flow.acquire({ burst, notAfter: Date.now() + 60_000, expires: true }));
  await expect(Promise.all(copies)).resolves.toHaveLength(4);
  expect(asked).toEqual(Array(4).fill({ burst, notAfter: expect.any(Number), expires: true }));
});

test('a client that connects and never sends holds nothing', SAFE05, async () => {
  const idle = rawClient();
  const [a, b] = [worker(), worker()];
  await a.acquire();
  await expect(b.acquire()).resolves.toMatchObject({ id: expect.any(Number) });
  idle.socket.destroy();
});

test('a pause one worker caused holds back the request another worker already queued, which then goes', SAFE05, async () => {
  const [a, b] = [worker(), worker()];
  a.release(await a.acquire(), { status: 503, retryAfter: '1' });
  const started = Date.now();
  // The release and this acquire travel the same way, on connections of their own: wait until the runner has the pause.
  await expect.poll(async () => b.acquire({ notAfter: Date.now() }).then(release(b), () => 'refused'), { timeout: 60_000 }).toBe('refused');
  const held = b.acquire();
  expect(await settledSoon(held)).toBe(false);
  await expect(held).resolves.toMatchObject({ id: expect.any(Number) });
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});

test("when the runner goes away, a request waiting for it keeps its limits on the worker's own share", SAFE05, async () => {
  const [a, b] = [worker(), worker()];
  await a.acquire();
  await a.acquire();
  // Both wait at the runner for a slot; once it has gone, the first takes the worker's one share and the second, which expires, is refused at its time.
  const plain = b.acquire();
  const expiring = b.acquire({ notAfter: Date.now() + 300, expires: true });
  expect(await settledSoon(plain)).toBe(false);
  await server.close();
  await expect(plain).resolves.toMatchObject({ id: expect.any(Number) });
  await expect(expiring).rejects.toThrow(Refused);
});

const release = (flow: Flow) => (grant: Grant) => {
  flow.release(grant, { status: 200 });
  return 'granted';
};

const withTurns = (origin = ORIGIN) => flowFor(origin, server.socketPath, 2, 2);

test('a turn at signing holds across workers: the first alone, to find out; what it found schedules the rest', SAFE05, async () => {
  const [a, b, c] = [withTurns(), withTurns(), withTurns()];
  const first = await a.takeTurn();
  expect([first.alone, first.live]).toEqual([true, undefined]);
  const [second, third] = [b.takeTurn(), c.takeTurn()];
  expect(await settledSoon(second)).toBe(false);
  a.giveTurn(first, 'several');
  await expect(second).resolves.toMatchObject({ alone: false, live: 'several' });
  await expect(third).resolves.toMatchObject({ alone: false, live: 'several' });
  const elsewhere = await withTurns('https://other.example.test').takeTurn();
  expect([elsewhere.alone, elsewhere.live]).toEqual([true, undefined]);
});

test('a worker that goes away mid-turn hands it back, and the run then assumes one live challenge', SAFE05, async () => {
  const [a, b] = [withTurns(), withTurns()];
  await a.takeTurn();
  const waiting = b.takeTurn();
  expect(await settledSoon(waiting)).toBe(false);
  (a as unknown as { socket: { destroy(): void } }).socket.destroy();
  const turn = await waiting;
  expect(turn).toMatchObject({ alone: true, live: 'one' });
  const next = withTurns().takeTurn();
  expect(await settledSoon(next)).toBe(false);
  b.giveTurn(turn);
  await expect(next).resolves.toMatchObject({ alone: true, live: 'one' });
});
