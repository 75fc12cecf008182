// Out-of-order TCP bytes held until a gap fills (RFC 9293 section 3.10.7.4: queue segments beyond
// the next expected sequence number): copied into fixed-size pages from a per-thread pool, trimmed
// first-wins against what is already held, kept sorted by stream offset and non-overlapping.
//
//   pool:  [page][page][page] ...  free pages, reused; every page in use is counted in the memcap
//   queue: rel[i], len[i], page[i]  pieces sorted by rel; a piece lies within one page (≤ PAGE_BYTES)

import type { ReassemblyMemory } from './reassembly-config.js';

/** Bytes per page: one 1,460-byte MSS segment fits in one page. */
export const PAGE_BYTES = 2048;

/** The pages of one thread; pages in use are counted in `mem` (the thread's reassembly memcap). */
export class PagePool {
  private readonly free: Uint8Array[] = [];
  /** Pages handed out and not returned. */
  inUse = 0;
  constructor(private readonly mem: ReassemblyMemory, private readonly keepFree = 256) {}

  /** A page, or null (counted in mem.refused) past the memcap. */
  take(): Uint8Array | null {
    if (!this.mem.take(PAGE_BYTES)) return null;
    this.inUse++;
    return this.free.pop() ?? new Uint8Array(PAGE_BYTES);
  }

  give(page: Uint8Array): void {
    this.mem.give(PAGE_BYTES);
    this.inUse--;
    if (this.free.length < this.keepFree) this.free.push(page);
  }
}

/** Receives a TCP direction's bytes in sequence order, each byte once. */
export interface InOrderSink {
  /** `bytes[off, off+len)` are the stream bytes from stream offset `rel`; valid during the call only. */
  data(bytes: Uint8Array, off: number, len: number, rel: number): void;
}

/** Result of OooQueue.hold(). */
export const HOLD_OK = 0;
/** The segment (or part of it) was refused: piece limit or memcap. */
export const HOLD_DROPPED = 1;

/** Held out-of-order bytes of one TCP direction. */
export class OooQueue {
  private rel: Int32Array;
  private len: Int32Array;
  private pages: (Uint8Array | null)[];
  /** Held pieces (sorted by rel, non-overlapping). */
  count = 0;
  /** Held bytes that differed from bytes held before for the same offsets (first wins). */
  conflicts = 0;

  /** Arrays start empty and grow (doubling, up to `maxPieces`) on the first holds. */
  constructor(private readonly maxPieces: number) {
    this.rel = new Int32Array(0);
    this.len = new Int32Array(0);
    this.pages = [];
  }

  /** Stream offset of the lowest held byte (only when count > 0). */
  get firstRel(): number {
    return this.rel[0];
  }

  /**
   * Hold `data[off, off+len)` at stream offset `rel`: only the parts no held piece covers are
   * copied (bytes held first win; differing overlaps are counted in `conflicts`).
   */
  hold(data: Uint8Array, off: number, len: number, rel: number, pool: PagePool): number {
    let cur = rel;
    const end = rel + len;
    let i = 0;
    while (i < this.count && this.rel[i] + this.len[i] <= cur) i++;
    while (cur < end) {
      if (i < this.count && this.rel[i] <= cur) {
        // overlap with held piece i: compare, keep the held bytes
        const pEnd = Math.min(end, this.rel[i] + this.len[i]);
        const page = this.pages[i]!;
        const po = cur - this.rel[i];
        for (let k = 0; k < pEnd - cur; k++) {
          if (page[po + k] !== data[off + (cur - rel) + k]) { this.conflicts++; break; }
        }
        cur = pEnd;
        i++;
        continue;
      }
      const gapEnd = Math.min(end, i < this.count ? this.rel[i] : end, cur + PAGE_BYTES);
      if (this.count >= this.maxPieces) return HOLD_DROPPED;
      const page = pool.take();
      if (page === null) return HOLD_DROPPED;
      page.set(data.subarray(off + (cur - rel), off + (gapEnd - rel)), 0);
      this.insertAt(i, cur, gapEnd - cur, page);
      cur = gapEnd;
      i++;
    }
    return HOLD_OK;
  }

  /**
   * Deliver held bytes that touch `next` (the next expected offset) in order to `sink`, releasing
   * their pages; bytes below `next` are dropped (already delivered). Returns the new `next`.
   */
  drain(next: number, limit: number, sink: InOrderSink, pool: PagePool): number {
    while (this.count > 0 && this.rel[0] <= next) {
      const r = this.rel[0];
      const end = Math.min(r + this.len[0], limit);
      const page = this.pages[0]!;
      if (end > next) {
        sink.data(page, next - r, end - next, next);
        next = end;
      }
      this.removeFirst(pool);
      if (next >= limit) break;
    }
    return next;
  }

  /** Release every held page. */
  clear(pool: PagePool): void {
    while (this.count > 0) this.removeFirst(pool);
    this.conflicts = 0;
  }

  private insertAt(i: number, rel: number, len: number, page: Uint8Array): void {
    if (this.count === this.rel.length) {
      const n = Math.min(this.maxPieces, Math.max(4, this.count * 2));
      const r = new Int32Array(n);
      r.set(this.rel);
      this.rel = r;
      const l = new Int32Array(n);
      l.set(this.len);
      this.len = l;
    }
    this.rel.copyWithin(i + 1, i, this.count);
    this.len.copyWithin(i + 1, i, this.count);
    for (let k = this.count; k > i; k--) this.pages[k] = this.pages[k - 1];
    this.rel[i] = rel;
    this.len[i] = len;
    this.pages[i] = page;
    this.count++;
  }

  private removeFirst(pool: PagePool): void {
    pool.give(this.pages[0]!);
    this.rel.copyWithin(0, 1, this.count);
    this.len.copyWithin(0, 1, this.count);
    for (let k = 0; k < this.count - 1; k++) this.pages[k] = this.pages[k + 1];
    this.count--;
    this.pages.length = this.count;
  }
}
