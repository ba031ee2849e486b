/**
 * The mock for the mock's own unit tests, as Playwright worker fixtures: the key material (two
 * RSA-2048 signing pairs and a certificate, about a second of CPU) is made once per worker and
 * shared by every file that worker runs, instead of once per file.
 *
 *   import { test, expect } from '../support/mock-fixture';
 *   test.beforeAll(({ mock, mockMaterial }) => { ... });   // the worker's conformant mock
 *   test.use({ mockOptions: { httpMode: '403' } });          // a file that needs another mock
 *
 * A file that overrides mockOptions runs in workers of its own (Playwright keys workers by their
 * worker-fixture values), so a file that needs several variants starts them itself with
 * startMock({ material: mockMaterial, ... }) and closes them in its afterAll.
 */
import { test as base } from '@playwright/test';
import { createMockMaterial, type MockMaterial } from '../../mock/accounts';
import { startMock, type MockHandle, type MockOptions } from '../../mock/server';
import { probe, type ProbeCall, type ProbeReply } from '../../mock/probe-client';

export { expect } from '@playwright/test';

export interface MockWorkerFixtures {
  mockMaterial: MockMaterial;
  /** How the worker's mock is started; the material always comes from mockMaterial. */
  mockOptions: Omit<MockOptions, 'material'>;
  mock: MockHandle;
}

export const test = base.extend<object, MockWorkerFixtures>({
  mockMaterial: [
    async ({}, use) => {
      await use(await createMockMaterial());
    },
    { scope: 'worker' },
  ],
  mockOptions: [{}, { scope: 'worker', option: true }],
  mock: [
    async ({ mockMaterial, mockOptions }, use) => {
      const mock = await startMock({ ...mockOptions, material: mockMaterial });
      try {
        await use(mock);
      } finally {
        await mock.close();
      }
    },
    { scope: 'worker' },
  ],
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
  test.beforeAll(({ mock, mockMaterial }) => {
    Object.assign(worker, { material: mockMaterial, mock, call: probe(mockMaterial, mock.baseUrl) });
  });
  return worker;
}
