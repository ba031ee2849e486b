/**
 * The redactor's lookups (helpers/safety/pieces.ts) find what a plain search finds, however many
 * secrets a run has made: a whole encoding at every place it occurs, overlapping too, and a piece
 * at every position, after their filters grew many times over (SAFE-01).
 */
import crypto from 'node:crypto';
import { expect, test } from '../support/unit-test';
import { NEEDLE_KEY, Needles, Pieces, windowHashes } from '../../helpers/safety/pieces';
import { Redactor } from '../../helpers/safety/redact';

const SAFE01 = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };

const hashesOf = (text: string, length: number, base?: number): Int32Array => {
  const out = new Int32Array(text.length + 1);
  windowHashes(text, length, out, base);
  return out;
};

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
  set.find(text, hashesOf(text, NEEDLE_KEY), hits);
  expect(hits.map(([a, b]) => `${a}-${b}`).sort()).toEqual(plainSearch(text, needles));
});

test('SAFE-01 a piece is found at every position it stands, and nowhere else, after its table grew from a few pieces to 200,000', SAFE01, () => {
  const pieces = new Pieces(16);
  const all = Array.from({ length: 200_000 }, () => crypto.randomBytes(12).toString('base64'));
  for (const p of all) pieces.add(p);
  const text = `..${all[0]}..${all[123_456]}${all[199_999]}.${all[7]!.slice(1)}`;
  const [hashes, hashes2] = [hashesOf(text, 16), hashesOf(text, 16, Pieces.second)];
  const found = Array.from(text, (_, i) => i).filter((i) => pieces.at(text, i, hashes[i]!, hashes2[i]!));
  expect(found).toEqual([2, 20, 36]);
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
