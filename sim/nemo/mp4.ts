import { createHash } from "node:crypto";
import { mulberry32 } from "./random";

/**
 * The rendered MP4 for a render id: an `ftyp` box, then one `mdat` box filling the rest with pseudo-random
 * bytes seeded by the id. The bytes are regenerated on every read instead of stored, so a 60 MB render
 * costs no memory and its sha256 is computed by generating the same stream once more.
 */
const CHUNK = 64 * 1024;

function header(total: number): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write("ftypisom", 4, "latin1");
  ftyp.writeUInt32BE(0x200, 12);
  ftyp.write("isommp42", 16, "latin1");
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(Math.max(total - 24, 8) >>> 0, 0);
  mdat.write("mdat", 4, "latin1");
  return Buffer.concat([ftyp, mdat]);
}

function seedOf(renderId: string): number {
  return createHash("sha256").update(renderId).digest().readUInt32BE(0);
}

/** Yields the file in chunks of at most 64 KB; deterministic for (renderId, size). */
export function* mp4Chunks(renderId: string, size: number): Generator<Buffer> {
  const head = header(size);
  if (size <= head.length) {
    yield head.subarray(0, size);
    return;
  }
  yield head;
  const rand = mulberry32(seedOf(renderId));
  let left = size - head.length;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    const buf = Buffer.alloc(n);
    // 4 bytes per draw; the tail of the last word is simply cut off.
    for (let i = 0; i < n; i += 4) {
      const word = Math.floor(rand() * 4294967296);
      if (i + 4 <= n) buf.writeUInt32BE(word, i);
      else for (let j = 0; i + j < n; j++) buf[i + j] = (word >>> (24 - 8 * j)) & 0xff;
    }
    left -= n;
    yield buf;
  }
}

export function mp4Sha256(renderId: string, size: number): string {
  const hash = createHash("sha256");
  for (const chunk of mp4Chunks(renderId, size)) hash.update(chunk);
  return hash.digest("hex");
}
