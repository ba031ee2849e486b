/**
 * The checks that wait past a lifetime start first (issue 20). Playwright queues a run's tests in
 * the order its walk of `specs/` finds their files, each folder's entries sorted with
 * `localeCompare`, and hands the first ones to the workers as they start. SIGN-11 waits past the
 * challenge lifetime (3.1 s with the mock's 2 s); queued where the signing folder put it, that wait
 * ran after most other checks and the worker holding it ended a second after the other. In
 * `specs/0-real-time/`, sorted before every area's folder, the wait overlaps the rest of the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/unit-test';

const SPECS = path.resolve(__dirname, '..', '..', 'specs');
const FIRST = '0-real-time';
const inFirst = (file: string): boolean => file.startsWith(`${FIRST}${path.sep}`);

/** Spec files in the order Playwright's file walk finds them (node_modules/playwright/lib/runner: collectFiles). */
function walkOrder(dir: string): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walkOrder(full);
    return e.name.endsWith('.spec.ts') ? [path.relative(SPECS, full)] : [];
  });
}

test(`the folder of checks that wait past a lifetime, ${FIRST}, comes first in Playwright's order`, () => {
  const order = walkOrder(SPECS);
  const first = order.findIndex((f) => !inFirst(f));
  expect(first, `${order.join(', ')}`).toBeGreaterThan(0);
  expect(order.slice(first).filter(inFirst)).toEqual([]);
});

test(`every spec that waits past a lifetime (pastLifetimeMs) is in ${FIRST}, and nothing else is`, () => {
  const order = walkOrder(SPECS);
  const waits = order.filter((f) => /\bpastLifetimeMs\(/.test(fs.readFileSync(path.join(SPECS, f), 'utf8')));
  expect(waits.length).toBeGreaterThan(0);
  expect(order.filter(inFirst)).toEqual(waits);
});
