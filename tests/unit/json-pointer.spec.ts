/**
 * The challenge is read at CARDPLUSPAY_CHALLENGE_POINTER, an RFC 6901 JSON pointer: the RFC's own
 * examples (section 5), the ~0/~1 escapes in the right order, and paths that lead nowhere.
 */
import { expect, test } from '../support/unit-test';
import { readJsonPointer } from '../../helpers/contract/json-pointer';

const RFC_DOC = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };

const RFC_EXAMPLES: ReadonlyArray<[string, unknown]> = [
  ['', RFC_DOC],
  ['/foo', ['bar', 'baz']],
  ['/foo/0', 'bar'],
  ['/', 0],
  ['/a~1b', 1],
  ['/c%d', 2],
  ['/e^f', 3],
  ['/g|h', 4],
  ['/i\\j', 5],
  ['/k"l', 6],
  ['/ ', 7],
  ['/m~0n', 8],
];

test('RFC 6901 section 5 examples resolve to the RFC values', () => {
  for (const [pointer, value] of RFC_EXAMPLES) expect(readJsonPointer(RFC_DOC, pointer), `pointer "${pointer}"`).toEqual(value);
});

test('~01 unescapes to "~1", not "/" (~1 is replaced before ~0)', () => {
  expect(readJsonPointer({ '~1': 'tilde-one', '/': 'slash' }, '/~01')).toBe('tilde-one');
});

test('the default pointer reads data.challenge from the decided response shape', () => {
  expect(readJsonPointer({ success: true, message: 'ok', data: { challenge: 'abc', expires_in: 300 } }, '/data/challenge')).toBe('abc');
});

test('paths that lead nowhere give undefined', () => {
  const doc = { data: { list: ['a', 'b'], nested: { x: null } } };
  for (const pointer of [
    '/missing',
    '/data/challenge',
    '/data/list/2',
    '/data/list/01',
    '/data/list/-',
    '/data/nested/x/y',
    '/data/constructor',
    'data/list',
    '/__proto__',
  ]) {
    expect(readJsonPointer(doc, pointer), `pointer "${pointer}"`).toBeUndefined();
  }
  expect(readJsonPointer(undefined, '/data/challenge')).toBeUndefined();
  expect(readJsonPointer('not an object', '/0')).toBeUndefined();
});
