// UDP header builder (RFC 768); the checksum covers the pseudo-header and is sent as 0xffff when it
// computes to zero (zero means "no checksum" over IPv4 and is forbidden over IPv6).

import { checksum } from './checksum.js';

export const UDP_HLEN = 8;

export function writeUdpHeader(b: Uint8Array, o: number, sport: number, dport: number, len: number): void {
  b[o] = sport >>> 8;
  b[o + 1] = sport & 0xff;
  b[o + 2] = dport >>> 8;
  b[o + 3] = dport & 0xff;
  b[o + 4] = len >>> 8;
  b[o + 5] = len & 0xff;
  b[o + 6] = 0;
  b[o + 7] = 0;
}

/** Stores the checksum for an unfolded sum over pseudo-header, header (checksum zero) and data. */
export function putUdpChecksum(b: Uint8Array, o: number, sum: number): void {
  const c = checksum(sum) || 0xffff;
  b[o + 6] = c >>> 8;
  b[o + 7] = c & 0xff;
}
