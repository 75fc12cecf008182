// Classic libpcap file writer: little-endian, microsecond timestamps, LINKTYPE_ETHERNET
// (https://www.tcpdump.org/manpages/pcap-savefile.5.html).

import { CHUNK_BYTES, EPOCH_SECONDS, MAX_FRAME } from './capture-writer.js';
import type { CaptureWriter } from './capture-writer.js';

const MAGIC_USEC = 0xa1b2c3d4;
const SNAPLEN = 262144;
const LINKTYPE_ETHERNET = 1;
const RECORD_HEADER = 16;

export class PcapWriter implements CaptureWriter {
  readonly buf = new Uint8Array(CHUNK_BYTES);
  pos = 0;
  readonly limit = CHUNK_BYTES - RECORD_HEADER - MAX_FRAME;
  private readonly view = new DataView(this.buf.buffer);

  /** The 24-byte global header goes at the start of the first chunk. */
  constructor() {
    const v = this.view;
    v.setUint32(0, MAGIC_USEC, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setInt32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, SNAPLEN, true);
    v.setUint32(20, LINKTYPE_ETHERNET, true);
    this.pos = 24;
  }

  frameOffset(): number {
    return this.pos + RECORD_HEADER;
  }

  commit(tNs: number, frameLen: number): void {
    const v = this.view;
    const p = this.pos;
    const sec = Math.floor(tNs / 1e9);
    v.setUint32(p, EPOCH_SECONDS + sec, true);
    v.setUint32(p + 4, Math.floor((tNs - sec * 1e9) / 1000), true);
    v.setUint32(p + 8, frameLen, true);
    v.setUint32(p + 12, frameLen, true);
    this.pos = p + RECORD_HEADER + frameLen;
  }

  reset(): void {
    this.pos = 0;
  }
}
