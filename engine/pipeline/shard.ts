// The dispatcher's shard function: which worker owns a frame. Symmetric over the innermost IP
// address pair, so both directions of a flow, its tunnelled packets (inner addresses) and all of
// its IP fragments (which after the first carry no ports) reach the same worker. With a policy,
// traffic between the cluster and the outside shards on the outside address alone, so that all
// flows to one outside destination meet in one worker (volume rules count per destination).

import { decodeFrame } from '../../decoders/frame.js';
import { Packet, UDP_TUNNEL_GENEVE, UDP_TUNNEL_TEREDO, UDP_TUNNEL_VXLAN, type DecoderConfig } from '../../decoders/packet.js';
import { decodeIpProto } from '../../decoders/ip-proto.js';
import { decodeVxlan } from '../../decoders/vxlan.js';
import { decodeGeneve } from '../../decoders/geneve.js';
import { decodeTeredo } from '../../decoders/teredo.js';
import { M_CAPLEN, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE } from '../capture/batch.js';
import { fmix, mix } from '../flow/hash.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DIR_EGRESS, DIR_INGRESS } from '../../rules/match/header-match.js';

/** The packet's direction relative to the cluster (PolicyMatcher.clusterDirection). */
export type ClusterDirection = (pkt: Packet) => number;

/** Hash of one address (4 or 16 bytes at `o`). */
function addrHash(b: Uint8Array, o: number, n: number, seed: number): number {
  let h = seed;
  for (let i = 0; i < n; i += 4) h = mix(h, (b[o + i] << 24) | (b[o + i + 1] << 16) | (b[o + i + 2] << 8) | b[o + i + 3]);
  return fmix(h ^ n);
}

/** Fragmented datagrams whose worker is remembered for their later fragments. */
const FRAG_MEMORY = 8192;

/**
 * Assigns frames to workers. Decodes each frame to its innermost IP header with a Packet of its
 * own (the main thread's; the workers decode again with theirs). A fragment stops the decoder at
 * the fragmented IP layer, so every fragment of a datagram shards on the same pair. Frames
 * without an IP layer (ARP, LLDP, undecodable) go to worker 0.
 */
export class Sharder {
  private readonly pkt: Packet;
  /** Fragmented datagram (addresses, id, protocol) → worker, in insertion order (bounded). */
  private readonly datagrams = new Map<number, number>();

  /** Frames sharded by headerShard (read at fixed offsets) and by the full decode. */
  fastFrames = 0;
  slowFrames = 0;

  /**
   * `fastPath: false` decodes every frame in full (the reference the fast path is tested against).
   */
  constructor(decoder: DecoderConfig, private readonly seed: number, private readonly direction: ClusterDirection | null = null,
    private readonly fastPath = true) {
    this.pkt = new Packet(decoder);
  }

