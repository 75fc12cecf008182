// The contract between the chunked reader (open.ts) and the per-format record parsers (pcap.ts, pcapng.ts).

import { META_STRIDE } from './batch.js';
import type { KwireError } from '../errors.js';

/**
 * The metadata table of the batch being built (META_STRIDE words per frame, see batch.ts).
 * A parser appends to `meta` from word `count * META_STRIDE`; when `meta` is full it calls `grow()`
 * and continues in the returned array. A table is created per batch and handed over with it.
 */
export class FrameTable {
  meta: Uint32Array;
  count = 0;

  /**
   * `spare`: a recycled table to reuse when it is large enough. `shared`: back new tables with a
   * SharedArrayBuffer (every worker thread reads the same table, engine/pipeline).
   */
  constructor(frames: number, spare?: Uint32Array, private readonly shared = false) {
    const words = Math.max(16, frames) * META_STRIDE;
    this.meta = spare !== undefined && spare.length >= words ? spare : this.table(words);
  }

  private table(words: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(words * 4)) : new Uint32Array(words);
  }

  /** Double the capacity (once per batch at most a few times, never per frame). */
  grow(): Uint32Array {
    const m = this.table(this.meta.length * 2);
    m.set(this.meta);
    this.meta = m;
    return m;
  }
}

/**
 * A record parser walks complete records of one chunk and describes their frames in a FrameTable.
 *
 *   chunk  ┌──────────┬──────────┬─────┬──────────┬───────────────┐
 *          │ record   │ record   │ ... │ record   │ partial record│
 *          └──────────┴──────────┴─────┴──────────┴───────────────┘
 *          pos                                    ^ returned offset, `need` = its full size
 *
 * `base` is the file offset of chunk byte 0 (for error messages only).
 */
export interface RecordParser {
  /**
   * Parse records in bytes[pos, end) into `table`; return the offset of the first byte not consumed
   * (a partial record, or a faulty one when `fault` is set).
   */
  parse(bytes: Uint8Array, view: DataView, pos: number, end: number, base: number, table: FrameTable): number;
  /** After parse(): how many bytes the record at the returned offset needs to be complete. */
  need: number;
  /** After parse(): the fault found at the returned offset, or null. */
  fault: KwireError | null;
  /** The error for input that ends `avail` bytes into the record at bytes[pos] (file offset base + pos). */
  truncated(bytes: Uint8Array, view: DataView, pos: number, avail: number, base: number): KwireError;
}
