// IPv4 header builder (RFC 791): a per-direction template with length, ID and checksum patched per
// packet; the checksum is finished from a precomputed sum of the fixed words.

import { checksum, wordSum } from './checksum.js';

export const IPV4_HLEN = 20;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Writes a 20-byte header with total length, ID and checksum zero; returns the sum of its words. */
export function writeIpv4Template(
  b: Uint8Array, o: number, src: Uint8Array, dst: Uint8Array, proto: number, ttl: number, df: boolean,
): number {
  b[o] = 0x45;
  b[o + 1] = 0;
  b[o + 2] = 0;
  b[o + 3] = 0;
  b[o + 4] = 0;
  b[o + 5] = 0;
  b[o + 6] = df ? 0x40 : 0;
  b[o + 7] = 0;
  b[o + 8] = ttl;
  b[o + 9] = proto;
  b[o + 10] = 0;
  b[o + 11] = 0;
  b.set(src, o + 12);
  b.set(dst, o + 16);
  return wordSum(b, o, IPV4_HLEN);
}

/** Patches total length, ID and header checksum into a header written by writeIpv4Template. */
export function finishIpv4(b: Uint8Array, o: number, totalLen: number, id: number, baseSum: number): void {
  b[o + 2] = totalLen >>> 8;
  b[o + 3] = totalLen & 0xff;
  b[o + 4] = id >>> 8;
  b[o + 5] = id & 0xff;
  const c = checksum(baseSum + totalLen + id);
  b[o + 10] = c >>> 8;
  b[o + 11] = c & 0xff;
}
