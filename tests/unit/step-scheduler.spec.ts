import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSteps, type ScheduledStep } from '../support/step-scheduler';
import type { SelfTestTimings } from '../bench/step-timer';
import { expect, test } from '../support/unit-test';

/** A step that runs until the test lets it end, noting what ran beside it. */
class Gate {
  private release!: () => void;
  readonly released = new Promise<void>((r) => (this.release = r));
  started = false;
  open(): void {
    this.release();
  }
}

interface Log {
  running: Set<string>;
  cores: number;
  mostCores: number;
  order: string[];
}

function stepOf(key: string, cores: 1 | 2, gate: Gate, log: Log, extra: Partial<ScheduledStep<Log>> = {}): ScheduledStep<Log> & { number: number } {
  return {
    key,
    title: `${key}: a step`,
    cores,
    number: 0,
    ...extra,
    run: async () => {
      gate.started = true;
      log.order.push(key);
      log.running.add(key);
      log.cores += cores;
      log.mostCores = Math.max(log.mostCores, log.cores);
      process.stdout.write(`${key} one\n`);
      await gate.released;
      process.stdout.write(`${key} two\n`);
      log.running.delete(key);
      log.cores -= cores;
    },
  };
}

const until = async (condition: () => boolean): Promise<void> => {
  await expect.poll(condition).toBe(true);
};

function harness(): { log: Log; printed: string[]; timingsFile: string; errors: string[] } {
  return {
    log: { running: new Set(), cores: 0, mostCores: 0, order: [] },
    printed: [],
    timingsFile: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scheduler-')), 'timings.json'),
    errors: [],
  };
}

test('steps run side by side within the core budget, and a later step that fits goes before one that does not', async () => {
  const h = harness();
  const gates = { a: new Gate(), b: new Gate(), c: new Gate(), d: new Gate() };
  const steps = [stepOf('a', 2, gates.a, h.log), stepOf('b', 1, gates.b, h.log), stepOf('c', 2, gates.c, h.log), stepOf('d', 1, gates.d, h.log)];
  const done = runSteps(steps, h.log, { budget: 4, timingsFile: h.timingsFile, onError: () => {}, print: (_to, d) => h.printed.push(String(d)) });
  // a (2) + b (1) + d (1) fill the budget; c (2) waits.
  await until(() => gates.a.started && gates.b.started && gates.d.started);
  expect(gates.c.started).toBe(false);
  gates.b.open();
  gates.d.open();
  await until(() => gates.c.started);
  gates.a.open();
  gates.c.open();
  await done;
  expect(h.log.mostCores).toBeLessThanOrEqual(4);
  expect(h.log.order).toEqual(['a', 'b', 'd', 'c']);
});

test("a step's output is printed as one block when it ends, whatever ran beside it", async () => {
  const h = harness();
  const gates = { a: new Gate(), b: new Gate() };
  const done = runSteps([stepOf('a', 1, gates.a, h.log), stepOf('b', 1, gates.b, h.log)], h.log, {
    budget: 2,
    timingsFile: h.timingsFile,
    onError: () => {},
    print: (_to, d) => h.printed.push(String(d)),
  });
  await until(() => gates.a.started && gates.b.started);
  gates.b.open();
  await until(() => h.printed.some((p) => p.includes('b two')));
  gates.a.open();
  await done;
  const text = h.printed.join('');
  expect(text).toContain('b one\nb two\n');
  expect(text).toContain('a one\na two\n');
  expect(text.indexOf('b one')).toBeLessThan(text.indexOf('a one'));
  expect(text).toMatch(/--> started 0\. a\n/);
});

test('a step starts after the steps it reads, and a step that throws is reported while the rest still run', async () => {
  const h = harness();
  const gates = { a: new Gate(), b: new Gate() };
  const failing: ScheduledStep<Log> & { number: number } = {
    key: 'boom',
    title: 'boom',
    cores: 1,
    number: 0,
    run: () => {
      throw new Error('the step broke');
    },
  };
  const done = runSteps([stepOf('a', 1, gates.a, h.log), stepOf('b', 1, gates.b, h.log, { after: ['a', 'boom'] }), failing], h.log, {
    budget: 4,
    timingsFile: h.timingsFile,
    onError: (step, error) => h.errors.push(`${step.key}: ${(error as Error).message}`),
    print: (_to, d) => h.printed.push(String(d)),
  });
  await until(() => gates.a.started && h.errors.length === 1);
  expect(gates.b.started).toBe(false);
  gates.a.open();
  await until(() => gates.b.started);
  gates.b.open();
  await done;
  expect(h.errors).toEqual(['boom: the step broke']);
  const timings = JSON.parse(fs.readFileSync(h.timingsFile, 'utf8')) as SelfTestTimings;
  expect(timings.parts.map((p) => p.part.split(':')[0])).toEqual(['boom', 'a', 'b']);
  // a ran beside boom: its CPU cannot be told apart; b ran alone.
  expect(timings.parts.find((p) => p.part.startsWith('a'))!.cpuS).toBeNull();
});

test("interrupted, the running steps' output so far is shown at once, and what they print after it as it comes", async () => {
  const h = harness();
  const gate = new Gate();
  const done = runSteps([stepOf('a', 1, gate, h.log)], h.log, {
    budget: 2,
    timingsFile: h.timingsFile,
    onError: () => {},
    print: (_to, d) => h.printed.push(String(d)),
  });
  await until(() => gate.started);
  expect(h.printed.join('')).not.toContain('a one');
  process.emit('SIGINT');
  expect(h.printed.join('')).toMatch(/\(interrupted: its output so far\) ===\na one\n$/);
  gate.open();
  await done;
  expect(h.printed.join('')).toMatch(/a one\na two\n\(0\. a: [\d.]+ s\)\n$/);
});