  /** Worker index (0..workers-1) of each of the `count` frames, written to `out`. */
  assign(data: Uint8Array, meta: Uint32Array, count: number, workers: number, out: Uint8Array): void {
    const pkt = this.pkt;
    if (workers === 1) {
      out.fill(0, 0, count);
      return;
    }
    const fast = this.fastPath;
    let slow = 0;
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      const off = meta[m + M_OFFSET];
      const cap = meta[m + M_CAPLEN];
      if (fast && meta[m + M_LINKTYPE] === LINKTYPE_ETHERNET && this.headerShard(data, off, off + cap, false)) {
        out[i] = this.pairHash(pkt) % workers;
        continue;
      }
      slow++;
      pkt.reset(data, off, cap, meta[m + M_ORIGLEN], meta[m + M_LINKTYPE]);
      decodeFrame(pkt);
      out[i] = pkt.ipVersion === 0 ? 0 : pkt.isFragment ? this.fragmentShard(pkt, workers) : this.pairHash(pkt) % workers;
    }
    this.slowFrames += slow;
    this.fastFrames += count - slow;
  }

  /**
   * The common case without a decode: an Ethernet frame (at most one 802.1Q tag) carrying a whole,
   * well-formed, unfragmented IPv4 (no options) or IPv6 datagram whose next header is TCP, or UDP
   * on a port that is no tunnel's, or such a frame inside one VXLAN layer. Sets the address fields
   * pairHash reads and returns true. Anything else (fragments, options, extension headers, other
   * tunnels, ICMP, short or malformed headers) returns false for the full decode, so both paths
   * shard every frame alike (test/engine/pipeline/shard.test.ts compares them frame by frame on
   * every shared capture). `end`: the end of the frame's bytes; `inner`: inside VXLAN already.
   */
  private headerShard(b: Uint8Array, off: number, end: number, inner: boolean): boolean {
    if (end - off < 14) return false;
    let l3 = off + 14;
    let type = (b[off + 12] << 8) | b[off + 13];
    if (type === 0x8100) {
      if (end - off < 18) return false;
      type = (b[off + 16] << 8) | b[off + 17];
      l3 = off + 18;
    }
    const len = end - l3;
    let l4: number;
    let l4len: number;
    let proto: number;
    const pkt = this.pkt;
    if (type === 0x0800) {
      if (len < 20) return false;
      const total = (b[l3 + 2] << 8) | b[l3 + 3];
      // version 4 without options, a total length within the capture, not a fragment
      if (b[l3] !== 0x45 || total < 20 || total > len || ((b[l3 + 6] & 0x3f) | b[l3 + 7]) !== 0) return false;
      proto = b[l3 + 9];
      l4 = l3 + 20;
      l4len = total - 20;
      pkt.ipVersion = 4;
      pkt.srcAddrOffset = l3 + 12;
      pkt.dstAddrOffset = l3 + 16;
    } else if (type === 0x86dd) {
      if (len < 40 || b[l3] >> 4 !== 6) return false;
      const plen = (b[l3 + 4] << 8) | b[l3 + 5];
      if (plen === 0 || 40 + plen > len) return false;
      proto = b[l3 + 6];
      l4 = l3 + 40;
      l4len = plen;
      pkt.ipVersion = 6;
      pkt.srcAddrOffset = l3 + 8;
      pkt.dstAddrOffset = l3 + 24;
    } else return false;
    pkt.bytes = b;
    if (proto === 6) return true;
    if (proto !== 17 || l4len < 8) return false;
    const t = pkt.config.udpTunnelByPort;
    const dport = t[(b[l4 + 2] << 8) | b[l4 + 3]];
    const kind = dport !== 0 ? dport : t[(b[l4] << 8) | b[l4 + 1]];
    if (kind === 0) return true;
    // VXLAN with the I flag and a UDP length that agrees with the IP one: shard on the inner frame
    if (kind !== UDP_TUNNEL_VXLAN || inner || ((b[l4 + 4] << 8) | b[l4 + 5]) !== l4len || (b[l4 + 8] & 0x08) === 0) return false;
    return this.headerShard(b, l4 + 16, l4 + l4len, true);
  }

  /**
   * A fragment goes where its datagram goes. The first fragment of a tunnel's outer datagram
   * (VXLAN, Geneve, Teredo, GRE, IP-in-IP over IPv4) is decoded through the tunnel to shard on the
   * inner addresses, like the tunnel's unfragmented packets; its later fragments follow it. A
   * later fragment seen before its first fixes the datagram on the outer pair instead.
   */
  private fragmentShard(pkt: Packet, workers: number): number {
    const n = pkt.ipVersion === 6 ? 16 : 4;
    const b = pkt.bytes;
    const key = fmix(mix(mix(addrHash(b, pkt.srcAddrOffset, n, this.seed) ^ addrHash(b, pkt.dstAddrOffset, n, ~this.seed), pkt.fragId), pkt.ipProto));
    const known = this.datagrams.get(key);
    if (known !== undefined) return known;
    let shard = this.pairHash(pkt) % workers;
    if (pkt.fragOffset === 0 && pkt.ipVersion === 4 && this.peekTunnel(pkt)) shard = this.pairHash(pkt) % workers;
    if (this.datagrams.size >= FRAG_MEMORY) this.datagrams.delete(this.datagrams.keys().next().value!);
    this.datagrams.set(key, shard);
    return shard;
  }

  /** Decode a first IPv4 fragment's payload as if whole; true when a tunnel was entered. */
  private peekTunnel(pkt: Packet): boolean {
    const b = pkt.bytes;
    const off = pkt.l3Offset + (b[pkt.l3Offset] & 0x0f) * 4;
    const len = Math.min(pkt.l3Offset + pkt.l3Length, pkt.frameOffset + pkt.capLen) - off;
    const proto = pkt.ipProto;
    if (len <= 8) return false;
    pkt.isFragment = false;
    // The inner headers claim the whole datagram, which continues in later fragments: let the
    // decoders read it as cut by a snap length (they decode what is there) rather than as malformed.
    pkt.origLen = pkt.capLen + 65536;
    if (proto === 17) {
      const dport = (b[off + 2] << 8) | b[off + 3];
      const t = pkt.config.udpTunnelByPort;
      const kind = t[dport] !== 0 ? t[dport] : t[(b[off] << 8) | b[off + 1]];
      if (kind === UDP_TUNNEL_VXLAN) decodeVxlan(b, off + 8, len - 8, pkt);
      else if (kind === UDP_TUNNEL_GENEVE) decodeGeneve(b, off + 8, len - 8, pkt);
      else if (kind === UDP_TUNNEL_TEREDO) decodeTeredo(b, off + 8, len - 8, pkt);
    } else if (proto === 47 || proto === 4 || proto === 41) {
      decodeIpProto(proto, b, off, len, pkt);
    }
    return pkt.tunnelDepth > 0 && pkt.ipVersion !== 0;
  }

  /**
   * Symmetric hash of the packet's innermost address pair; of the outside address alone when one
   * side is in the cluster and the other is not.
   */
  pairHash(pkt: Packet): number {
    const n = pkt.ipVersion === 6 ? 16 : 4;
    const b = pkt.bytes;
    if (this.direction !== null) {
      const dir = this.direction(pkt);
      if (dir === DIR_EGRESS) return addrHash(b, pkt.dstAddrOffset, n, this.seed);
      if (dir === DIR_INGRESS) return addrHash(b, pkt.srcAddrOffset, n, this.seed);
    }
    return fmix((addrHash(b, pkt.srcAddrOffset, n, this.seed) + addrHash(b, pkt.dstAddrOffset, n, this.seed)) | 0);
  }
}
