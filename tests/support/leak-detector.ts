/**
 * SAFE-01's independent witness: finds secrets in raw bytes without any code of the redactor
 * (helpers/safety/redact.ts), so a blind spot there is not one here. Where the redactor encodes each
 * secret and looks for the encodings, this decodes what it reads (percent-escapes and JSON \u
 * escapes up to three layers deep, hex runs, Base64 and base64url runs at every offset, UTF-16 at
 * both byte orders and both alignments) and looks for plain pieces of the secret in each decoded
 * view, case folded.
 * A piece is PIECE characters of one line of a secret (a PEM's armour and first line are not secret).
 */
import fs from 'node:fs';
import path from 'node:path';

const PIECE = 12;

export interface Leak {
  /** The file (relative to the working directory) or the name given for a text. */
  where: string;
  /** The views that held a piece of a secret: `raw`, `hex`, `Base64`, ... */
  encodings: string[];
}

/** ASCII-only lower case, one character for one character. */
const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 0x20));

function piecesOf(secrets: readonly string[]): Set<string> {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    let lines = secret.split('\n').map((l) => l.replace(/\r$/, ''));
    // A PEM's first body line is ASN.1 framing that every key of its type shares (MIIEvQIBADAN...).
    if (lines.some((l) => /^-----BEGIN /.test(l))) lines = lines.filter((l) => !/^-----(BEGIN|END) /.test(l) && l !== '').slice(1);
    for (const line of lines.length > 0 ? lines : [secret]) {
      const text = lower(line);
      if (text.length < PIECE) {
        if (text.length >= 8) pieces.add(text);
        continue;
      }
      // A key's type prefix (`cpp_test_`, `sk_live_`) is shared by every key of its kind, never-issued
      // ones included: a piece must start past it, or twelve characters would be three of chance.
      const prefix = /^[a-z]{2,10}[_-](?:[a-z]{2,10}[_-])?/.exec(text)?.[0].length ?? 0;
      for (let i = prefix <= text.length / 2 ? prefix : 0; i + PIECE <= text.length; i++) pieces.add(text.slice(i, i + PIECE));
    }
  }
  return pieces;
}

/** Layers of escapes peeled: a serialiser's, a proxy's that re-encodes the `%` (`%2563`), a logger's. */
const ESCAPE_LAYERS = 3;

/** One layer of the escapes serialisers, proxies and loggers write: `%xx`, JSON `\uxxxx`, `\\`, `\/`, `\"`. */
const ONE_ESCAPE = /%([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\([\\/"])/g;

function unescapeOnce(text: string): string {
  return text.replace(ONE_ESCAPE, (_m, pct: string | undefined, u: string | undefined, ch: string | undefined) =>
    pct !== undefined ? String.fromCharCode(parseInt(pct, 16)) : u !== undefined ? String.fromCharCode(parseInt(u, 16)) : ch!,
  );
}

/** Hex runs decoded at both alignments, and Base64 or base64url runs at all four, each run once. */
function decodedRuns(texts: readonly string[]): Array<[string, string]> {
  const hex = new Set<string>();
  const b64 = new Set<string>();
  for (const text of texts) {
    for (const run of text.match(/[0-9a-fA-F]{24,}/g) ?? []) hex.add(run);
    for (const run of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) b64.add(run);
  }
  const out: Array<[string, string]> = [];
  if (hex.size > 0) out.push(['hex', [...hex].flatMap((run) => [0, 1].map((s) => Buffer.from(run.slice(s, s + Math.floor((run.length - s) / 2) * 2), 'hex').toString('latin1'))).join('\n')]);
  if (b64.size > 0) {
    const decoded: string[] = [];
    for (const run of b64) {
      const std = run.replace(/-/g, '+').replace(/_/g, '/');
      for (let s = 0; s < 4; s++) decoded.push(Buffer.from(std.slice(s, s + Math.floor((std.length - s) / 4) * 4), 'base64').toString('latin1'));
    }
    out.push(['Base64 or base64url', decoded.join('\n')]);
  }
  return out;
}

/**
 * The ways the bytes could spell a secret, each decoded to Latin-1 text. Escapes are peeled a layer
 * at a time (percent and JSON escapes in the same pass, so a layer of one inside a layer of the
 * other comes apart too), and hex and Base64 runs are decoded in every layer, so a Base64 value a
 * URL carries as `%2B`/`%2F` is read as well.
 */
function views(data: Buffer): Array<[string, string]> {
  const latin1 = data.toString('latin1');
  const out: Array<[string, string]> = [['raw', latin1]];
  // Terminal colours inside a value split it; a reader that strips them joins it again.
  let text = latin1;
  if (latin1.includes('\u001b[')) {
    text = latin1.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g'), '');
    out.push(['raw, colours stripped', text]);
  }
  const layers = text === latin1 ? [text] : [latin1, text];
  for (let layer = 1; layer <= ESCAPE_LAYERS; layer++) {
    const peeled = unescapeOnce(text);
    if (peeled === text) break;
    out.push([layer === 1 ? 'percent or JSON escapes' : `percent or JSON escapes, ${layer} layers`, peeled]);
    layers.push(peeled);
    text = peeled;
  }
  // An ASCII secret in UTF-16 has a zero byte beside each character: without zeros there is none.
  if (data.includes(0)) {
    for (const shift of [0, 1]) {
      const part = data.subarray(shift, shift + Math.floor((data.length - shift) / 2) * 2);
      out.push([`UTF-16LE (offset ${shift})`, part.toString('utf16le')]);
      out.push([`UTF-16BE (offset ${shift})`, Buffer.from(part).swap16().toString('utf16le')]);
    }
  }
  return [...out, ...decodedRuns(layers)];
}

function holdsPiece(text: string, pieces: Set<string>): boolean {
  const t = lower(text);
  for (let i = 0; i + PIECE <= t.length; i++) if (pieces.has(t.slice(i, i + PIECE))) return true;
  for (const p of pieces) if (p.length < PIECE && t.includes(p)) return true;
  return false;
}

function encodingsHolding(data: Buffer | string, pieces: Set<string>): string[] {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return views(bytes)
    .filter(([, text]) => holdsPiece(text, pieces))
    .map(([name]) => name);
}

/** The encodings in which the bytes hold a piece of a secret (none: clean). */
export function leakedEncodings(data: Buffer | string, secrets: readonly string[]): string[] {
  return encodingsHolding(data, piecesOf(secrets));
}

/** Every file under the given paths, and every named text, that holds a piece of a secret. */
export function detectLeaks(paths: readonly string[], secrets: readonly string[], texts: Record<string, string> = {}): Leak[] {
  const leaks: Leak[] = [];
  const pieces = piecesOf(secrets);
  // Its own walk, not the backstop's: nothing here may come from the redaction side.
  const files = paths.flatMap((p) => {
    if (!fs.existsSync(p)) return [];
    if (!fs.statSync(p).isDirectory()) return [p];
    return fs.readdirSync(p, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
  });
  for (const file of files) {
    const encodings = encodingsHolding(fs.readFileSync(file), pieces);
    if (encodings.length > 0) leaks.push({ where: path.relative(process.cwd(), file), encodings });
  }
  for (const [where, text] of Object.entries(texts)) {
    const encodings = encodingsHolding(text, pieces);
    if (encodings.length > 0) leaks.push({ where, encodings });
  }
  return leaks;
}
