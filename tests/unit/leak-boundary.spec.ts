/**
 * SAFE-01: the redactor knows every encoding the requirement names; the leak detector, which
 * shares no code with it, finds each of them in raw bytes (so it can fail), and finds none once
 * the redactor has run; the reporter boundary redacts what Playwright hands the reporters,
 * files written by path included; the merge refuses to write without the shards' secrets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../support/unit-test';
import type { TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { Redactor, holdsSecret, redactor } from '../../helpers/safety/redact';
import { redactOutputs } from '../../helpers/reporting/output-backstop';
import RedactingReporter from '../../helpers/reporting/redacting-reporter';
import { missingSecrets } from '../../helpers/runner/merge-summaries';
import type { Summary } from '../../helpers/reporting/summary';
import { detectLeaks, leakedEncodings } from '../support/leak-detector';

const SAFE01 = { annotation: [{ type: 'requirement', description: 'SAFE-01' }] };
const KEY = 'cpp_test_Zk3Qv8Lr2Nw5Tx7Yb1Hc4Jd6Fg9Sa0Pm';
const PEM = `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'.padEnd(64, 'x')}\n${'q4Lm9Zt2Rw8Kp1Vn6Hy3Jc5Db7Fs0Ga4Ee2Ui8Oo1Pl3Mk5Nj7Bh9Cg0Xf2Wd4Sa'}\n-----END PRIVATE KEY-----\n`;
const SECRETS = [KEY, PEM];
const bytes = Buffer.from(KEY, 'utf8');
const pct = (upper: boolean): string => {
  const escaped = Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return upper ? escaped.toUpperCase() : escaped.toLowerCase();
};
/** Every character percent-encoded, as an encoder that escapes everything (or a second pass over `%XX`) writes it. */
const percentAll = (text: string, upper = true): string =>
  Array.from(Buffer.from(text, 'latin1'), (b) => `%${b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`).join('');
