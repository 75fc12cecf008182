// Symmetric, seeded flow hash over the innermost 5-tuple plus VLAN and tunnel context: both
// directions of a flow hash alike. The same hash names flows (flow_id) and will shard packets.

import type { Packet } from '../../decoders/packet.js';

/** murmur3 32-bit mixing step. */
export function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function word(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
}

/**
 * -1, 0 or 1: order of endpoint A (address at `a`, port pa) against B, comparing addresses
 * byte-wise then ports; used to put the two endpoints in a canonical order.
 */
function compareEndpoints(b: Uint8Array, a: number, pa: number, c: number, pc: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = b[a + i] - b[c + i];
    if (d !== 0) return d;
  }
  return pa - pc;
}

/**
 * 32-bit symmetric hash of the packet's flow key. IP fragments after the first carry no ports,
 * so fragments hash on addresses, protocol and the fragment id alone (all fragments of a
 * datagram agree; the reassembled datagram is re-keyed by engine/reassembly).
 */
export function flowHash(pkt: Packet, seed: number): number {
  const b = pkt.bytes;
  const n = pkt.ipVersion === 6 ? 16 : 4;
  let a = pkt.srcAddrOffset;
  let c = pkt.dstAddrOffset;
  let pa = pkt.srcPort;
  let pc = pkt.dstPort;
  if (pkt.isFragment) { pa = 0; pc = pkt.fragId & 0xffff; }
  if (compareEndpoints(b, a, pa, c, pc, n) > 0) {
    const t = a; a = c; c = t;
    const u = pa; pa = pc; pc = u;
  }
  let h = seed | 0;
  if (pkt.ipVersion !== 0) {
    for (let i = 0; i < n; i += 4) h = mix(h, word(b, a + i));
    for (let i = 0; i < n; i += 4) h = mix(h, word(b, c + i));
  }
  h = mix(h, (pa << 16) | pc);
  h = mix(h, (pkt.ipProto << 24) | (pkt.ipVersion << 16) | (pkt.vlanCount > 0 ? pkt.vlan[0] : 0));
  if (pkt.tunnelDepth > 0) h = mix(h, (pkt.tunnelType << 24) ^ pkt.tunnelId);
  return fmix(h ^ (n * 2 + 4));
}

const FLOW_ID_SEED_HI = 0x6b776972; // "kwir"
const FLOW_ID_SEED_LO = 0x65666c6f; // "eflo"

/** A positive 52-bit flow id (fits a JSON number exactly), stable for a flow in both directions. */
export function flowId(pkt: Packet, seed: number): number {
  const hi = flowHash(pkt, seed ^ FLOW_ID_SEED_HI) & 0xfffff;
  const lo = flowHash(pkt, seed ^ FLOW_ID_SEED_LO);
  return hi * 0x100000000 + lo || 1;
}
