/**
 * SAFE-08: what the target sends is compared in linear time and shown cut. The case that stalled a
 * run: two 60,000-item arrays that differ, compared with toEqual, took 42 s in one assertion.
 */
import { expect, test } from '../support/unit-test';
import { bounded, cutText, MAX_SHOWN_CHARS, sameValue } from '../../helpers/safety/bounded';
import { expectSameValue } from '../../helpers/expectations';

const SAFE08 = { annotation: [{ type: 'requirement', description: 'SAFE-08' }] };

test('SAFE-08 two 60,000-item target values are compared and reported in well under a second', SAFE08, () => {
  const a = Array.from({ length: 60_000 }, (_, i) => `item ${i}`);
  const b = [...a.slice(0, -1), 'changed'];
  const started = Date.now();
  expect(sameValue(a, [...a])).toBe(true);
  expect(sameValue(a, b)).toBe(false);
  let message = '';
  try {
    expectSameValue(a, b, 'same message');
  } catch (error) {
    message = (error as Error).message;
  }
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(message).toContain('same message');
  expect(message.length, 'the failure shows both values cut').toBeLessThan(4 * MAX_SHOWN_CHARS);
});

test('SAFE-08 values are compared by content: member order does not matter, types do', SAFE08, () => {
  expect(sameValue({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
  expect(sameValue({ a: 1 }, { a: '1' })).toBe(false);
  expect(sameValue(undefined, undefined)).toBe(true);
  expect(sameValue([1, 2], [2, 1])).toBe(false);
});

test('SAFE-08 small values pass through unchanged; large ones are cut and say so', SAFE08, () => {
  expect(bounded('Unauthorized')).toBe('Unauthorized');
  expect(bounded({ a: [1, 2] })).toEqual({ a: [1, 2] });
  const big = bounded(Array.from({ length: 60_000 }, () => 'x'));
  expect(typeof big).toBe('string');
  expect(big as string).toMatch(/… \(cut: \d+ characters in all\)$/);
  expect((big as string).length).toBeLessThan(MAX_SHOWN_CHARS + 64);
  expect(cutText('abc', 2)).toBe('ab… (cut: 3 characters in all)');
});
