/**
 * SAFE-07: a failure inside the Allure reporter never reaches Playwright's runner, where it would
 * count as an error outside any test and turn a run the time limit ended (exit 3) into exit 1.
 */
import { expect, test } from '../support/unit-test';
import { guardHooks } from '../../helpers/reporting/allure-reporter';

test('SAFE-07 an Allure hook that throws or rejects is told on stderr once, and throws nothing into the runner', async () => {
  const told: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string) => (told.push(String(chunk)), true);
  try {
    const reporter: Record<string, unknown> = {
      onTestEnd: () => {
        throw new Error("ENOENT: no such file, open 'test-results/x/trace.zip'");
      },
      onEnd: () => Promise.reject(new Error('gone')),
      onBegin: () => 'kept',
    };
    guardHooks(reporter);
    expect((reporter.onTestEnd as () => unknown)()).toBeUndefined();
    await expect((reporter.onEnd as () => Promise<unknown>)()).resolves.toBeUndefined();
    expect((reporter.onBegin as () => unknown)(), 'a hook that works returns what it returns').toBe('kept');
  } finally {
    process.stderr.write = write;
  }
  expect(told).toHaveLength(1);
  expect(told[0]).toContain('Allure results may be incomplete: onTestEnd failed (ENOENT');
});
