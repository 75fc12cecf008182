// The flow key of a decoded packet, in canonical (sorted-endpoint) order: innermost addresses and
// ports, protocol, first VLAN id and tunnel context. Written into a reusable scratch, compared
// against table slots byte for byte; no allocation.

import type { Packet } from '../../decoders/packet.js';

/** Key bytes: [0] ip version, [1] proto, [2..3] vlan, [4..7] tunnel type/id mix, [8..23] addr A, [24..39] addr B, [40..43] ports A,B. */
export const KEY_BYTES = 44;
export const KEY_WORDS = KEY_BYTES / 4;

export class FlowKey {
  readonly bytes = new Uint8Array(KEY_BYTES);
  /** The same key as 32-bit words (host order), for hashing and comparing 11 words, not 44 bytes. */
  readonly words = new Int32Array(this.bytes.buffer);
  /** True when the packet's source is endpoint A (the lower endpoint). */
  srcIsA = true;

  /** Fill from `pkt` (which must have ipVersion ≠ 0). */
  set(pkt: Packet): void {
    const k = this.bytes;
    const b = pkt.bytes;
    const n = pkt.ipVersion === 6 ? 16 : 4;
    const s = pkt.srcAddrOffset;
    const d = pkt.dstAddrOffset;
    let cmp = 0;
    for (let i = 0; i < n && cmp === 0; i++) cmp = b[s + i] - b[d + i];
    if (cmp === 0) cmp = pkt.srcPort - pkt.dstPort;
    const srcIsA = cmp <= 0;
    this.srcIsA = srcIsA;
    const a = srcIsA ? s : d;
    const c = srcIsA ? d : s;
    this.words.fill(0);
    k[0] = pkt.ipVersion;
    k[1] = pkt.ipProto;
    const vlan = pkt.vlanCount > 0 ? pkt.vlan[0] : 0;
    k[2] = vlan >> 8;
    k[3] = vlan & 0xff;
    if (pkt.tunnelDepth > 0) {
      const t = (pkt.tunnelType << 24) ^ pkt.tunnelId;
      k[4] = t >>> 24; k[5] = (t >>> 16) & 0xff; k[6] = (t >>> 8) & 0xff; k[7] = t & 0xff;
    }
    for (let i = 0; i < n; i++) { k[8 + i] = b[a + i]; k[24 + i] = b[c + i]; }
    const pa = srcIsA ? pkt.srcPort : pkt.dstPort;
    const pb = srcIsA ? pkt.dstPort : pkt.srcPort;
    k[40] = pa >> 8; k[41] = pa & 0xff; k[42] = pb >> 8; k[43] = pb & 0xff;
  }
}
