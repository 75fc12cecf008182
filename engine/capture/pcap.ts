// Classic libpcap savefile: 24-byte global header, then 16-byte record headers each followed by caplen
// bytes (draft-ietf-opsawg-pcap, sections 4 and 5).

import { KwireError } from '../errors.js';
import { META_STRIDE } from './batch.js';
import type { CaptureInterface } from './batch.js';
import {
  ERR_PCAP_CAPLEN, ERR_PCAP_TRUNC_HEADER, ERR_PCAP_TRUNC_RECORD, ERR_PCAP_VERSION, MAX_CAPLEN,
} from './faults.js';
import type { FrameTable, RecordParser } from './records.js';

/** Magic numbers as read big-endian from the first 4 bytes. */
export const MAGIC_USEC_BE = 0xa1b2c3d4;
export const MAGIC_USEC_LE = 0xd4c3b2a1;
export const MAGIC_NSEC_BE = 0xa1b23c4d;
export const MAGIC_NSEC_LE = 0x4d3cb2a1;

export const PCAP_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

/**
 * The LinkType field: the link type is the low 16 bits; bits 16..25 are reserved, bit 26 says the
 * FCS length (bits 28..31, in 16-bit units) is present. Readers must ignore the upper bits.
 */
const LINKTYPE_MASK = 0xffff;

/** True when the big-endian u32 `magic` starts a classic pcap file. */
export function isPcapMagic(magic: number): boolean {
  return magic === MAGIC_USEC_LE || magic === MAGIC_USEC_BE || magic === MAGIC_NSEC_LE || magic === MAGIC_NSEC_BE;
}

/**
 * Record walker of one classic pcap file.
 *
 *   record  0        4         8        12       16
 *           ┌────────┬─────────┬────────┬────────┬──────────── caplen bytes ───┐
 *           │ ts_sec │ ts_frac │ caplen │ origlen│ frame                       │
 *           └────────┴─────────┴────────┴────────┴─────────────────────────────┘
 *   ts_frac is µs or ns according to the magic; byte order is the writer's, also from the magic.
 */
export class PcapParser implements RecordParser {
  readonly path: string;
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly iface: CaptureInterface;
  /** Upper bits of the LinkType field (FCS length information), kept for statistics. */
  readonly linkTypeExtra: number;
  need = 0;
  fault: KwireError | null = null;
  private readonly fracMul: number;
  private readonly fracLimit: number;

  /**
   * Parse the global header at bytes[0, avail). Throws KwireError: KWIRE_ERR_PCAP_TRUNC_HEADER when
   * fewer than 24 bytes exist, KWIRE_ERR_PCAP_VERSION for a major version other than 2.
   * The caller has checked the magic with isPcapMagic().
   */
  constructor(path: string, view: DataView, avail: number) {
    this.path = path;
    const magic = view.getUint32(0, false);
    this.littleEndian = magic === MAGIC_USEC_LE || magic === MAGIC_NSEC_LE;
    this.nanosecond = magic === MAGIC_NSEC_LE || magic === MAGIC_NSEC_BE;
    this.fracMul = this.nanosecond ? 1 : 1000;
    this.fracLimit = this.nanosecond ? 1_000_000_000 : 1_000_000;
    if (avail < PCAP_HEADER_LEN) {
      throw new KwireError(ERR_PCAP_TRUNC_HEADER,
        `pcap global header cut short: ${avail} of ${PCAP_HEADER_LEN} bytes; the file is truncated`, path, avail);
    }
    const le = this.littleEndian;
    const major = view.getUint16(4, le);
    if (major !== 2) {
      throw new KwireError(ERR_PCAP_VERSION,
        `pcap version ${major}.${view.getUint16(6, le)}, expected 2.x`, path, 4);
    }
    const field = view.getUint32(20, le);
    this.iface = { name: '', linkType: field & LINKTYPE_MASK, snapLen: view.getUint32(16, le) };
    this.linkTypeExtra = field >>> 16;
  }

  parse(bytes: Uint8Array, view: DataView, pos: number, end: number, base: number, table: FrameTable): number {
    const le = this.littleEndian;
    const mul = this.fracMul;
    const limit = this.fracLimit;
    const linkType = this.iface.linkType;
    let meta = table.meta;
    let w = table.count * META_STRIDE;
    let p = pos;
    this.fault = null;
    this.need = 0;
    for (;;) {
      if (end - p < PCAP_RECORD_HEADER_LEN) {
        this.need = PCAP_RECORD_HEADER_LEN;
        break;
      }
      const caplen = view.getUint32(p + 8, le);
      if (caplen > MAX_CAPLEN) {
        this.fault = new KwireError(ERR_PCAP_CAPLEN,
          `record caplen ${caplen} exceeds the maximum ${MAX_CAPLEN}; the file is corrupt`, this.path, base + p + 8);
        break;
      }
      const size = PCAP_RECORD_HEADER_LEN + caplen;
      if (end - p < size) {
        this.need = size;
        break;
      }
      if (w === meta.length) meta = table.grow();
      let sec = view.getUint32(p, le);
      let frac = view.getUint32(p + 4, le);
      if (frac >= limit) {
        sec += Math.floor(frac / limit);
        frac %= limit;
      }
      meta[w] = p + PCAP_RECORD_HEADER_LEN;
      meta[w + 1] = caplen;
      meta[w + 2] = view.getUint32(p + 12, le);
      meta[w + 3] = linkType;
      meta[w + 4] = 0;
      meta[w + 5] = sec;
      meta[w + 6] = frac * mul;
      meta[w + 7] = 0;
      w += META_STRIDE;
      p += size;
    }
    table.count = w / META_STRIDE;
    return p;
  }

  truncated(bytes: Uint8Array, view: DataView, pos: number, avail: number, base: number): KwireError {
    if (avail < PCAP_RECORD_HEADER_LEN) {
      return new KwireError(ERR_PCAP_TRUNC_RECORD,
        `last record header cut short: ${avail} of ${PCAP_RECORD_HEADER_LEN} bytes; the file is truncated`,
        this.path, base + pos);
    }
    const caplen = view.getUint32(pos + 8, this.littleEndian);
    return new KwireError(ERR_PCAP_TRUNC_RECORD,
      `last record cut short: ${avail} of ${PCAP_RECORD_HEADER_LEN + caplen} bytes (caplen ${caplen}); ` +
      'the file is truncated', this.path, base + pos);
  }
}
