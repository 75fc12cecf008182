// Test helpers: decode every frame of a capture (eachDecoded), and each frame's innermost tuple as
// text (decodeFile, tupleKey).

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

/** Direction key "src sport dst dport" of the packet's innermost tuple. */
export function tupleKey(pkt: Packet): string {
  const v = pkt.ipVersion;
  return `${formatIp(pkt.bytes, pkt.srcAddrOffset, v)} ${pkt.srcPort} ${formatIp(pkt.bytes, pkt.dstAddrOffset, v)} ${pkt.dstPort}`;
}

/**
 * Decode every frame of the capture at `path` into one Packet and call `visit` with it, the frame
 * number, the decode status and the batch bytes (valid during the call only).
 */
export async function eachDecoded(path: string, visit: (pkt: Packet, frame: number, status: number, data: Uint8Array) => void,
  config = new DecoderConfig()): Promise<void> {
  const reader = await openCapture(path);
  const pkt = new Packet(config);
  try {
    for (let b = await reader.next(); b !== null; b = await reader.next()) {
      for (let i = 0; i < b.count; i++) {
        const m = i * META_STRIDE;
        pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
        visit(pkt, b.firstFrame + i, decodeFrame(pkt), b.data);
      }
    }
  } finally {
    await reader.close();
  }
}

export async function decodeFile(path: string, config = new DecoderConfig()): Promise<{ frames: DecodedFrame[]; pkt: Packet }> {
  const frames: DecodedFrame[] = [];
  let last = new Packet(config);
  await eachDecoded(path, (pkt, frame, status) => {
    last = pkt;
    const v = pkt.ipVersion;
    frames.push({
      frame,
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
  }, config);
  return { frames, pkt: last };
}
