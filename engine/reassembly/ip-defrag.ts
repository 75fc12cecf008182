// IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragment reassembly: per-datagram trackers with a
// timeout, a tracker limit and a memory cap; overlapping fragments keep the first bytes seen (as
// Suricata's "bsd"-like first-wins policy), and overlaps that disagree are counted as conflicts.
// A completed datagram is re-decoded from its IP header into the same Packet, with the link and
// tunnel headers of the completing fragment kept in front of it so outer offsets stay valid.

import { decodeIpv4 } from '../../decoders/ipv4.js';
import { decodeIpv6 } from '../../decoders/ipv6.js';
import type { Packet, Status } from '../../decoders/packet.js';
import { compareRanges, NATIVE_COMPARE_MIN } from '../../decoders/byte-ranges.js';
import type { ReassemblyConfig, ReassemblyMemory } from './reassembly-config.js';

/** Counters under stats.defrag. */
export class DefragStats {
  fragments = 0;
  reassembled = 0;
  timeouts = 0;
  /** Trackers dropped because the tracker table was full, or the memcap refused their bytes. */
  trackersDropped = 0;
  overlapConflicts = 0;
  /** Fragments past 65,535 bytes of datagram, or with an inconsistent last fragment. */
  invalid = 0;
}

const MAX_DATAGRAM = 65_535;
/** Smallest datagram buffer; buffers double from here up to MAX_DATAGRAM. */
const MIN_BUFFER = 2048;
/** Released datagram buffers kept per size for the next trackers (their bytes are never read before written). */
const SPARE_PER_SIZE = 8;

class Tracker {
  readonly key: string;
  readonly createdUs: number;
  /** Datagram payload (after the IP header / fragment header). */
  data = new Uint8Array(0);
  /** Covered ranges [start, end), sorted, merged. */
  ranges: number[] = [];
  /** Payload length once the last fragment (MF = 0) is seen, else -1. */
  total = -1;
  /** Copy of the first fragment's IP header (IPv4 with options; IPv6 fixed header). */
  header: Uint8Array | null = null;
  /** Upper-layer protocol: IPv4 protocol field or the fragment header's next header. */
  proto = 0;
  charged = 0;

  constructor(key: string, nowUs: number) {
    this.key = key;
    this.createdUs = nowUs;
  }
}

/** Big-endian 16-bit value at b[o]. */
function be16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** Bytes data[os, oe) differ from b[shift + os, shift + oe). */
function differ(data: Uint8Array, b: Uint8Array, os: number, oe: number, shift: number): boolean {
  for (let k = os; k < oe; k++) if (data[k] !== b[shift + k]) return true;
  return false;
}

export class IpDefrag {
  private readonly trackers = new Map<string, Tracker>();
  private scratch = new Uint8Array(MAX_DATAGRAM + 2048);
  /** Released datagram buffers by size (MIN_BUFFER·2^k, and MAX_DATAGRAM): growing a tracker reuses them. */
  private readonly spare = new Map<number, Uint8Array<ArrayBuffer>[]>();
  readonly stats = new DefragStats();

  constructor(private readonly cfg: ReassemblyConfig, private readonly mem: ReassemblyMemory) {}

  /** Trackers alive now. */
  get size(): number {
    return this.trackers.size;
  }

