/**
 * The encodings SAFE-01 names, of one secret: the spellings the redactor (redact.ts) registers
 * whole or in pieces, and that callers list (the egress's check of what leaves the machine).
 */

/** Characters of a secret that make a leak: settings refuse keys shorter than this (SAFE-04). */
export const FRAGMENT = 12;

/**
 * One encoding of a secret: the encoded text, how many encoded characters stand for one byte of
 * the secret (a piece must start on that boundary), and whether letter case carries meaning.
 */
interface Form {
  name: string;
  text: string;
  /** Encoded characters per `per` bytes of the secret (at most: a decimal reference is 4 to 6). */
  unit: number;
  per: number;
  caseless: boolean;
}

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * The encodings of SAFE-01. Base64 and base64url come in three alignments: the same bytes read
 * from an offset of 0, 1 or 2 in a longer string (`KEY:`, `:KEY`, a JSON document) encode
 * differently, but each alignment's whole 3-byte groups always encode the same way.
 */
export function formsOf(secret: string): Form[] {
  const bytes = Buffer.from(secret, 'utf8');
  const each = (f: (b: number) => string): string => Array.from(bytes, f).join('');
  const forms: Form[] = [
    { name: 'raw', text: bytes.toString('latin1'), unit: 1, per: 1, caseless: true },
    { name: 'hex', text: bytes.toString('hex'), unit: 2, per: 1, caseless: true },
    { name: 'percent-encoded', text: each((b) => `%${hex2(b)}`), unit: 3, per: 1, caseless: true },
    { name: 'JSON \\u escapes', text: each((b) => `\\u00${hex2(b)}`), unit: 6, per: 1, caseless: true },
    { name: '\\x byte escapes', text: each((b) => `\\x${hex2(b)}`), unit: 4, per: 1, caseless: true },
    { name: 'colon-separated hex', text: each((b) => `${hex2(b)}:`).slice(0, -1), unit: 3, per: 1, caseless: true },
    { name: 'space-separated hex', text: each((b) => `${hex2(b)} `).slice(0, -1), unit: 3, per: 1, caseless: true },
    { name: 'C array', text: each((b) => `0x${hex2(b)}, `).slice(0, -2), unit: 6, per: 1, caseless: true },
    { name: 'HTML decimal references', text: each((b) => `&#${b};`), unit: 6, per: 1, caseless: true },
    { name: 'HTML hex references', text: each((b) => `&#x${hex2(b)};`), unit: 6, per: 1, caseless: true },
    { name: 'UTF-16LE', text: Buffer.from(secret, 'utf16le').toString('latin1'), unit: 2, per: 1, caseless: true },
    { name: 'UTF-16BE', text: Buffer.from(secret, 'utf16le').swap16().toString('latin1'), unit: 2, per: 1, caseless: true },
  ];
  return [...forms, ...base64Forms(bytes)];
}

export function base64Forms(bytes: Buffer): Form[] {
  const forms: Form[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const whole = bytes.subarray(offset, offset + Math.floor((bytes.length - offset) / 3) * 3);
    if (whole.length === 0) continue;
    forms.push({ name: `Base64 (offset ${offset})`, text: whole.toString('base64'), unit: 4, per: 3, caseless: false });
    forms.push({ name: `base64url (offset ${offset})`, text: whole.toString('base64url'), unit: 4, per: 3, caseless: false });
  }
  return forms;
}

/** Encodings that vary in width from character to character: looked for whole. */
export function wholeNeedles(secret: string): string[] {
  return [encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

/** A PEM's armour line: `-----BEGIN RSA PRIVATE KEY-----`, `-----END PRIVATE KEY-----`. */
const ARMOUR = /-----(BEGIN|END) [A-Z0-9 ]*-----/g;

/**
 * The secret part of a PEM: the Base64 body of each block, line by line; undefined for a text that
 * holds no PEM body. Armour, headers (`Proc-Type: …`), line breaks (also escaped, `\n`, as an
 * environment variable or JSON holds them) and anything outside the blocks are public structure,
 * the same in every key of a kind: a piece drawn from them would mask ordinary words ("private
 * key") wherever they are written.
 */
export function pemBodies(text: string): string[][] | undefined {
  const armour = [...text.matchAll(ARMOUR)];
  const blocks: string[][] = [];
  armour.forEach((a, i) => {
    if (a[1] !== 'BEGIN') return;
    // Up to the next armour line, or the end of a file cut short before its END line.
    const body = text.slice(a.index + a[0].length, armour[i + 1]?.index ?? text.length);
    const lines = body.split(/\s+|\\[nr]/).filter((word) => /^[A-Za-z0-9+/]+=*$/.test(word));
    if (lines.length > 0) blocks.push(lines);
  });
  return blocks.length > 0 ? blocks : undefined;
}

/** The encodings a secret can take on its way into a file or a log line (whole, for callers that list them). */
export function encodingsOf(secret: string): string[] {
  const out = new Set<string>([secret, ...wholeNeedles(secret), ...formsOf(secret).map((f) => f.text)]);
  // A PEM's body lines are secret one by one: a report may wrap or cut it anywhere.
  for (const line of secret.split(/\r?\n/)) if (line.length >= 24 && !line.startsWith('-----')) out.add(line);
  return [...out].filter((s) => s.length >= 8);
}
