// Payload sources for generated segments: byte blocks copied into frames, optionally with prefix sums
// of their 16-bit words so a segment's checksum contribution costs O(1) instead of O(length).

import { sum16 } from './checksum.js';

/**
 * A block of payload bytes. Segments read `len` bytes at a logical offset; when the block has
 * prefix sums (`pooled`), offsets wrap around its end, so a long transfer reuses one block.
 * The bytes are owned by the generator and never change after construction.
 */
export class Payload {
  readonly bytes: Uint8Array;
  readonly size: number;
  /** prefix[k] = sum of the first k big-endian words; null for one-off messages. */
  private readonly prefix: Float64Array | null;

  /**
   * @param bytes  the payload; for a pooled block its length must be even (wrap points stay
   *               word-aligned, which keeps the prefix sums valid after a wrap)
   * @param pooled compute prefix sums and allow offsets past the end (wrapping)
   */
  constructor(bytes: Uint8Array, pooled = false) {
    this.bytes = bytes;
    this.size = bytes.length;
    if (!pooled) {
      this.prefix = null;
      return;
    }
    if (bytes.length & 1) throw new RangeError('a pooled payload needs an even length');
    const words = bytes.length >>> 1;
    const p = new Float64Array(words + 1);
    let s = 0;
    for (let w = 0; w < words; w++) {
      s += (bytes[2 * w]! << 8) | bytes[2 * w + 1]!;
      p[w + 1] = s;
    }
    this.prefix = p;
  }

  get pooled(): boolean {
    return this.prefix !== null;
  }

  /**
   * Copies `len` bytes from logical offset `off` to dst[pos..] and returns their unfolded word sum
   * (as if they started at an even offset). A wrapping read needs an even `off`. For a one-off
   * payload, `patch` (if any) overrides the bytes from offset `patchAt` in the copy (a Date field).
   */
  copyOut(dst: Uint8Array, pos: number, off: number, len: number, patch: Uint8Array | null = null, patchAt = 0): number {
    const prefix = this.prefix;
    if (prefix === null) {
      dst.set(this.bytes.subarray(off, off + len), pos);
      if (patch !== null) {
        const from = Math.max(off, patchAt);
        const to = Math.min(off + len, patchAt + patch.length);
        for (let i = from; i < to; i++) dst[pos + i - off] = patch[i - patchAt]!;
      }
      return sum16(dst, pos, len);
    }
    const size = this.size;
    const p = off % size;
    if (p + len <= size) {
      dst.set(this.bytes.subarray(p, p + len), pos);
      return (p & 1) === 0 ? this.rangeSum(prefix, p, len) : sum16(dst, pos, len);
    }
    const first = size - p;
    if (p & 1) throw new RangeError('a wrapping read must start at an even offset');
    dst.set(this.bytes.subarray(p, size), pos);
    dst.set(this.bytes.subarray(0, len - first), pos + first);
    return this.rangeSum(prefix, p, first) + this.rangeSum(prefix, 0, len - first);
  }

  private rangeSum(prefix: Float64Array, p: number, len: number): number {
    const w0 = p >>> 1;
    const w1 = (p + len) >>> 1;
    let s = prefix[w1]! - prefix[w0]!;
    if (len & 1) s += this.bytes[p + len - 1]! << 8;
    return s;
  }
}