  /**
   * Take a fragment (`pkt.isFragment`, just decoded). Returns -1 while the datagram is incomplete (or
   * the fragment was dropped); when this fragment completes it, the datagram is re-decoded into `pkt`
   * (pkt.bytes then points into a reassembly buffer valid until the next completed datagram) and the
   * decoder's status is returned.
   */
  fragment(pkt: Packet, nowUs: number): Status | -1 {
    this.stats.fragments++;
    this.expire(nowUs);
    const b = pkt.bytes;
    const v6 = pkt.ipVersion === 6;
    const key = this.keyOf(pkt);
    let t = this.trackers.get(key);
    if (t === undefined) {
      if (this.trackers.size >= this.cfg.maxFragTrackers) {
        this.stats.trackersDropped++;
        this.drop(this.trackers.values().next().value!);
      }
      t = new Tracker(key, nowUs);
      this.trackers.set(key, t);
    }
    // Where this fragment's payload starts and how long it is.
    const l3 = pkt.l3Offset;
    let payloadStart: number;
    if (v6) {
      payloadStart = this.ipv6PayloadStart(b, l3, pkt.l3Length);
      if (payloadStart < 0) { this.stats.invalid++; return -1; }
    } else {
      payloadStart = l3 + ((b[l3] & 0x0f) << 2);
    }
    const len = l3 + pkt.l3Length - payloadStart;
    const start = pkt.fragOffset;
    const end = start + len;
    if (end > MAX_DATAGRAM || len < 0) { this.stats.invalid++; this.drop(t); return -1; }
    if (!pkt.fragMore) {
      if (t.total >= 0 && t.total !== end) { this.stats.invalid++; this.drop(t); return -1; }
      t.total = end;
    }
    if (start === 0 && t.header === null) {
      t.header = b.slice(l3, v6 ? l3 + 40 : payloadStart);
      t.proto = v6 ? b[payloadStart - 8] : b[l3 + 9]; // IPv6: the fragment header's next header
    }
    if (!this.place(t, b, payloadStart, start, end)) return -1;
    if (t.total < 0 || t.header === null || t.ranges.length !== 2 || t.ranges[0] !== 0 || t.ranges[1] !== t.total) return -1;
    return this.complete(t, pkt);
  }

  /** Copy bytes [start, end) in, first bytes win; false when the tracker was dropped. */
  private place(t: Tracker, b: Uint8Array, from: number, start: number, end: number): boolean {
    if (end > t.data.length) {
      let size = Math.max(MIN_BUFFER, t.data.length);
      while (size < end) size *= 2;
      if (size > MAX_DATAGRAM) size = MAX_DATAGRAM;
      if (!this.mem.take(size - t.charged)) { this.stats.trackersDropped++; this.drop(t); return false; }
      t.charged = size;
      const next = this.spare.get(size)?.pop() ?? new Uint8Array(size);
      // only the covered ranges are ever read back
      const r = t.ranges;
      for (let i = 0; i < r.length; i += 2) next.set(t.data.subarray(r[i], r[i + 1]), r[i]);
      this.release(t.data);
      t.data = next;
    }
    // Walk the covered ranges: compare overlaps, copy the gaps.
    const data = t.data;
    const shift = from - start; // b[shift + k] is datagram byte k
    const r = t.ranges;
    let pos = start;
    let conflict = false;
    for (let i = 0; i < r.length && pos < end; i += 2) {
      const rs = r[i];
      const re = r[i + 1];
      if (re <= pos) continue;
      if (rs >= end) break;
      if (rs > pos) data.set(b.subarray(shift + pos, shift + rs), pos);
      const os = Math.max(rs, pos);
      const oe = Math.min(re, end);
      if (!conflict) conflict = oe - os >= NATIVE_COMPARE_MIN ? compareRanges.call(data, b, shift + os, shift + oe, os, oe) !== 0 : differ(data, b, os, oe, shift);
      pos = oe;
    }
    if (pos < end) data.set(b.subarray(shift + pos, shift + end), pos);
    if (conflict) this.stats.overlapConflicts++;
    // merge [start, end) into the ranges
    const merged: number[] = [];
    let ns = start;
    let ne = end;
    let placed = false;
    for (let i = 0; i < r.length; i += 2) {
      const rs = r[i];
      const re = r[i + 1];
      if (re < ns) merged.push(rs, re);
      else if (rs > ne) {
        if (!placed) { merged.push(ns, ne); placed = true; }
        merged.push(rs, re);
      } else { ns = Math.min(ns, rs); ne = Math.max(ne, re); }
    }
    if (!placed) merged.push(ns, ne);
    t.ranges = merged;
    return true;
  }

