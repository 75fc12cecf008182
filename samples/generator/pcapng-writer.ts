// pcapng writer: one Section Header Block, one Interface Description Block (eth0, nanosecond
// if_tsresol) and an Enhanced Packet Block per frame (draft-ietf-opsawg-pcapng, sections 4.1-4.3).

import { CHUNK_BYTES, EPOCH_SECONDS, MAX_FRAME } from './capture-writer.js';
import type { CaptureWriter } from './capture-writer.js';

const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;
const EPB_HEADER = 28;
const TWO32 = 4294967296;
const EPOCH_NS = BigInt(EPOCH_SECONDS) * 1_000_000_000n;
const EPOCH_HI = Number(EPOCH_NS >> 32n);
const EPOCH_LO = Number(EPOCH_NS & 0xffffffffn);

export interface PcapngInfo {
  ifName: string;
  ifDescription: string;
  os: string;
  hardware: string;
  application: string;
}

export class PcapngWriter implements CaptureWriter {
  readonly buf = new Uint8Array(CHUNK_BYTES);
  pos = 0;
  readonly limit = CHUNK_BYTES - EPB_HEADER - MAX_FRAME - 8;
  private readonly view = new DataView(this.buf.buffer);

  constructor(info: PcapngInfo) {
    this.block(BT_SHB, (v, p) => {
      v.setUint32(p, BYTE_ORDER_MAGIC, true);
      v.setUint16(p + 4, 1, true);
      v.setUint16(p + 6, 0, true);
      v.setInt32(p + 8, -1, true); // section length unknown (-1 as 64 bits)
      v.setInt32(p + 12, -1, true);
      let q = p + 16;
      q = this.option(q, SHB_HARDWARE, utf8(info.hardware));
      q = this.option(q, SHB_OS, utf8(info.os));
      q = this.option(q, SHB_USERAPPL, utf8(info.application));
      return this.option(q, 0, new Uint8Array(0));
    });
    this.block(BT_IDB, (v, p) => {
      v.setUint16(p, LINKTYPE_ETHERNET, true);
      v.setUint16(p + 2, 0, true);
      v.setUint32(p + 4, SNAPLEN, true);
      let q = p + 8;
      q = this.option(q, IF_NAME, utf8(info.ifName));
      q = this.option(q, IF_DESCRIPTION, utf8(info.ifDescription));
      q = this.option(q, IF_TSRESOL, Uint8Array.of(9));
      return this.option(q, 0, new Uint8Array(0));
    });
  }

  frameOffset(): number {
    return this.pos + EPB_HEADER;
  }

  commit(tNs: number, frameLen: number): void {
    const v = this.view;
    const p = this.pos;
    const padded = (frameLen + 3) & ~3;
    const total = EPB_HEADER + padded + 4;
    const oh = Math.floor(tNs / TWO32);
    let lo = EPOCH_LO + (tNs - oh * TWO32);
    let hi = EPOCH_HI + oh;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    v.setUint32(p, BT_EPB, true);
    v.setUint32(p + 4, total, true);
    v.setUint32(p + 8, 0, true);
    v.setUint32(p + 12, hi, true);
    v.setUint32(p + 16, lo, true);
    v.setUint32(p + 20, frameLen, true);
    v.setUint32(p + 24, frameLen, true);
    const end = p + EPB_HEADER + frameLen;
    for (let i = end; i < p + EPB_HEADER + padded; i++) this.buf[i] = 0;
    v.setUint32(p + total - 4, total, true);
    this.pos = p + total;
  }

  reset(): void {
    this.pos = 0;
  }

  /** Writes a whole block whose body `fill` writes from offset p, returning the body's end. */
  private block(type: number, fill: (v: DataView, p: number) => number): void {
    const v = this.view;
    const start = this.pos;
    const end = fill(v, start + 8);
    const total = end + 4 - start;
    v.setUint32(start, type, true);
    v.setUint32(start + 4, total, true);
    v.setUint32(end, total, true);
    this.pos = start + total;
  }

  /** Writes one option (code, length, value padded to 4 bytes) at p and returns the next offset. */
  private option(p: number, code: number, value: Uint8Array): number {
    const v = this.view;
    v.setUint16(p, code, true);
    v.setUint16(p + 2, value.length, true);
    this.buf.set(value, p + 4);
    const padded = (value.length + 3) & ~3;
    for (let i = p + 4 + value.length; i < p + 4 + padded; i++) this.buf[i] = 0;
    return p + 4 + padded;
  }
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
