/**
 * The fault catalogue, checked three ways: it lints itself; every fault starts and serves the
 * active key what its `activeBalance` says; and every fault shows its misbehaviour to its own
 * probe (written beside it in mock/faults/), which the conformant mock passes.
 */
import type tls from 'node:tls';
import { isRequirementId } from '../../helpers/contract/requirements';
import { schemaErrors } from '../../helpers/contract/schemas';
import type { MockMaterial } from '../../mock/accounts';
import { FAULT_NAMES, FAULTS, isFaultName, type FaultName } from '../../mock/faults';
import { connectTls, kitFor, pause } from '../../mock/faults/probe-kit';
import { probe } from '../../mock/probe-client';
import { startMock, type MockHandle } from '../../mock/server';
import { expect, test, workerMock } from '../support/mock-fixture';

/** Long enough that the conformant mock answers well inside it on a loaded machine. */
const TTL_SECONDS = 2;

let material: MockMaterial;
let conformant: MockHandle;

test.beforeAll(async () => {
  ({ material } = await workerMock());
  conformant = await startMock({ material, challengeTtlSeconds: TTL_SECONDS });
});
test.afterAll(async () => conformant.close());

async function withMock<T>(fault: FaultName, use: (mock: MockHandle) => Promise<T>): Promise<T> {
  const mock = await startMock({ material, fault, challengeTtlSeconds: TTL_SECONDS });
  try {
    return await use(mock);
  } finally {
    await mock.close();
  }
}

test.describe('the catalogue', () => {
  test('every fault has a kebab-case name, a one-line summary and known requirement ids', () => {
    // Collected, then compared once: an expect per rule and fault is a thousand report steps.
    const problems: string[] = [];
    const rule = (holds: boolean, name: string, what: string): void => {
      if (!holds) problems.push(`${name}: ${what}`);
    };
    for (const name of FAULT_NAMES) {
      const { breaks, summary, expect: verdict, runs } = FAULTS[name];
      rule(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name), name, 'not kebab-case');
      rule(summary.trim().length > 10 && !summary.includes('\n'), name, 'a summary of one line, more than 10 characters');
      // A fault breaks something; a variant that keeps the contract (or cannot be judged) breaks nothing.
      const breaksSome = breaks.length > 0;
      rule(breaksSome === (verdict === 'does-not-conform'), name, `breaks ${breaks.length} ids, with expected verdict ${verdict}`);
      rule(runs.length > 0, name, 'no check runs against it');
      rule(new Set(runs).size === runs.length, name, 'breaks or checks repeat an id');
      for (const id of runs) {
        rule(isRequirementId(id), name, `unknown requirement ${id}`);
        // SAFE ids are about the suite, not the target.
        rule(!id.startsWith('SAFE-'), name, `runs ${id}, a SAFE id`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('isFaultName knows exactly the catalogue', () => {
    for (const name of FAULT_NAMES) expect(isFaultName(name)).toBe(true);
    for (const name of ['', 'toString', '__proto__', 'no-such-fault']) expect(isFaultName(name)).toBe(false);
  });

  test('startMock refuses an unknown fault and a TTL of zero', async () => {
    await expect(startMock({ material, fault: 'no-such-fault' as FaultName })).rejects.toThrow(/unknown fault/);
    await expect(startMock({ material, challengeTtlSeconds: 0 })).rejects.toThrow(/challengeTtlSeconds/);
  });
});

/** What is wrong with `fault`'s answer to the active key's GET balance, or undefined when it is what the fault says. */
async function balanceProblem(fault: FaultName): Promise<string | undefined> {
  return withMock(fault, async (mock) => {
    if (mock.fault !== fault) return `started as ${String(mock.fault)}`;
    const reply = await probe(material, mock.baseUrl)({ path: 'balance', headers: { 'X-API-Key': material.accounts.active.key } });
    if (reply.status !== 200) return `answered ${reply.status}`;
    // A reshaped answer is the fault's point (or its side): marked so, it must really be one.
    const errors = schemaErrors('balance', reply.json);
    if (FAULTS[fault].activeBalance === 'reshaped') return errors.length === 0 ? 'marked reshaped, but the balance schema accepts the answer' : undefined;
    return errors.length > 0 ? `the balance schema refuses the answer: ${errors.join('; ')}` : undefined;
  });
}

// One test, not one per fault: Playwright's own work for a test cost more than starting a mock and
// asking it once. A failure names every fault that went wrong, with what it did.
test('every fault starts and serves GET balance to the active key, unless it says otherwise', async () => {
  // The unserved never answer GET balance (hang, 429, 503, drop, trickle, a certificate that fails): their probes check exactly that.
  const served = FAULT_NAMES.filter((f) => FAULTS[f].activeBalance !== 'unserved');
  const problems: string[] = [];
  for (let i = 0; i < served.length; i += 8) {
    const batch = served.slice(i, i + 8);
    const found = await Promise.all(batch.map(async (f) => [f, await balanceProblem(f)] as const));
    for (const [f, problem] of found) if (problem) problems.push(`${f}: ${problem}`);
  }
  expect(served.length, 'faults that serve GET balance').toBeGreaterThan(50);
  expect(problems).toEqual([]);
});

test.describe('every fault shows itself to its probe, and the conformant mock does not', () => {
  for (const fault of FAULT_NAMES) {
    test(`${fault} (${FAULTS[fault].breaks.join(', ')})`, async () => {
      const { probe: sees } = FAULTS[fault];
      // Side by side: a probe that waits out a lifetime waits once.
      const [broken, conforming] = await Promise.all([withMock(fault, (mock) => sees(kitFor(mock, material))), sees(kitFor(conformant, material))]);
      expect(broken, `the fault ${fault} did not show`).toBe(true);
      expect(conforming, `the conformant mock misbehaves on the probe for ${fault}`).toBe(false);
    });
  }
});

test.describe('a trickle lasts exactly as long as its connection', () => {
  /** The process's timers that keep it alive: the trickle's is one of them, on purpose. */
  const liveTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  /** Waits `ms`, then lets the timer that waited finish, so that it no longer counts. */
  const settle = async (ms: number): Promise<void> => {
    await pause(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** A connection whose GET balance has had its first `n` bytes. */
  const trickling = (mock: MockHandle, n: number): Promise<tls.TLSSocket> =>
    new Promise((resolve, reject) => {
      const socket = connectTls({ mock, material });
      let seen = 0;
      socket.once('secureConnect', () => socket.write(`GET /v1/balance HTTP/1.1\r\nHost: ${new URL(mock.baseUrl).host}\r\n\r\n`));
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= n) resolve(socket);
      });
      socket.on('error', reject);
    });

  test('the timer stops when the client goes away and when the mock closes, and close() stays prompt', async () => {
    const before = liveTimers();
    const mock = await startMock({ material, fault: 'trickles-response-head', challengeTtlSeconds: TTL_SECONDS });
    try {
      const idle = liveTimers();
      const leaving = await trickling(mock, 2);
      expect(liveTimers(), 'one timer per trickling connection').toBe(idle + 1);
      leaving.destroy();
      for (let i = 0; i < 40 && liveTimers() !== idle; i += 1) await settle(50);
      expect(liveTimers(), 'the timer of a connection the client closed').toBe(idle);

      const staying = await trickling(mock, 1);
      const closed = new Promise((resolve) => staying.once('close', resolve));
      const started = Date.now();
      await mock.close();
      expect(Date.now() - started, 'close() with a trickle under way').toBeLessThan(1000);
      await closed;
      await settle(0);
      expect(liveTimers(), 'timers left after close()').toBe(before);
    } finally {
      await mock.close();
    }
  });
});
