// TCP reassembly of the first bytes of one direction (RFC 9293 sequence space, wrap-safe): in-order
// data is handed to the app-layer consumer as a view of the packet when it completes a message by
// itself; otherwise the prefix is copied into a per-direction buffer, out-of-order segments are held
// (copied) until the gap fills, retransmissions are checked against what was kept.

import type { Packet } from '../../decoders/packet.js';
import { TCP_SYN } from '../../decoders/tcp.js';
import { APP_NEED_MORE, type AppStatus } from '../../decoders/app-layer.js';
import type { ReassemblyConfig, ReassemblyMemory } from './reassembly-config.js';

/** What reassembled bytes are given to: the app-layer parser of this direction. */
export interface StreamConsumer {
  /** `bytes[offset, offset+length)` is the direction's contiguous first bytes (from its start). */
  consume(bytes: Uint8Array, offset: number, length: number): AppStatus;
}

/** Counters under stats.tcp. */
export class StreamStats {
  segments = 0;
  /** Segments held out of order, and those dropped at the per-direction or memory limits. */
  ooo = 0;
  oooDropped = 0;
  retransmissions = 0;
  /** Retransmitted or overlapping bytes that differ from the bytes first seen (first wins). */
  overlapConflicts = 0;
  depthReached = 0;
  midstream = 0;
}

interface Held { rel: number; data: Uint8Array }

/** Reassembly state of one direction of one flow. */
export class TcpDirection {
  private base = 0;
  private hasBase = false;
  /** Contiguous bytes from the start seen so far (capped at the depth). */
  private delivered = 0;
  private buf: Uint8Array | null = null;
  private held: Held[] = [];
  private heldBytes = 0;
  /** No more reassembly: the consumer finished, gave up, or the depth was reached. */
  done = false;
  /** Last status the consumer returned. */
  status: AppStatus = APP_NEED_MORE;
  /** Set by the consumer during consume(): start over this many bytes after the stream start. */
  restartAt = -1;

  /** Feed one TCP segment of this direction (pkt decoded, ipProto 6). */
  segment(pkt: Packet, consumer: StreamConsumer, cfg: ReassemblyConfig, mem: ReassemblyMemory, st: StreamStats): void {
    if (this.done) return;
    const seq = pkt.tcpSeq;
    if (pkt.tcpFlags & TCP_SYN) {
      this.base = (seq + 1) >>> 0;
      this.hasBase = true;
      // data on a SYN (TCP Fast Open) starts at seq + 1
      if (pkt.payloadLength === 0) return;
      this.add(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, 0, consumer, cfg, mem, st);
      return;
    }
    const len = pkt.payloadLength;
    if (len === 0) return;
    if (!this.hasBase) {
      this.base = seq;
      this.hasBase = true;
      st.midstream++;
    }
    this.add(pkt.bytes, pkt.payloadOffset, len, (seq - this.base) | 0, consumer, cfg, mem, st);
  }

  /** Bytes `data[off, off+len)` at relative sequence `rel` (may be negative: before the start). */
  private add(data: Uint8Array, off: number, len: number, rel: number, consumer: StreamConsumer,
    cfg: ReassemblyConfig, mem: ReassemblyMemory, st: StreamStats): void {
    st.segments++;
    if (rel < 0) {
      if (rel + len <= 0) return;
      off -= rel;
      len += rel;
      rel = 0;
    }
    const depth = cfg.streamDepth;
    if (rel >= depth) {
      this.finish(mem, st, true);
      return;
    }
    if (rel + len > depth) len = depth - rel;
    const end = rel + len;
    const delivered = this.delivered;
    if (end <= delivered) {
      st.retransmissions++;
      if (this.buf !== null && !sameBytes(this.buf, rel, data, off, len)) st.overlapConflicts++;
      return;
    }
    if (rel > delivered) {
      this.hold(data, off, len, rel, cfg, mem, st);
      return;
    }
    // In order (possibly overlapping what we have): the new part starts at `delivered`.
    if (this.buf === null && delivered === 0) {
      const s = consumer.consume(data, off, len);
      if (this.restarted(mem)) return;
      if (s !== APP_NEED_MORE) {
        this.status = s;
        this.finish(mem, st, false);
        return;
      }
      if (!this.reserve(len, depth, mem)) { this.finish(mem, st, false); return; }
      this.buf!.set(data.subarray(off, off + len), 0);
      this.delivered = len;
    } else {
      if (this.buf === null) return; // cannot happen: delivered > 0 implies a buffer
      if (rel < delivered && !sameBytes(this.buf, rel, data, off, delivered - rel)) st.overlapConflicts++;
      if (!this.reserve(end, depth, mem)) { this.finish(mem, st, false); return; }
      this.buf.set(data.subarray(off + (delivered - rel), off + len), delivered);
      this.delivered = end;
    }
    this.drainHeld(mem, st);
    const s = consumer.consume(this.buf!, 0, this.delivered);
    if (this.restarted(mem)) return;
    this.status = s;
    if (s !== APP_NEED_MORE) this.finish(mem, st, false);
    else if (this.delivered >= depth) this.finish(mem, st, true);
  }

