// Decoding alone: every frame of in-memory batches decoded to the innermost transport header.

import { M_CAPLEN, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE } from '../../engine/capture/batch.js';
import type { FrameBatch } from '../../engine/capture/batch.js';
import { decodeFrame } from '../../decoders/frame.js';
import type { Packet } from '../../decoders/packet.js';

/** Decode every frame of `batches` into `pkt`; returns the number of frames. */
export function decodeAll(batches: FrameBatch[], pkt: Packet): number {
  let n = 0;
  for (let k = 0; k < batches.length; k++) {
    const { data, meta, count } = batches[k];
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      pkt.reset(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], meta[m + M_LINKTYPE]);
      decodeFrame(pkt);
    }
    n += count;
  }
  return n;
}
