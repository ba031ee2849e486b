/**
 * SAFE-07: a failure inside the Allure reporter never reaches Playwright's runner, where it would
 * count as an error outside any test and turn a run the time limit ended (exit 3) into exit 1. And
 * its writer, which writes off the runner's thread, has every file on disk once flushed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import { guardHooks, PlainWriter } from '../../helpers/reporting/allure-reporter';

test('SAFE-07 the Allure writer has every file on disk, the last write of a name winning, once flushed; a failed write rejects the flush', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allure-writer-'));
  try {
    const writer = new PlainWriter(dir);
    for (let i = 0; i < 50; i++) writer.writeAttachment(`a${i}.txt`, Buffer.from(`attachment ${i}`));
    for (let i = 0; i < 20; i++) writer.writeGlobals('globals.json', { round: i });
    await writer.flush();
    expect(fs.readdirSync(dir)).toHaveLength(51);
    expect(fs.readFileSync(path.join(dir, 'a49.txt'), 'utf8')).toBe('attachment 49');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'globals.json'), 'utf8'))).toEqual({ round: 19 });
    writer.writeAttachment('no-such-folder/x.txt', Buffer.from('x'));
    await expect(writer.flush()).rejects.toThrow(/ENOENT/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

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