  /** Make the buffer hold at least `n` bytes (doubling from 4 KiB, at most `depth`), within the memcap. */
  private reserve(n: number, depth: number, mem: ReassemblyMemory): boolean {
    const have = this.buf === null ? 0 : this.buf.length;
    if (n <= have) return true;
    let size = have === 0 ? 4096 : have;
    while (size < n) size *= 2;
    if (size > depth) size = depth;
    if (!mem.take(size - have)) return false;
    const next = new Uint8Array(size);
    if (this.buf !== null) next.set(this.buf.subarray(0, this.delivered));
    this.buf = next;
    return true;
  }

  private hold(data: Uint8Array, off: number, len: number, rel: number, cfg: ReassemblyConfig, mem: ReassemblyMemory, st: StreamStats): void {
    if (this.held.length >= cfg.maxOooSegments || !mem.take(len)) {
      st.oooDropped++;
      return;
    }
    st.ooo++;
    this.held.push({ rel, data: data.slice(off, off + len) });
    this.heldBytes += len;
  }

  /** Move held segments that now touch the contiguous prefix into it, lowest first. */
  private drainHeld(mem: ReassemblyMemory, st: StreamStats): void {
    for (let progress = true; progress && this.held.length > 0; ) {
      progress = false;
      for (let i = 0; i < this.held.length; i++) {
        const h = this.held[i];
        if (h.rel > this.delivered) continue;
        const end = h.rel + h.data.length;
        const overlap = Math.min(end, this.delivered) - h.rel;
        if (overlap > 0 && !sameBytes(this.buf!, h.rel, h.data, 0, overlap)) st.overlapConflicts++;
        if (end > this.delivered) {
          if (!this.reserve(end, this.buf!.length > end ? this.buf!.length : end, mem)) return;
          this.buf!.set(h.data.subarray(this.delivered - h.rel), this.delivered);
          this.delivered = end;
        }
        mem.give(h.data.length);
        this.heldBytes -= h.data.length;
        this.held.splice(i, 1);
        progress = true;
        break;
      }
    }
  }

  /** Apply a restart the consumer asked for (see `restartAt`). */
  private restarted(mem: ReassemblyMemory): boolean {
    const k = this.restartAt;
    if (k < 0) return false;
    this.restartAt = -1;
    this.reopen(k, mem);
    return true;
  }

  /**
   * Start over `skip` bytes after the stream start (the consumer expects another message there,
   * e.g. the second ClientHello after a HelloRetryRequest). Bytes before it are forgotten.
   */
  reopen(skip: number, mem: ReassemblyMemory): void {
    if (this.buf !== null) mem.give(this.buf.length);
    mem.give(this.heldBytes);
    this.buf = null;
    this.held = [];
    this.heldBytes = 0;
    this.base = (this.base + skip) >>> 0;
    this.delivered = 0;
    this.done = false;
    this.status = APP_NEED_MORE;
  }

  /** Stop reassembling this direction and release its memory. */
  finish(mem: ReassemblyMemory, st: StreamStats, depth: boolean): void {
    if (this.done) return;
    this.done = true;
    if (depth) st.depthReached++;
    if (this.buf !== null) mem.give(this.buf.length);
    mem.give(this.heldBytes);
    this.buf = null;
    this.held = [];
    this.heldBytes = 0;
  }
}

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}
