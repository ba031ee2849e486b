/**
 * The mock for the mock's own unit tests: the key material (two RSA-2048 signing pairs and an
 * ECDSA certificate, about half a second of CPU) and a conformant mock on it, made once per worker
 * process on first use and shared by every file that worker runs.
 *
 *   import { test, expect, workerMock } from '../support/mock-fixture';
 *   test.beforeAll(async () => { const { mock, material } = await workerMock(); ... });
 *   test('...', async ({ mock, mockMaterial }) => { ... });   // the same, as test fixtures
 *
 * Kept by the process, not by worker fixtures: Playwright gives the files that use a worker
 * fixture workers of their own, so the unit step started two more workers for these files, each
 * loading the harness again. The mock closes with its worker process. A file that needs another
 * mock starts it with startMock({ material, ... }) and closes it in its afterAll.
 */
import { _baseTest as base } from '@playwright/test';
import { createMockMaterial, type MockMaterial } from '../../mock/accounts';
import { startMock, type MockHandle } from '../../mock/server';
import { probe, type ProbeCall, type ProbeReply } from '../../mock/probe-client';

export { expect } from '@playwright/test';

let shared: Promise<{ material: MockMaterial; mock: MockHandle }> | undefined;

/** The worker process's key material and conformant mock, made on first use. */
export function workerMock(): Promise<{ material: MockMaterial; mock: MockHandle }> {
  shared ??= createMockMaterial().then(async (material) => ({ material, mock: await startMock({ material }) }));
  return shared;
}

export interface MockFixtures {
  /** The worker process's key material (workerMock). */
  mockMaterial: MockMaterial;
  /** The worker process's conformant mock (workerMock). */
  mock: MockHandle;
}

export const test = base.extend<MockFixtures>({
  mockMaterial: async ({}, use) => {
    await use((await workerMock()).material);
  },
  mock: async ({}, use) => {
    await use((await workerMock()).mock);
  },
});

export interface WorkerMock {
  material: MockMaterial;
  mock: MockHandle;
  /** A request to the worker's mock, trusting its certificate. */
  call: (c: ProbeCall) => Promise<ProbeReply>;
}

/**
 * The worker's mock for a whole file: `const worker = useWorkerMock();` at the top, then
 * `worker.call(...)`, `worker.material`, `worker.mock` inside tests (filled in before they run).
 */
export function useWorkerMock(): WorkerMock {
  const worker = {} as WorkerMock;
  test.beforeAll(async () => {
    const { material, mock } = await workerMock();
    Object.assign(worker, { material, mock, call: probe(material, mock.baseUrl) });
  });
  return worker;
}
