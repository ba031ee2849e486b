/**
 * Compression bombs for the faults that swamp the suite (SAFE-08): small bodies that decode to
 * 1 GiB of zero bytes. Each is built on first use and kept for the life of the process, so a mock
 * that never serves one pays nothing, and the mock never holds a decoded byte of it.
 *
 * gzip: deflate cannot beat about 1032:1, so the body is about 1 MiB whatever is done; it is 512
 * copies of one gzip member holding 2 MiB of zeros (RFC 1952 2.2: a gzip file is a series of
 * members, and Node's gunzip, like the gzip tool, decodes them all). Some clients decode only the
 * first member (curl 7.88 does): that one alone is past a 1 MiB limit. Cost: one 2 MiB deflate,
 * about 10 ms of CPU.
 *
 * Brotli: written bit by bit (RFC 7932), no compressor run at all. Each meta-block is 16 MiB (the
 * most one can hold) made of a single copy command with prefix codes of one symbol each, which
 * cost no bits: the first block sends one literal zero and copies it at distance 1, the others
 * repeat the last distance. 64 blocks, about 800 bytes. (Node's own compressor needs 1.3 s of CPU
 * at quality 2 for a 1.4 KB result, and leaves 190 KB at quality 1.)
 */
import zlib from 'node:zlib';

const MIB = 1024 * 1024;
/** What each bomb decodes to. */
const BOMB_DECODED_BYTES = 1024 * MIB;

let gzipBody: Buffer | undefined;
let brotliBody: Buffer | undefined;

/** Zeros in each gzip member. */
const GZIP_MEMBER_BYTES = 2 * MIB;

/** 1 GiB of zeros as gzip: 512 identical members of 2 MiB each, about 1 MiB in all. */
export function gzipBomb(): Buffer {
  if (!gzipBody) {
    const member = zlib.gzipSync(Buffer.alloc(GZIP_MEMBER_BYTES), { level: zlib.constants.Z_BEST_COMPRESSION });
    gzipBody = Buffer.concat(Array.from({ length: BOMB_DECODED_BYTES / GZIP_MEMBER_BYTES }, () => member));
  }
  return gzipBody;
}

/** 1 GiB of zeros as one Brotli stream of 64 meta-blocks, about 800 bytes. */
export function brotliBomb(): Buffer {
  brotliBody ??= brotliZeros(BOMB_DECODED_BYTES / BROTLI_BLOCK);
  return brotliBody;
}

/** MLEN's largest value: 6 nibbles. */
const BROTLI_BLOCK = 1 << 24;
/** Copy-length code 23 covers 2118 + 24 extra bits, enough for a whole block in one command. */
const COPY_CODE_23_BASE = 2118;

/** Bits packed least significant first, as Brotli reads them. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  put(value: number, count: number): void {
    for (let i = 0; i < count; i += 1) {
      this.current |= (Math.floor(value / 2 ** i) % 2) << this.used;
      this.used += 1;
      if (this.used === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.used = 0;
      }
    }
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Buffer {
    return Buffer.from(this.used > 0 ? [...this.bytes, this.current] : this.bytes);
  }
}

function brotliZeros(blocks: number): Buffer {
  const w = new BitWriter();
  w.put(0, 1); // WBITS 16: the copies reach back one byte, any window will do
  for (let i = 0; i < blocks; i += 1) {
    const first = i === 0;
    w.put(0, 1); // ISLAST
    w.put(2, 2); // MNIBBLES: 6
    w.put(BROTLI_BLOCK - 1, 24); // MLEN - 1
    w.put(0, 1); // ISUNCOMPRESSED: no
    w.put(0, 3); // NBLTYPESL, NBLTYPESI, NBLTYPESD: one block type each
    w.put(0, 6); // NPOSTFIX 0, NDIRECT 0: the distance alphabet has 64 symbols
    w.put(0, 2); // context mode of the one literal block type
    w.put(0, 2); // NTREESL, NTREESD: one prefix code each
    // Simple prefix codes (HSKIP 1) of one symbol: each use of it costs zero bits.
    const oneSymbol = (symbol: number, alphabetBits: number): void => {
      w.put(1, 2);
      w.put(0, 2);
      w.put(symbol, alphabetBits);
    };
    oneSymbol(0, 8); // the literal: a zero byte
    // Insert-and-copy cell 384..447 (insert codes 0..7, copy codes 16..23): insert 1 or 0, copy code 23.
    oneSymbol(384 + ((first ? 1 : 0) << 3) + 7, 10);
    // Distance code 8 is "last distance - 3", 4 - 3 = 1 at the start of a stream; 0 repeats it.
    oneSymbol(first ? 8 : 0, 6);
    // The one command: no insert extra bits; the copy length's 24 extra bits; the literal and the distance cost none.
    w.put((first ? BROTLI_BLOCK - 1 : BROTLI_BLOCK) - COPY_CODE_23_BASE, 24);
  }
  w.put(1, 1); // ISLAST
  w.put(1, 1); // ISLASTEMPTY
  return w.finish();
}
