// The Internet checksum (RFC 1071): one's-complement sum of big-endian 16-bit words, used by IPv4,
// TCP, UDP and the pseudo-headers of RFC 793 / RFC 768 / RFC 8200 section 8.1.

let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

/**
 * Unfolded sum of the big-endian 16-bit words of b[off .. off+len); an odd last byte counts as the
 * high byte of a word. Stays exact as a double far beyond any frame size.
 * Reads 32-bit words (2^16 = 1 mod 0xffff, so the folded result is the same), through a DataView
 * kept for the last buffer seen: on the hot path that is always the output chunk.
 */
export function sum16(b: Uint8Array, off: number, len: number): number {
  if (b !== viewOf) {
    viewOf = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const v = view;
  let s = 0;
  const end = off + (len & ~3);
  let i = off;
  for (; i + 16 <= end; i += 16) s += v.getUint32(i) + v.getUint32(i + 4) + v.getUint32(i + 8) + v.getUint32(i + 12);
  for (; i < end; i += 4) s += v.getUint32(i);
  const rem = len & 3;
  if (rem >= 2) {
    s += (b[i]! << 8) | b[i + 1]!;
    i += 2;
  }
  if (rem & 1) s += b[i]! << 8;
  return s;
}

const TWO32 = 4294967296;

/** Folds an unfolded sum to 16 bits with end-around carry (2^32 and 2^16 are both 1 mod 0xffff). */
export function fold(sum: number): number {
  let s = sum;
  while (s >= TWO32) {
    const hi = Math.floor(s / TWO32);
    s = s - hi * TWO32 + hi;
  }
  s = (s >>> 16) + (s & 0xffff);
  return (s >>> 16) + (s & 0xffff);
}

/** The value to store in a checksum field: the complement of the folded sum. */
export function checksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** sum16 for short even-length ranges outside the hot path (no DataView churn). */
export function wordSum(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = off; i < off + len; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  return s;
}

/** Sum of an address's 16-bit words (4 or 16 bytes), for pseudo-headers. */
export function addrSum(ip: Uint8Array): number {
  return wordSum(ip, 0, ip.length);
}
