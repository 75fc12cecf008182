// TCP stream bytes for content inspection (RFC 9293 sequence space, wrap-safe): every byte of one
// direction up to the stream depth is handed to a sink once, in sequence order, as Suricata's
// stream inspection sees it. In-order data passes as a view of the packet (no copy); only
// out-of-order bytes are copied, into pooled pages (ooo-pages.ts) until the gap fills; overlaps
// keep the bytes seen first, as TcpDirection does for the app layer.

import type { Packet } from '../../decoders/packet.js';
import { TCP_SYN } from '../../decoders/tcp.js';
import { HOLD_OK, OooQueue, type InOrderSink, type PagePool } from './ooo-pages.js';
import type { StreamStats } from './tcp-stream.js';

/** Stream inspection state of one direction of one flow; reused across flows via reset(). */
export class TcpInspectDirection {
  private base = 0;
  private hasBase = false;
  /** Stream offset of the next byte the sink expects (bytes before it were delivered). */
  next = 0;
  /** Depth reached: nothing more is delivered until reset(). */
  done = false;
  /** Out-of-order pieces: made on the first segment that arrives ahead of `next` (most streams never have one). */
  private queue: OooQueue | null = null;

  constructor(private readonly maxOooPieces: number) {}

  /** Start over for a new flow in this slot; held pages go back to the pool. */
  reset(pool: PagePool): void {
    this.queue?.clear(pool);
    this.base = 0;
    this.hasBase = false;
    this.next = 0;
    this.done = false;
  }

  /** Bytes held out of order (pieces). */
  get held(): number {
    return this.queue === null ? 0 : this.queue.count;
  }

  /** Feed one TCP segment of this direction (pkt decoded, ipProto 6); the sink sees new in-order bytes. */
  segment(pkt: Packet, sink: InOrderSink, depth: number, pool: PagePool, st: StreamStats): void {
    if (this.done) return;
    const seq = pkt.tcpSeq;
    let rel: number;
    if (pkt.tcpFlags & TCP_SYN) {
      this.base = (seq + 1) >>> 0;
      this.hasBase = true;
      if (pkt.payloadLength === 0) return;
      rel = 0; // data on a SYN (TCP Fast Open) starts at seq + 1
    } else {
      if (pkt.payloadLength === 0) return;
      if (!this.hasBase) {
        this.base = seq;
        this.hasBase = true;
      }
      rel = (seq - this.base) | 0;
    }
    this.add(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, rel, sink, depth, pool, st);
  }

  private add(data: Uint8Array, off: number, len: number, rel: number, sink: InOrderSink, depth: number, pool: PagePool, st: StreamStats): void {
    if (rel < 0) {
      if (rel + len <= 0) return;
      off -= rel;
      len += rel;
      rel = 0;
    }
    if (rel >= depth) return;
    if (rel + len > depth) len = depth - rel;
    const end = rel + len;
    if (end <= this.next) return; // a retransmission of delivered bytes: first wins
    let q = this.queue;
    if (rel > this.next) {
      if (q === null) q = this.queue = new OooQueue(this.maxOooPieces);
      const before = q.conflicts;
      if (q.hold(data, off, len, rel, pool) !== HOLD_OK) st.oooDropped++;
      st.overlapConflicts += q.conflicts - before;
      return;
    }
    let cur = this.next;
    if (q === null || q.count === 0) {
      // nothing held: the new bytes from `next` on go straight to the sink
      sink.data(data, off + (cur - rel), end - cur, cur);
      cur = end;
    } else {
      // interleave with held pieces (held bytes were seen first and win)
      while (cur < end) {
        if (q.count > 0 && q.firstRel <= cur) {
          cur = q.drain(cur, depth, sink, pool);
          continue;
        }
        const lim = q.count > 0 && q.firstRel < end ? q.firstRel : end;
        sink.data(data, off + (cur - rel), lim - cur, cur);
        cur = lim;
      }
      if (q.count > 0) cur = q.drain(cur, depth, sink, pool);
    }
    this.next = cur;
    if (cur >= depth) {
      this.done = true;
      q?.clear(pool);
    }
  }
}
