/**
 * Issue 20, SAFE-05: the run's flow control across processes. Workers reach the runner's Pacers
 * over a local socket (helpers/client/flow/): the concurrency limit holds across them, a 429 one
 * of them saw holds back the others, a worker that goes away hands its slots back, and one
 * target's state is not another's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PacerHub, flowFor, setRunnerHub, type Flow } from '../../helpers/client/flow/flow';
import { serveFlow, type FlowServer } from '../../helpers/client/flow/flow-server';
import { Refused, type Grant } from '../../helpers/client/flow/pacer';

const SAFE05 = { annotation: [{ type: 'requirement', description: 'SAFE-05' }] };
const ORIGIN = 'https://api.example.test';

let dir: string;
let server: FlowServer;

test.beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flow-test-'));
  server = await serveFlow(new PacerHub(2), dir);
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
