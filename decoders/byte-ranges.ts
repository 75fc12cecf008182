// Native comparison of byte ranges (memcmp through Buffer.prototype.compare on plain Uint8Arrays):
// no views, no allocation; for ranges long enough that a JS byte loop costs more than the call.

/**
 * `compareRanges.call(a, b, bStart, bEnd, aStart, aEnd)`: 0 when a[aStart, aEnd) equals
 * b[bStart, bEnd), else ±1. The ranges must lie inside the arrays (it throws otherwise).
 */
export const compareRanges = Buffer.prototype.compare as (this: Uint8Array, target: Uint8Array, targetStart: number,
  targetEnd: number, sourceStart: number, sourceEnd: number) => number;

/** Ranges at least this long are worth the native call. */
export const NATIVE_COMPARE_MIN = 64;

const ZEROS = new Uint8Array(4096);

/** Offset of the first non-zero byte in bytes[p, end), or `end`. */
export function skipZeros(bytes: Uint8Array, p: number, end: number): number {
  // padding usually runs to the end: one native check of the whole run first
  if (end - p >= NATIVE_COMPARE_MIN && end - p <= ZEROS.length && compareRanges.call(ZEROS, bytes, p, end, 0, end - p) === 0) return end;
  while (p < end && bytes[p] === 0) p++;
  return p;
}
