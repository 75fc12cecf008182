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

  constructor(decoder: DecoderConfig, private readonly seed: number, private readonly direction: ClusterDirection | null = null) {
    this.pkt = new Packet(decoder);
  }

  /** Worker index (0..workers-1) of each of the `count` frames, written to `out`. */
  assign(data: Uint8Array, meta: Uint32Array, count: number, workers: number, out: Uint8Array): void {
    const pkt = this.pkt;
    if (workers === 1) {
      out.fill(0, 0, count);
      return;
    }
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      pkt.reset(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], meta[m + M_LINKTYPE]);
      decodeFrame(pkt);
      out[i] = pkt.ipVersion === 0 ? 0 : pkt.isFragment ? this.fragmentShard(pkt, workers) : this.pairHash(pkt) % workers;
    }
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
