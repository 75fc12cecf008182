// pcapng: blocks of (type, length, body, length) in sections that each start with a Section Header
// Block (draft-ietf-opsawg-pcapng, sections 3 and 4: SHB, IDB, EPB, SPB, obsolete PB).

import { KwireError } from '../errors.js';
import { META_STRIDE } from './batch.js';
import type { CaptureInterface } from './batch.js';
import {
  ERR_PCAP_CAPLEN, ERR_PCAP_MAGIC, ERR_PCAP_TRUNC_HEADER, ERR_PCAP_TRUNC_RECORD, ERR_PCAP_VERSION,
  ERR_PCAPNG_BLOCK, ERR_PCAPNG_IFACE, MAX_BLOCK, MAX_CAPLEN, MAX_INTERFACES, hex4,
} from './faults.js';
import { FrameTable } from './records.js';
import type { RecordParser } from './records.js';
import { TS, TSRESOL_DEFAULT, splitTimestamp, tsResolution } from './timestamp.js';
import type { TsResolution } from './timestamp.js';

export const BT_SHB = 0x0a0d0d0a; // palindrome: reads the same in both byte orders
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002; // obsolete Packet Block
export const BT_SPB = 0x00000003;
export const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const SHB_MIN = 28;
const IDB_MIN = 20;
const EPB_MIN = 32; // also the obsolete PB
const SPB_MIN = 16;
const BLOCK_MIN = 12;

const OPT_ENDOFOPT = 0;
const OPT_IF_NAME = 2;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const utf8 = new TextDecoder('utf-8');

function blockName(type: number): string {
  switch (type) {
    case BT_SHB: return 'Section Header Block';
    case BT_IDB: return 'Interface Description Block';
    case BT_PB: return 'Packet Block';
    case BT_SPB: return 'Simple Packet Block';
    case BT_EPB: return 'Enhanced Packet Block';
    default: return `block type 0x${type.toString(16)}`;
  }
}

/**
 * Block walker of one pcapng file.
 *
 *   block   0      4        8                                   len-4   len
 *           ┌──────┬────────┬─────────── body ──────────────────┬────────┐
 *           │ type │ length │ EPB: ifid tshi tslo caplen origlen│ length │
 *           └──────┴────────┴── frame (padded to 4) ── options ─┴────────┘
 *
 * Interface ids restart in every section; interface `i` of a section is global interface
 * `sectionBase + i`, the index into `interfaces` and meta word M_IFACE.
 */
export class PcapngParser implements RecordParser {
  readonly path: string;
  /** Every interface seen so far, over all sections. Grows as IDBs are parsed. */
  readonly interfaces: CaptureInterface[] = [];
  need = 0;
  fault: KwireError | null = null;
  /** Byte order of the current section (from its SHB). */
  private le = true;
  private sectionBase = 0;
  private sectionCount = 0;
  private readonly res: TsResolution[] = [];
  private readonly tsOffset: number[] = [];

  constructor(path: string) {
    this.path = path;
  }