  /** Build [link/tunnel prefix][IP header][payload] and decode from the IP header. */
  private complete(t: Tracker, pkt: Packet): Status {
    this.trackers.delete(t.key);
    this.mem.give(t.charged);
    this.stats.reassembled++;
    const b = pkt.bytes;
    const prefix = pkt.l3Offset - pkt.frameOffset;
    const hdr = t.header!;
    const total = prefix + hdr.length + t.total;
    if (this.scratch.length < total) this.scratch = new Uint8Array(total);
    const out = this.scratch;
    out.set(b.subarray(pkt.frameOffset, pkt.l3Offset), 0);
    out.set(hdr, prefix);
    out.set(t.data.subarray(0, t.total), prefix + hdr.length);
    this.release(t.data);
    const ip = prefix;
    if (pkt.ipVersion === 6) {
      out[ip + 6] = t.proto; // the fragment header's next header
      const plen = t.total;
      out[ip + 4] = plen >> 8;
      out[ip + 5] = plen & 0xff;
    } else {
      const len = hdr.length + t.total;
      out[ip + 2] = len >> 8;
      out[ip + 3] = len & 0xff;
      out[ip + 6] &= 0x40; // keep DF, clear MF and the offset
      out[ip + 7] = 0;
    }
    // Rebase the outer offsets onto the new buffer, then decode the whole datagram.
    const shift = pkt.frameOffset;
    pkt.outerSrcOffset -= shift;
    pkt.outerDstOffset -= shift;
    pkt.bytes = out;
    pkt.frameOffset = 0;
    pkt.capLen = pkt.origLen = total;
    return pkt.ipVersion === 6 ? decodeIpv6(out, ip, total - ip, pkt) : decodeIpv4(out, ip, total - ip, pkt);
  }

  /** Offset of the fragmentable part: just after the fragment header (walking extension headers). */
  private ipv6PayloadStart(b: Uint8Array, l3: number, l3Len: number): number {
    let nh = b[l3 + 6];
    let p = l3 + 40;
    const end = l3 + l3Len;
    for (let n = 0; n < 12 && p + 2 <= end; n++) {
      if (nh === 44) return p + 8 <= end ? p + 8 : -1;
      if (nh === 0 || nh === 43 || nh === 60) { nh = b[p]; p += (b[p + 1] + 1) << 3; continue; }
      return -1;
    }
    return -1;
  }

  /**
   * The datagram's key: version, identification, first VLAN id, tunnel, both addresses and (IPv4)
   * the protocol, as one flat string of 16-bit units built in one call (a concatenated string would
   * be flattened again to hash it). Fixed length per version, so distinct datagrams never collide.
   */
  private keyOf(pkt: Packet): string {
    const b = pkt.bytes;
    const s = pkt.srcAddrOffset;
    const d = pkt.dstAddrOffset;
    const id = pkt.fragId >>> 0;
    const tid = pkt.tunnelId;
    const vlan = pkt.vlanCount > 0 ? pkt.vlan[0] : 0;
    const head = (pkt.tunnelType << 1) | (tid < 0 ? 1 : 0);
    const tHi = (tid >>> 16) & 0xffff;
    const tLo = tid & 0xffff;
    if (pkt.ipVersion !== 6) {
      return String.fromCharCode(4, id >>> 16, id & 0xffff, vlan, head, tHi, tLo,
        be16(b, s), be16(b, s + 2), be16(b, d), be16(b, d + 2), b[pkt.l3Offset + 9]);
    }
    return String.fromCharCode(6, id >>> 16, id & 0xffff, vlan, head, tHi, tLo,
      be16(b, s), be16(b, s + 2), be16(b, s + 4), be16(b, s + 6), be16(b, s + 8), be16(b, s + 10), be16(b, s + 12), be16(b, s + 14),
      be16(b, d), be16(b, d + 2), be16(b, d + 4), be16(b, d + 6), be16(b, d + 8), be16(b, d + 10), be16(b, d + 12), be16(b, d + 14));
  }

  /** Drop trackers older than the timeout (oldest first; Map keeps insertion order). */
  private expire(nowUs: number): void {
    const limit = this.cfg.fragTimeout * 1e6;
    for (const t of this.trackers.values()) {
      if (nowUs - t.createdUs < limit) return;
      this.stats.timeouts++;
      this.drop(t);
    }
  }

  private drop(t: Tracker): void {
    if (this.trackers.delete(t.key)) {
      this.mem.give(t.charged);
      this.release(t.data);
    }
  }

  /** Keep a datagram buffer of a finished tracker for reuse. */
  private release(data: Uint8Array<ArrayBuffer>): void {
    if (data.length < MIN_BUFFER) return;
    let list = this.spare.get(data.length);
    if (list === undefined) this.spare.set(data.length, list = []);
    if (list.length < SPARE_PER_SIZE) list.push(data);
  }

  /** End of input: drop what never completed (counted as timeouts). */
  flush(): void {
    for (const t of this.trackers.values()) {
      this.stats.timeouts++;
      this.drop(t);
    }
  }
}