/** A proxy that re-encodes what it forwards escapes only the `%` of each escape. */
const reencoded = (text: string, times: number): string => text.replace(/%/g, `%${'25'.repeat(times)}`);
const jsonEscaped = (text: string): string => text.replace(/./g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** Each byte of `data` spelt by `spell` from its two hex digits (in the case asked for) or its value, joined by `sep`. */
const perByte = (data: Buffer, upper: boolean, spell: (hex: string, b: number) => string, sep = ''): string =>
  Array.from(data, (b) => spell(b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase'](), b)).join(sep);
const utf16le = Buffer.from(KEY, 'utf16le');
const utf16be = Buffer.from(KEY, 'utf16le').swap16();

/** The per-byte spellings that tools write by accident (byte escapes, dumps, markup, UTF-16 escaped byte by byte), in upper and lower hex. */
const PER_BYTE_PLANTS: Record<string, Buffer> = Object.fromEntries(
  [false, true].flatMap((upper) => {
    const hexCase = upper ? 'upper hex' : 'lower hex';
    const spelt: Array<[string, string]> = [
      [`\\x byte escapes, ${hexCase} (\\x63\\x70)`, `print(b'${perByte(bytes, upper, (h) => `\\x${h}`)}')`],
      [`colon-separated hex, ${hexCase} (X-Debug-Key: 63:70)`, `X-Debug-Key: ${perByte(bytes, upper, (h) => h, ':')}`],
      [`space-separated hex dump, ${hexCase} (63 70)`, `00000000  ${perByte(bytes, upper, (h) => h, ' ')}`],
      [`C array, comma-separated, ${hexCase} (0x63,0x70)`, `unsigned char k[] = {${perByte(bytes, upper, (h) => `0x${h}`, ',')}};`],
      [`C array, space-separated, ${hexCase} (0x63 0x70)`, `k: ${perByte(bytes, upper, (h) => `0x${h}`, ' ')}`],
      [`HTML hex character references, ${hexCase} (&#x63;)`, `<p>${perByte(bytes, upper, (h) => `&#x${h};`)}</p>`],
      [`UTF-16LE as JSON escapes of its bytes, ${hexCase} (\\u0063\\u0000)`, `{"k":"${perByte(utf16le, upper, (h) => `\\u00${h}`)}"}`],
      [`UTF-16BE as JSON escapes of its bytes, ${hexCase} (\\u0000\\u0063)`, `{"k":"${perByte(utf16be, upper, (h) => `\\u00${h}`)}"}`],
    ];
    return spelt.map(([name, text]) => [name, Buffer.from(text)]);
  }),
);

/** The key planted in each encoding SAFE-01 names, each as the bytes a sink might write. */
const PLANTS: Record<string, Buffer> = {
  raw: Buffer.from(`{"message":"bad key ${KEY}"}`),
  'changed case': Buffer.from(`message: ${KEY.toUpperCase()}`),
  'split by terminal colours': Buffer.from(`Received: "${KEY.slice(0, 10)}\u001b[7m${KEY.slice(10, 20)}\u001b[27m${KEY.slice(20)}"`),
  'a 12-character piece': Buffer.from(`got …${KEY.slice(10, 23)}…`),
  'hex, lower case': Buffer.from(`id=${bytes.toString('hex')}`),
  'hex, upper case': Buffer.from(`id=${bytes.toString('hex').toUpperCase()}`),
  'percent-encoded, upper hex': Buffer.from(`?k=${pct(true)}`),
  'percent-encoded, lower hex': Buffer.from(`?k=${pct(false)}`),
  'JSON \\u escapes': Buffer.from(
    JSON.stringify({ k: KEY }).replace(/[a-z0-9_]/gi, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`),
  ),
  'JSON \\u escapes of some characters only': Buffer.from(
    `{"k":"${KEY.replace(/[a-z0-9_]/gi, (c, i: number) => (i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))}"}`,
  ),
  'percent-encoding of some characters only': Buffer.from(
    `Location: /x?q=${KEY.replace(/./g, (c, i: number) => (i % 5 === 0 ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : c))}`,
  ),
  'percent-encoded twice, upper hex (a proxy that re-encodes: %2563)': Buffer.from(`Location: /v1/x?k=${reencoded(pct(true), 1)}`),
  'percent-encoded twice, lower hex': Buffer.from(`?k=${reencoded(pct(false), 1)}`),
  'percent-encoded three times': Buffer.from(`?k=${reencoded(pct(true), 2)}`),
  'percent-encoded twice, every character (%25%36%33)': Buffer.from(`?k=${percentAll(pct(true))}`),
  'percent-encoded three times, every character, lower hex': Buffer.from(`?k=${percentAll(percentAll(pct(false), false), false)}`),
  'percent layers mixed, none to three per character': Buffer.from(
    `?k=${KEY.replace(/./g, (c, i: number) => (i % 4 === 0 ? c : reencoded(percentAll(c, i % 2 === 0), (i % 4) - 1)))}`,
  ),
  'percent-encoded twice, the key in another case': Buffer.from(`?k=${reencoded(percentAll(KEY.toUpperCase()), 1)}`),
  'percent-encoded JSON \\u escapes (%5Cu0063)': Buffer.from(`?msg=${encodeURIComponent(jsonEscaped(KEY))}`),
  'percent-encoded JSON \\u escapes, every character': Buffer.from(`?msg=${percentAll(jsonEscaped(KEY), false)}`),
  'JSON \\u escapes of a percent-encoded key': Buffer.from(`{"k":"${jsonEscaped(pct(true))}"}`),
  'JSON \\u escapes serialised twice (\\\\u0063)': Buffer.from(JSON.stringify({ body: JSON.stringify({ k: jsonEscaped(KEY) }) })),
  Base64: Buffer.from(`WWW-Authenticate: ApiKey ${Buffer.from(KEY).toString('base64')}`),
  'Base64 at offset 1': Buffer.from(`v=${Buffer.from(`x${KEY}`).toString('base64')}`),
  'Base64 at offset 2': Buffer.from(`v=${Buffer.from(`xy${KEY}`).toString('base64')}`),
  'Base64 of the key in another case': Buffer.from(`v=${Buffer.from(`"${KEY.toUpperCase()}"`).toString('base64')}`),
  base64url: Buffer.from(`v=${Buffer.from(`?>${KEY}`).toString('base64url')}`),
  'Basic-auth style KEY:': Buffer.from(`Authorization: Basic ${Buffer.from(`${KEY}:`).toString('base64')}`),
  'Basic-auth style :KEY': Buffer.from(`Authorization: Basic ${Buffer.from(`:${KEY}`).toString('base64')}`),
  'base64url of KEY:': Buffer.from(`v=${Buffer.from(`${KEY}:`).toString('base64url')}`),
  'base64url of :KEY': Buffer.from(`v=${Buffer.from(`:${KEY}`).toString('base64url')}`),
  'hex of the key in another case': Buffer.from(`id=${Buffer.from(KEY.toUpperCase()).toString('hex')}`),
  'UTF-16LE': Buffer.concat([Buffer.from('\ufeff', 'utf16le'), Buffer.from(`key ${KEY}`, 'utf16le')]),
  'UTF-16BE': Buffer.from(`key ${KEY}`, 'utf16le').swap16(),
  'UTF-16LE at an odd offset': Buffer.concat([Buffer.from('x'), Buffer.from(KEY, 'utf16le')]),
  'UTF-16BE, the key in another case': Buffer.from(KEY.toUpperCase(), 'utf16le').swap16(),
  ...PER_BYTE_PLANTS,
  'HTML decimal character references (&#99;)': Buffer.from(`<p>${perByte(bytes, false, (_h, b) => `&#${b};`)}</p>`),
  'HTML references escaped again (&amp;#99;)': Buffer.from(`&lt;p&gt;${perByte(bytes, false, (_h, b) => `&amp;#${b};`)}`),
  'C array as xxd -i writes it (0x63, 0x70)': Buffer.from(`{ ${perByte(bytes, false, (h) => `0x${h}`, ', ')} }`),
  'hex dump with a gap after the 8th byte (hexdump -C, its text column cut)': Buffer.from(
    [0, 16, 32]
      .map(
        (o) =>
          `${o.toString(16).padStart(8, '0')}  ${perByte(bytes.subarray(o, o + 8), false, (h) => h, ' ')}  ${perByte(bytes.subarray(o + 8, o + 16), false, (h) => h, ' ')}`,
      )
      .join('\n'),
  ),
  'percent-encoded \\x escapes (%5Cx63)': Buffer.from(`?msg=${encodeURIComponent(perByte(bytes, true, (h) => `\\x${h}`))}`),
  'UTF-16LE as a Python bytes repr (c\\x00p\\x00)': Buffer.from(`b'${utf16le.toString('latin1').replace(/\0/g, '\\x00')}'`),
  'UTF-16LE as a JSON string of its bytes (c\\u0000p\\u0000)': Buffer.from(JSON.stringify({ body: utf16le.toString('latin1') })),
  'hex dump of UTF-16LE (63 00 70 00)': Buffer.from(perByte(utf16le, true, (h) => h, ' ')),
  'Base64 of the key lower-cased': Buffer.from(`v=${Buffer.from(KEY.toLowerCase()).toString('base64')}`),
  'a PEM line inside JSON': Buffer.from(JSON.stringify({ pem: PEM })),
  'a PEM in Base64': Buffer.from(Buffer.from(PEM).toString('base64')),
};

/** A never-issued key of the same kind: the same prefix and first random characters, in another case. */
const OTHER = `${KEY.slice(0, 12).toUpperCase()}a1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9`;

/** Text that holds no secret, some of it in the plants' encodings: the detector must find nothing in it. */
const CLEAN: readonly string[] = [
  OTHER,
  Buffer.from(OTHER).toString('base64'),
  Buffer.from(OTHER).toString('hex'),
  reencoded(percentAll(OTHER), 2),
  jsonEscaped(encodeURIComponent(OTHER)),
  perByte(Buffer.from(OTHER), true, (h) => h, ':'),
  perByte(Buffer.from(OTHER), false, (h) => `0x${h}`, ', '),
  perByte(Buffer.from(OTHER), false, (h) => `\\x${h}`),
  perByte(Buffer.from(OTHER), false, (_h, b) => `&#${b};`),
  perByte(Buffer.from(OTHER, 'utf16le'), false, (h) => `\\u00${h}`),
  '[redacted …g9Sa0Pm]'.slice(0, 15),
  `X-API-Key: [redacted …${KEY.slice(-4)}]`,
];

function plant(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leak-boundary-'));
  // 'wx': two plants whose names make the same file name would hide one of them.
  for (const [name, data] of Object.entries(PLANTS)) fs.writeFileSync(path.join(dir, `${name.replace(/\W+/g, '-')}.txt`), data, { flag: 'wx' });
  return dir;
}

test.describe('the leak detector proves the redactor, and can fail', () => {
  test('SAFE-01 with the redactor turned into the identity, the detector finds every planted encoding', SAFE01, () => {
    const dir = plant();
    const identity = { redactBytes: (data: Buffer): Buffer => data };
    expect(redactOutputs([dir], identity)).toEqual([]);
    const found = new Set(detectLeaks([dir], SECRETS).map((l) => path.basename(l.where)));
    const missed = Object.keys(PLANTS).filter((name) => !found.has(`${name.replace(/\W+/g, '-')}.txt`));
    expect(missed, 'plants the detector did not find').toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  test('SAFE-01 with the redactor on, the detector finds none of them', SAFE01, () => {
    const dir = plant();
    const masked = redactOutputs([dir], new Redactor(SECRETS));
    expect(masked).toHaveLength(Object.keys(PLANTS).length);
    expect(detectLeaks([dir], SECRETS)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  test('SAFE-01 the detector leaves out only the folders it is told to, by path, not by name', SAFE01, () => {
    const dir = plant();
    const except = path.join(dir, 'report-check');
    for (const sub of ['report-check', 'report-check-2']) {
      fs.mkdirSync(path.join(dir, sub));
      fs.writeFileSync(path.join(dir, sub, 'leak.txt'), KEY);
    }
    const found = detectLeaks([dir], SECRETS, {}, [except]).map((l) => path.relative(dir, path.resolve(l.where)));
    expect(found).toContain(path.join('report-check-2', 'leak.txt'));
    expect(found).not.toContain(path.join('report-check', 'leak.txt'));
    expect(found).toHaveLength(Object.keys(PLANTS).length + 1);
    fs.rmSync(dir, { recursive: true });
  });

  test('SAFE-01 the detector does not cry wolf on text that holds no secret', SAFE01, () => {
    const clean = CLEAN.join('\n');
    expect(leakedEncodings(clean, SECRETS)).toEqual([]);
    expect(leakedEncodings(Buffer.from(clean, 'utf16le'), SECRETS)).toEqual([]);
  });

  test('SAFE-01 the redactor masks each encoding in a string, and AUTH-13 sees each as an echo', SAFE01, () => {
    const r = new Redactor(SECRETS);
    for (const [name, data] of Object.entries(PLANTS)) {
      const text = data.toString('latin1');
      expect(holdsSecret(text, name.includes('PEM') ? PEM : KEY), `AUTH-13 sees ${name}`).toBe(true);
      expect(leakedEncodings(Buffer.from(r.redact(text), 'latin1'), SECRETS), `left after redacting ${name}`).toEqual([]);
    }
  });

  test('SAFE-01 redacting bytes changes nothing but the masked ranges', SAFE01, () => {
    const r = new Redactor([KEY]);
    const binary = Buffer.from([0xff, 0x00, 0xc3, 0xa9, 0x80, ...Buffer.from(` ${KEY} `), 0xfe]);
    const out = r.redactBytes(binary);
    expect(out.subarray(0, 6)).toEqual(binary.subarray(0, 6));
    expect(out.at(-1)).toBe(0xfe);
    expect(out.toString('utf8')).toContain(`[redacted …${KEY.slice(-4)}]`);
    const untouched = Buffer.from('no secret here \u00e9');
    expect(r.redactBytes(untouched)).toBe(untouched);
  });
});

test.describe('the reporter boundary', () => {
  test('SAFE-01 titles, step titles at begin, annotations, errors, output and attachments by path are redacted', SAFE01, () => {
    redactor.add(KEY);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-out-'));
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-elsewhere-'));
    const errorContext = path.join(out, 'error-context.md');
    fs.writeFileSync(errorContext, `# Error\nExpected: "Unauthorized"\nReceived: "bad key ${pct(true)}"\n`);
    const foreign = path.join(elsewhere, 'user-file.txt');
    fs.writeFileSync(foreign, `key ${KEY}`);
    const step = { title: `GET /v1/${KEY}`, steps: [], annotations: [{ type: 'note', description: KEY }], attachments: [] } as unknown as TestStep;
    const test = {
      title: 'AUTH-13 a title',
      annotations: [{ type: 'skip', description: `skipped for /v1/${Buffer.from(KEY).toString('base64')}` }],
    } as unknown as TestCase;
    const result = {
      errors: [{ message: `expected "Unauthorized", received "${KEY}"`, stack: `Error: ${KEY.toUpperCase()}` }],
      error: { message: `expected "Unauthorized", received "${KEY}"` },
      stdout: [`echo ${KEY}`, Buffer.from(`hex ${bytes.toString('hex')}`)],
      stderr: [],
      annotations: [
        { type: 'skip', description: `target said ${JSON.stringify(KEY).replace(/./g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}` },
      ],
      steps: [step],
      attachments: [
        { name: 'error-context', contentType: 'text/markdown', path: errorContext },
        { name: 'user file', contentType: 'text/plain', path: foreign },
        { name: 'utf-16 body', contentType: 'text/plain', body: Buffer.from(KEY, 'utf16le') },
      ],
    } as unknown as TestResult;
    const reporter = new RedactingReporter({ outputDirs: [out] });
    reporter.onStepBegin(test, result, step);
    expect(step.title, 'allure-playwright reads the title here').not.toContain(KEY);
    reporter.onTestEnd(test, result);
    const seen = [JSON.stringify({ test, result }), ...result.attachments.map((a) => a.body?.toString('latin1') ?? '')].join('\n');
    expect(leakedEncodings(seen, [KEY])).toEqual([]);
    expect(leakedEncodings(fs.readFileSync(errorContext), [KEY]), 'error-context.md is rewritten in place').toEqual([]);
    expect(fs.readFileSync(foreign, 'utf8'), 'a file outside the run is never touched').toBe(`key ${KEY}`);
    expect(result.attachments[1]!.path, 'its redacted copy travels as the body').toBeUndefined();
    fs.rmSync(out, { recursive: true });
    fs.rmSync(elsewhere, { recursive: true });
  });
  test('SAFE-01 a step still running when its parent is redacted is redacted again when it ends', SAFE01, () => {
    redactor.add(KEY);
    const child = { title: 'GET /v1/balance', duration: -1, steps: [], annotations: [], attachments: [] } as unknown as TestStep;
    const parent = { title: 'After Hooks', duration: 5, steps: [child], annotations: [], attachments: [] } as unknown as TestStep;
    const reporter = new RedactingReporter();
    reporter.onStepEnd({} as TestCase, {} as TestResult, parent);
    // Late news for the running step: an error and an attachment, both holding the key.
    (child as { error?: unknown }).error = { message: `received "${KEY}"` };
    (child.attachments as Array<{ name: string; contentType: string; body: Buffer }>).push({
      name: 'exchange',
      contentType: 'text/plain',
      body: Buffer.from(`X-Echo: ${KEY}`),
    });
    (child as { duration: number }).duration = 3;
    reporter.onStepEnd({} as TestCase, {} as TestResult, child);
    expect(leakedEncodings(JSON.stringify(child.error), [KEY])).toEqual([]);
    expect(leakedEncodings(child.attachments[0]!.body!.toString('latin1'), [KEY])).toEqual([]);
  });
});

test.describe('the merge', () => {
  const summary = (target: 'mock' | 'remote'): Summary => ({ target }) as Summary;
  test('SAFE-01 merging a remote target without its keys is refused, naming the variable', SAFE01, () => {
    expect(missingSecrets([summary('remote')], [])).toMatch(/^Cannot merge: CARDPLUSPAY_API_KEY is not set\./);
    expect(missingSecrets([summary('remote')], ['CARDPLUSPAY_API_KEY'])).toBeUndefined();
    expect(missingSecrets([summary('mock'), summary('mock')], []), "the mock's keys die with it").toBeUndefined();
  });
});
