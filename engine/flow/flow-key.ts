// The flow key of a decoded packet, in canonical (sorted-endpoint) order: innermost addresses and
// ports, protocol, first VLAN id and tunnel context. Built as eleven 32-bit words straight from the
// capture bytes into a reusable scratch, hashed and compared word by word; no allocation.

import type { Packet } from '../../decoders/packet.js';

/** Key bytes: [0] ip version, [1] proto, [2..3] vlan, [4..7] tunnel type/id mix, [8..23] addr A, [24..39] addr B, [40..43] ports A,B. */
export const KEY_BYTES = 44;
export const KEY_WORDS = KEY_BYTES / 4;

/**
 * Word w of the key holds key bytes [4w, 4w+4) big-endian, so comparing words as unsigned numbers
 * orders endpoints like comparing their bytes:
 *
 *   w0 version<<24 | proto<<16 | vlan    w1 tunnel mix    w2..w5 addr A    w6..w9 addr B    w10 portA<<16 | portB
 *
 * IPv4 keys use w2 and w6 only (w3..w5, w7..w9 stay 0).
 */
export const W_HEAD = 0;
export const W_TUNNEL = 1;
export const W_ADDR_A = 2;
export const W_ADDR_B = 6;
export const W_PORTS = 10;

/** Big-endian 32-bit word at `o` (as a signed int32). */
function be32(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

/** The 44 key bytes of the key at `words[from..from+11)` (layout above), written into `out[0..44)`. */
export function keyWordsToBytes(words: Int32Array, from: number, out: Uint8Array): void {
  for (let i = 0; i < KEY_WORDS; i++) {
    const w = words[from + i];
    out[4 * i] = w >>> 24;
    out[4 * i + 1] = (w >>> 16) & 0xff;
    out[4 * i + 2] = (w >>> 8) & 0xff;
    out[4 * i + 3] = w & 0xff;
  }
}

export class FlowKey {
  /** The key as 32-bit words (layout above). */
  readonly words = new Int32Array(KEY_WORDS);
  /** True when the packet's source is endpoint A (the lower endpoint). */
  srcIsA = true;

  /** Fill from `pkt` (which must have ipVersion ≠ 0). */
  set(pkt: Packet): void {
    const w = this.words;
    const b = pkt.bytes;
    const s = pkt.srcAddrOffset;
    const d = pkt.dstAddrOffset;
    const sp = pkt.srcPort;
    const dp = pkt.dstPort;
    w[W_HEAD] = (pkt.ipVersion << 24) | (pkt.ipProto << 16) | (pkt.vlanCount > 0 ? pkt.vlan[0] : 0);
    w[W_TUNNEL] = pkt.tunnelDepth > 0 ? (pkt.tunnelType << 24) ^ pkt.tunnelId : 0;
    let srcIsA: boolean;
    if (pkt.ipVersion !== 6) {
      const sa = be32(b, s);
      const da = be32(b, d);
      srcIsA = sa !== da ? (sa >>> 0) < (da >>> 0) : sp <= dp;
      w[2] = srcIsA ? sa : da;
      w[6] = srcIsA ? da : sa;
      w[3] = w[4] = w[5] = w[7] = w[8] = w[9] = 0;
    } else {
      let s0 = be32(b, s), d0 = be32(b, d);
      let i = 0;
      while (s0 === d0 && i < 12) {
        i += 4;
        s0 = be32(b, s + i);
        d0 = be32(b, d + i);
      }
      srcIsA = s0 !== d0 ? (s0 >>> 0) < (d0 >>> 0) : sp <= dp;
      const a = srcIsA ? s : d;
      const c = srcIsA ? d : s;
      w[2] = be32(b, a); w[3] = be32(b, a + 4); w[4] = be32(b, a + 8); w[5] = be32(b, a + 12);
      w[6] = be32(b, c); w[7] = be32(b, c + 4); w[8] = be32(b, c + 8); w[9] = be32(b, c + 12);
    }
    this.srcIsA = srcIsA;
    w[W_PORTS] = srcIsA ? (sp << 16) | dp : (dp << 16) | sp;
  }
}
