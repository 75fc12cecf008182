// Test helper: decode every frame of a capture and return each frame's innermost tuple as text.

import { openCapture } from '../../engine/capture/open.js';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { decodeFrame } from '../../decoders/frame.js';
import { DecoderConfig, Packet } from '../../decoders/packet.js';
import { formatIp } from '../../engine/output/ip-format.js';

export interface DecodedFrame {
  frame: number;
  status: number;
  ipVersion: number;
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  tunnelDepth: number;
  vlan: number[];
}

export async function decodeFile(path: string, config = new DecoderConfig()): Promise<{ frames: DecodedFrame[]; pkt: Packet }> {
  const reader = await openCapture(path);
  const pkt = new Packet(config);
  const frames: DecodedFrame[] = [];
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      for (let i = 0; i < b.count; i++) {
        const m = i * META_STRIDE;
        pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
        const status = decodeFrame(pkt);
        const v = pkt.ipVersion;
        frames.push({
          frame: b.firstFrame + i,
          status,
          ipVersion: v,
          src: v ? formatIp(pkt.bytes, pkt.srcAddrOffset, v) : '',
          dst: v ? formatIp(pkt.bytes, pkt.dstAddrOffset, v) : '',
          proto: pkt.ipProto,
          sport: pkt.srcPort,
          dport: pkt.dstPort,
          tunnelDepth: pkt.tunnelDepth,
          vlan: Array.from(pkt.vlan.subarray(0, pkt.vlanCount)),
        });
      }
    }
  } finally {
    await reader.close();
  }
  return { frames, pkt };
}
