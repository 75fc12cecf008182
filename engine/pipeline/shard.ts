// The dispatcher's shard function: which worker owns a frame. Symmetric over the innermost IP
// address pair, so both directions of a flow, its tunnelled packets (inner addresses) and all of
// its IP fragments (which after the first carry no ports) reach the same worker. With a policy,
// traffic between the cluster and the outside shards on the outside address alone, so that all
// flows to one outside destination meet in one worker (volume rules count per destination).

import { decodeFrame } from '../../decoders/frame.js';
import { Packet, type DecoderConfig } from '../../decoders/packet.js';
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

/**
 * Assigns frames to workers. Decodes each frame to its innermost IP header with a Packet of its
 * own (the main thread's; the workers decode again with theirs). A fragment stops the decoder at
 * the fragmented IP layer, so every fragment of a datagram shards on the same pair. Frames
 * without an IP layer (ARP, LLDP, undecodable) go to worker 0.
 */
export class Sharder {
  private readonly pkt: Packet;

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
      out[i] = pkt.ipVersion === 0 ? 0 : this.pairHash(pkt) % workers;
    }
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
