// TCP header builder (RFC 9293 section 3.1) with the option layouts Linux and common scanners send:
// MSS, SACK-permitted, timestamps (RFC 7323) and window scale.

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** No options: 20-byte header (RSTs, stacks without timestamps). */
export const OPT_NONE = 0;
/** NOP, NOP, timestamps: 32-byte header on every segment once timestamps are negotiated. */
export const OPT_TS = 1;
/** Linux SYN / SYN-ACK: MSS, SACK-permitted, timestamps, NOP, window scale (40 bytes). */
export const OPT_SYN_TS = 2;
/** SYN / SYN-ACK without timestamps: MSS, NOP, NOP, SACK-permitted, NOP, window scale (32 bytes). */
export const OPT_SYN = 3;
/** Scanner SYN (nmap -sS, masscan): MSS only (24 bytes). */
export const OPT_SYN_MSS = 4;

const HEADER_LEN = [20, 32, 40, 32, 24];

/**
 * Writes a TCP header with checksum zero at b[o..] and returns its length. `mss` and `wscale` are
 * only read for SYN option layouts, `tsval`/`tsecr` only for layouts with timestamps.
 */
export function writeTcpHeader(
  b: Uint8Array, o: number, sport: number, dport: number, seq: number, ack: number, flags: number,
  win: number, opt: number, tsval: number, tsecr: number, mss: number, wscale: number,
): number {
  const hl = HEADER_LEN[opt]!;
  b[o] = sport >>> 8;
  b[o + 1] = sport & 0xff;
  b[o + 2] = dport >>> 8;
  b[o + 3] = dport & 0xff;
  put32(b, o + 4, seq);
  put32(b, o + 8, ack);
  b[o + 12] = (hl >>> 2) << 4;
  b[o + 13] = flags;
  b[o + 14] = win >>> 8;
  b[o + 15] = win & 0xff;
  b[o + 16] = 0;
  b[o + 17] = 0;
  b[o + 18] = 0;
  b[o + 19] = 0;
  const p = o + 20;
  switch (opt) {
    case OPT_TS:
      b[p] = 1;
      b[p + 1] = 1;
      putTimestamps(b, p + 2, tsval, tsecr);
      break;
    case OPT_SYN_TS:
      putMss(b, p, mss);
      b[p + 4] = 4; // SACK permitted
      b[p + 5] = 2;
      putTimestamps(b, p + 6, tsval, tsecr);
      b[p + 16] = 1;
      putWscale(b, p + 17, wscale);
      break;
    case OPT_SYN:
      putMss(b, p, mss);
      b[p + 4] = 1;
      b[p + 5] = 1;
      b[p + 6] = 4;
      b[p + 7] = 2;
      b[p + 8] = 1;
      putWscale(b, p + 9, wscale);
      break;
    case OPT_SYN_MSS:
      putMss(b, p, mss);
      break;
    default:
      break;
  }
  return hl;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function putMss(b: Uint8Array, o: number, mss: number): void {
  b[o] = 2;
  b[o + 1] = 4;
  b[o + 2] = mss >>> 8;
  b[o + 3] = mss & 0xff;
}

function putTimestamps(b: Uint8Array, o: number, tsval: number, tsecr: number): void {
  b[o] = 8;
  b[o + 1] = 10;
  put32(b, o + 2, tsval);
  put32(b, o + 6, tsecr);
}

function putWscale(b: Uint8Array, o: number, shift: number): void {
  b[o] = 3;
  b[o + 1] = 3;
  b[o + 2] = shift;
}
