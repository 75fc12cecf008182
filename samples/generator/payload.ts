// Payload sources for generated segments: byte blocks copied into frames. Blocks sent more than once
// keep prefix sums of their 16-bit words, so a segment's checksum contribution costs O(1) instead of
// O(length); patched bytes (a Date header, a TLS record header, a DNS ID) adjust that sum.

import { sum16 } from './checksum.js';

/** Sent once (a TLS handshake flight): no prefix sums, the copy is summed directly. */
export const ONCE = 0;
/** Sent many times (cached requests, response templates, DNS messages): prefix sums. */
export const SHARED = 1;
/** A long block read at wrapping offsets (bulk bodies): prefix sums, even length. */
export const POOL = 2;

/**
 * A block of payload bytes. Segments read `len` bytes at a logical offset; a POOL block wraps
 * around its end, so a long transfer reuses one block. The bytes never change after construction.
 */
export class Payload {
  readonly bytes: Uint8Array;
  readonly size: number;
  /**
   * prefix[k] = sum of the first k big-endian words, modulo 2^32: a difference (mod 2^32) is the
   * exact sum of any range up to 65536 words, far more than a segment. Null for ONCE blocks.
   */
  private readonly prefix: Uint32Array | null;

  constructor(bytes: Uint8Array, mode = ONCE) {
    if (mode === POOL && (bytes.length & 1)) throw new RangeError('a pooled payload needs an even length');
    this.bytes = bytes;
    this.size = bytes.length;
    this.prefix = mode === ONCE ? null : prefixSums(bytes);
  }

  /**
   * Copies `len` bytes from logical offset `off` to dst[pos..] and returns their unfolded word sum
   * (as if they started at an even offset); reads past the end wrap (POOL blocks, even `off`).
   * `patch` (if any) overrides the bytes from logical offset `patchAt` in the copy.
   */
  copyOut(dst: Uint8Array, pos: number, off: number, len: number, patch: Uint8Array | null = null, patchAt = 0): number {
    const prefix = this.prefix;
    const size = this.size;
    const p = off % size;
    const first = Math.min(len, size - p);
    dst.set(this.bytes.subarray(p, p + first), pos);
    if (first < len) {
      if (p & 1) throw new RangeError('a wrapping read must start at an even offset');
      dst.set(this.bytes.subarray(0, len - first), pos + first);
    }
    const patched = patch !== null && patchAt < off + len && patchAt + patch.length > off;
    if (prefix === null || (p & 1) !== 0 || (patched && patch.length > SMALL_PATCH)) {
      if (patched) applyPatch(dst, pos, off, len, patch, patchAt);
      return sum16(dst, pos, len);
    }
    let s = this.rangeSum(prefix, p, first);
    if (first < len) s += this.rangeSum(prefix, 0, len - first);
    if (patched) s += applyPatch(dst, pos, off, len, patch, patchAt);
    return s;
  }

  private rangeSum(prefix: Uint32Array, p: number, len: number): number {
    const w0 = p >>> 1;
    const w1 = (p + len) >>> 1;
    let s = (prefix[w1]! - prefix[w0]!) >>> 0;
    if (len & 1) s += this.bytes[p + len - 1]! << 8;
    return s;
  }
}

function prefixSums(bytes: Uint8Array): Uint32Array {
  const words = bytes.length >>> 1;
  const p = new Uint32Array(words + 1);
  let s = 0;
  for (let w = 0; w < words; w++) {
    s = (s + ((bytes[2 * w]! << 8) | bytes[2 * w + 1]!)) >>> 0;
    p[w + 1] = s;
  }
  return p;
}

/** Patches up to this long adjust the prefix sum byte by byte; longer ones are summed afresh. */
const SMALL_PATCH = 32;

/** Writes the overlap of `patch` (at logical `patchAt`) into the segment copy; returns the sum change. */
function applyPatch(dst: Uint8Array, pos: number, off: number, len: number, patch: Uint8Array, patchAt: number): number {
  const from = Math.max(off, patchAt);
  const to = Math.min(off + len, patchAt + patch.length);
  let delta = 0;
  for (let i = from; i < to; i++) {
    const rel = i - off;
    const v = patch[i - patchAt]!;
    delta += (v - dst[pos + rel]!) * ((rel & 1) === 0 ? 256 : 1);
    dst[pos + rel] = v;
  }
  return delta;
}
