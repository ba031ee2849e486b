/**
 * The redactor's lookups (helpers/safety/pieces.ts) find what a plain search finds, however many
 * secrets a run has made: a whole encoding at every place it occurs, overlapping too, and a piece
 * at every position, after their filters grew many times over (SAFE-01).
 */
import crypto from 'node:crypto';
import { expect, test } from '../support/unit-test';
import { NEEDLE_KEY, Needles, Pieces, Roller } from '../../helpers/safety/pieces';
import { Redactor } from '../../helpers/safety/redact';

const SAFE01 = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };

/** The positions of `text` where `pieces.at` holds, a Roller moved along as the redactor moves it. */
function positionsOf(pieces: Pieces, text: string): number[] {
  const window = new Roller(pieces.length);
  window.start(text);
  const found: number[] = [];
  for (let i = 0; i < text.length; window.roll(text, i++)) if (pieces.at(text, i, window)) found.push(i);
  return found;
}

/** Every [from, to) of every needle in text, by indexOf: what the redactor's search did before. */
function plainSearch(text: string, needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const n of needles) for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) hits.push(`${i}-${i + n.length}`);
  return hits.sort();
}

test('SAFE-01 among 5,000 whole encodings, each occurrence of each is found, overlapping ones and one too short to hash included', SAFE01, () => {
  const needles = Array.from({ length: 5000 }, () => crypto.randomBytes(12).toString('base64'));
  needles.push('abababababab', 'ababab');
  const set = new Needles();
  for (const n of needles) set.add(n);
  expect(set.add(needles[0]!), 'a needle already known').toBe(false);
  const text = `x${needles[17]}y${needles[4999]}${needles[4999]}zabababababababab${needles[17]!.slice(0, NEEDLE_KEY)}`;
  const hits: Array<[number, number]> = [];
  set.find(text, hits);
  expect(hits.map(([a, b]) => `${a}-${b}`).sort()).toEqual(plainSearch(text, needles));
});

test('SAFE-01 a piece is found at every position it stands, and nowhere else, after its table grew from a few pieces to 20,000', SAFE01, () => {
  const pieces = new Pieces(16);
  const all = Array.from({ length: 20_000 }, () => crypto.randomBytes(12).toString('base64'));
  for (const p of all) pieces.add(p);
  const text = `..${all[0]}..${all[12_345]}${all[19_999]}.${all[7]!.slice(1)}`;
  expect(positionsOf(pieces, text)).toEqual([2, 20, 36]);
});

test('SAFE-01 with 1,500 signatures registered, an echoed one is masked in every spelling, and ordinary text is left as it was', SAFE01, () => {
  const signatures = Array.from({ length: 1500 }, () => crypto.randomBytes(256).toString('base64'));
  const r = new Redactor(signatures);
  const echoed = signatures[777]!;
  for (const spelling of [echoed, encodeURIComponent(echoed), Buffer.from(echoed).toString('base64'), echoed.slice(100, 130), JSON.stringify({ s: echoed })]) {
    expect(r.findsSecretIn(r.redact(`{"message":"bad signature ${spelling}"}`)), spelling.slice(0, 20)).toBe(false);
  }
  const ordinary = 'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{"success":false,"message":"Invalid signature","data":null}';
  expect(r.redact(ordinary)).toBe(ordinary);
});

test('SAFE-01 a text added in steps keeps the windows at each step and only those (a Base64 form, whole groups)', SAFE01, () => {
  const pieces = new Pieces(16);
  const form = 'QUJDREVGR0hJSktMTU5PUFFSU1RV';
  pieces.add(form, 4);
  expect(positionsOf(pieces, form)).toEqual([0, 4, 8, 12]);
  expect(pieces.has(form.slice(4, 20)) && !pieces.has(form.slice(1, 17))).toBe(true);
});

test('SAFE-01 a long text found clean does not vouch for one that differs in a lone surrogate (found by attacking the digest memo)', SAFE01, () => {
  const r = new Redactor(['ab\uFFFDcdefgh']);
  const pad = 'x'.repeat(600);
  expect(r.redact(`${pad}ab\uD800cdefgh`)).toBe(`${pad}ab\uD800cdefgh`);
  expect(r.findsSecretIn(r.redact(`${pad}ab\uFFFDcdefgh`))).toBe(false);
});