  parse(bytes: Uint8Array, view: DataView, pos: number, end: number, base: number, table: FrameTable): number {
    let meta = table.meta;
    let w = table.count * META_STRIDE;
    let p = pos;
    this.fault = null;
    this.need = 0;
    for (;;) {
      const avail = end - p;
      if (avail < BLOCK_MIN) {
        this.need = BLOCK_MIN;
        break;
      }
      let le = this.le;
      const type = view.getUint32(p, le);
      if (type === BT_SHB) {
        const bom = view.getUint32(p + 8, true);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          this.fault = new KwireError(ERR_PCAP_MAGIC,
            `pcapng byte-order magic ${hex4(bytes, p + 8, end)}, expected 1a2b3c4d or 4d3c2b1a`, this.path, base + p + 8);
          break;
        }
      }
      const len = view.getUint32(p + 4, le);
      if ((len & 3) !== 0 || len < BLOCK_MIN || len > MAX_BLOCK) {
        this.fault = this.blockError(type, base + p, `length ${len} is invalid (a multiple of 4, 12..${MAX_BLOCK})`);
        break;
      }
      if (avail < len) {
        this.need = len;
        break;
      }
      const trailer = view.getUint32(p + len - 4, le);
      if (trailer !== len) {
        this.fault = this.blockError(type, base + p, `trailing length ${trailer} differs from length ${len}`);
        break;
      }
      if (type === BT_EPB || type === BT_PB || type === BT_SPB) {
        let local: number;
        let caplen: number;
        let origlen: number;
        let data: number;
        if (type === BT_SPB) {
          if (len < SPB_MIN) {
            this.fault = this.blockError(type, base + p, `length ${len} is below the minimum ${SPB_MIN}`);
            break;
          }
          local = 0;
          origlen = view.getUint32(p + 8, le);
          data = p + 12;
          caplen = len - SPB_MIN;
          if (origlen < caplen) caplen = origlen;
        } else {
          if (len < EPB_MIN) {
            this.fault = this.blockError(type, base + p, `length ${len} is below the minimum ${EPB_MIN}`);
            break;
          }
          local = type === BT_EPB ? view.getUint32(p + 8, le) : view.getUint16(p + 8, le);
          caplen = view.getUint32(p + 20, le);
          origlen = view.getUint32(p + 24, le);
          data = p + 28;
          if (caplen > len - EPB_MIN) {
            this.fault = new KwireError(ERR_PCAP_CAPLEN,
              `${blockName(type)} caplen ${caplen} exceeds the ${len - EPB_MIN} bytes its block length ${len} leaves`,
              this.path, base + p + 20);
            break;
          }
        }
        if (local >= this.sectionCount) {
          this.fault = new KwireError(ERR_PCAPNG_IFACE,
            `${blockName(type)} names interface ${local} but its section has ` +
            `${this.sectionCount} Interface Description Block(s) before it`, this.path, base + p);
          break;
        }
        const g = this.sectionBase + local;
        if (type === BT_SPB) {
          const snap = this.interfaces[g].snapLen;
          if (snap !== 0 && snap < caplen) caplen = snap;
        }
        if (caplen > MAX_CAPLEN) {
          this.fault = new KwireError(ERR_PCAP_CAPLEN,
            `${blockName(type)} caplen ${caplen} exceeds the maximum ${MAX_CAPLEN}`, this.path, base + p);
          break;
        }
        if (w === meta.length) meta = table.grow();
        meta[w] = data;
        meta[w + 1] = caplen;
        meta[w + 2] = origlen;
        meta[w + 3] = this.interfaces[g].linkType;
        meta[w + 4] = g;
        if (type === BT_SPB) {
          meta[w + 5] = 0; // an SPB has no timestamp
          meta[w + 6] = 0;
        } else {
          splitTimestamp(view.getUint32(p + 12, le), view.getUint32(p + 16, le), this.res[g]);
          meta[w + 5] = TS.sec + this.tsOffset[g];
          meta[w + 6] = TS.nsec;
        }
        meta[w + 7] = 0;
        w += META_STRIDE;
      } else if (type === BT_IDB) {
        this.addInterface(bytes, view, p, len, le, base);
        if (this.fault !== null) break;
      } else if (type === BT_SHB) {
        this.startSection(view, p, len, le, base);
        if (this.fault !== null) break;
      }
      // Every other block (ISB, NRB, DSB, custom, unknown) is skipped by its length.
      p += len;
    }
    table.count = w / META_STRIDE;
    return p;
  }

  truncated(bytes: Uint8Array, view: DataView, pos: number, avail: number, base: number): KwireError {
    const at = base + pos;
    let what = 'block header';
    let size = BLOCK_MIN;
    if (avail >= 8) {
      const type = view.getUint32(pos, this.le);
      what = blockName(type);
      if (type !== BT_SHB || avail >= BLOCK_MIN) {
        const le = type === BT_SHB ? view.getUint32(pos + 8, true) === BYTE_ORDER_MAGIC : this.le;
        size = view.getUint32(pos + 4, le);
      }
    }
    const msg = `${what} cut short: ${avail} of ${size} bytes; the file is truncated`;
    if (at === 0) return new KwireError(ERR_PCAP_TRUNC_HEADER, `pcapng ${msg}`, this.path, at);
    return new KwireError(ERR_PCAP_TRUNC_RECORD, msg, this.path, at);
  }

  private blockError(type: number, at: number, what: string): KwireError {
    return new KwireError(ERR_PCAPNG_BLOCK, `${blockName(type)} ${what}; the file is corrupt`, this.path, at);
  }

  private startSection(view: DataView, p: number, len: number, le: boolean, base: number): void {
    if (len < SHB_MIN) {
      this.fault = this.blockError(BT_SHB, base + p, `length ${len} is below the minimum ${SHB_MIN}`);
      return;
    }
    const major = view.getUint16(p + 12, le);
    if (major !== 1) {
      this.fault = new KwireError(ERR_PCAP_VERSION,
        `pcapng version ${major}.${view.getUint16(p + 14, le)}, expected 1.x`, this.path, base + p + 12);
      return;
    }
    this.le = le;
    this.sectionBase = this.interfaces.length;
    this.sectionCount = 0;
  }

  private addInterface(bytes: Uint8Array, view: DataView, p: number, len: number, le: boolean, base: number): void {
    if (len < IDB_MIN) {
      this.fault = this.blockError(BT_IDB, base + p, `length ${len} is below the minimum ${IDB_MIN}`);
      return;
    }
    if (this.interfaces.length >= MAX_INTERFACES) {
      this.fault = new KwireError(ERR_PCAPNG_IFACE,
        `more than ${MAX_INTERFACES} Interface Description Blocks; the file is corrupt`, this.path, base + p);
      return;
    }
    let name = '';
    let tsresol = TSRESOL_DEFAULT;
    let offset = 0;
    // Options: code (2), length (2), value padded to 4. A malformed option ends the list, like Wireshark.
    const optEnd = p + len - 4;
    let q = p + 16;
    while (q + 4 <= optEnd) {
      const code = view.getUint16(q, le);
      const olen = view.getUint16(q + 2, le);
      if (code === OPT_ENDOFOPT || q + 4 + olen > optEnd) break;
      const v = q + 4;
      if (code === OPT_IF_NAME) {
        let e = v + olen;
        while (e > v && bytes[e - 1] === 0) e--;
        name = utf8.decode(bytes.subarray(v, e));
      } else if (code === OPT_IF_TSRESOL && olen >= 1) {
        tsresol = bytes[v];
      } else if (code === OPT_IF_TSOFFSET && olen >= 8) {
        offset = Number(view.getBigInt64(v, le));
      }
      q = v + ((olen + 3) & ~3);
    }
    this.interfaces.push({ name, linkType: view.getUint16(p + 8, le), snapLen: view.getUint32(p + 12, le) });
    this.res.push(tsResolution(tsresol));
    this.tsOffset.push(offset);
    this.sectionCount++;
  }
}

/**
 * Validate the Section Header Block at bytes[0] of a file's first chunk, so that openCapture() reports a
 * bad or truncated file header itself. Throws KwireError; returns when the SHB is fine or is larger
 * than the chunk (next() checks it then).
 */
export function checkFirstSection(path: string, bytes: Uint8Array, view: DataView, avail: number, eof: boolean): void {
  let end = avail;
  if (avail >= BLOCK_MIN) {
    const len = view.getUint32(4, view.getUint32(8, true) === BYTE_ORDER_MAGIC);
    if (len >= BLOCK_MIN && len <= avail) end = len;
  }
  const probe = new PcapngParser(path);
  const pos = probe.parse(bytes, view, 0, end, 0, new FrameTable(1));
  if (probe.fault !== null) throw probe.fault;
  if (pos === 0 && eof) throw probe.truncated(bytes, view, 0, avail, 0);
}
