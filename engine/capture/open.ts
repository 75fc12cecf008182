// Capture reader: detects pcap or pcapng by magic number and turns the input into FrameBatches, one per
// chunk, with frames described by offsets into the chunk (batch.ts).

import { KwireError } from '../errors.js';
import type { CaptureInterface, FrameBatch } from './batch.js';
import { ERR_EMPTY, ERR_PCAP_MAGIC, ERR_PCAP_TRUNC_HEADER, hex4 } from './faults.js';
import { PcapParser, isPcapMagic } from './pcap.js';
import { BT_SHB, PcapngParser, checkFirstSection } from './pcapng.js';
import { FrameTable } from './records.js';
import type { RecordParser } from './records.js';
import { ByteSource } from './source.js';

/** Default chunk (and batch) size. */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;
/** Initial frame capacity of a batch's metadata table per chunk byte (grows when exceeded). */
const FRAMES_PER_BYTE = 1 / 256;
/** Smallest chunk used for the end of a file shorter than chunkSize (the file may still be growing). */
const MIN_TAIL_CHUNK = 64 * 1024;

/** Chunk size for reading from file offset `base`: no 4 MiB buffer for a 1 KiB file. */
function chunkFor(chunkSize: number, totalBytes: number | undefined, base: number, need: number): number {
  let size = chunkSize;
  if (totalBytes !== undefined && totalBytes - base < size) size = Math.min(size, Math.max(totalBytes - base, MIN_TAIL_CHUNK));
  return Math.max(size, need);
}

export interface CaptureReader {
  readonly path: string; // '-' for stdin
  readonly format: 'pcap' | 'pcapng';
  /** Grows as pcapng IDBs appear; index = meta word M_IFACE. */
  readonly interfaces: CaptureInterface[];
  /** File size; undefined for pipes. */
  readonly totalBytes: number | undefined;
  readonly bytesRead: number;
  /**
   * Next batch, or null at the clean end of input. When a fault is found, the frames before it are
   * returned first and the KwireError is thrown by the following call (and every call after it).
   * The batch owns its buffers: the reader never touches them again, so they may be transferred.
   * Calls must not overlap (await each one).
   */
  next(): Promise<FrameBatch | null>;
  /**
   * The caller is done with `batch` (no view into it survives): its buffers may back a later batch.
   * Optional (unreleased batches are garbage collected), but it keeps memory flat and saves zeroing
   * and page-faulting a fresh 4 MiB chunk per batch. A batch whose buffers were transferred away
   * (detached) is ignored.
   */
  recycle(batch: FrameBatch): void;
  close(): Promise<void>;
}

/** Spare chunk buffers and metadata tables kept for reuse by one reader. */
const POOL_LIMIT = 4;

export interface OpenOptions {
  /** Bytes read per chunk (default 4 MiB, at least 64). A record larger than this gets a chunk of its own size. */
  chunkSize?: number;
  /**
   * Back chunks and metadata tables with SharedArrayBuffers, so that every worker thread reads a
   * batch in place without a copy or a transfer (engine/pipeline/dispatcher.ts).
   */
  shared?: boolean;
}

function newChunk(size: number, shared: boolean): Uint8Array {
  return shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}

const EXPECTED_MAGICS = 'expected a1b2c3d4 or d4c3b2a1 (pcap, µs), a1b23c4d or 4d3cb2a1 (pcap, ns), 0a0d0d0a (pcapng)';
const KNOWN_MAGICS = ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a'];

/** What a non-capture file looks like, for the error message. */
function lookalike(b: Uint8Array, n: number): string {
  if (n >= 4 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return ' (a PNG image)';
  if (n >= 2 && b[0] === 0x1f && b[1] === 0x8b) return ' (gzip data: decompress it first)';
  if (n >= 4 && b[0] === 0xa1 && b[1] === 0xb2 && b[2] === 0xcd && b[3] === 0x34) return ' (modified/Kuznetsov pcap, not supported)';
  if (n >= 4 && b[0] === 0x34 && b[1] === 0xcd && b[2] === 0xb2 && b[3] === 0xa1) return ' (modified/Kuznetsov pcap, not supported)';
  let text = true;
  for (let i = 0; i < n && i < 64; i++) {
    const c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0x7f) text = false;
  }
  return text ? ' (text, not a capture)' : '';
}

class ChunkedReader implements CaptureReader {
  readonly format: 'pcap' | 'pcapng';
  readonly interfaces: CaptureInterface[];
  private readonly source: ByteSource;
  private readonly parser: RecordParser;
  private readonly chunkSize: number;
  /** Current chunk: bytes [0, filled) are valid, [start, filled) not parsed yet. */
  private chunk: Uint8Array;
  private view: DataView;
  private start: number;
  private filled: number;
  /** File offset of chunk byte 0. */
  private base = 0;
  private nextFrame = 1;
  private frameHint: number;
  private fault: KwireError | null = null;
  private done = false;
  /** Read-ahead of the current chunk, started when the previous batch was returned. */
  private pending: Promise<number> | null = null;
  /** Recycled chunk buffers (each chunkSize bytes) and metadata tables. */
  private readonly spareChunks: ArrayBufferLike[] = [];
  private readonly spareMeta: Uint32Array[] = [];

  constructor(source: ByteSource, format: 'pcap' | 'pcapng', parser: RecordParser, interfaces: CaptureInterface[],
    chunk: Uint8Array, start: number, filled: number, chunkSize: number, private readonly shared = false) {
    this.source = source;
    this.format = format;
    this.parser = parser;
    this.interfaces = interfaces;
    this.chunk = chunk;
    this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.start = start;
    this.filled = filled;
    this.chunkSize = chunkSize;
    this.frameHint = Math.ceil(chunkSize * FRAMES_PER_BYTE);
  }

  get path(): string { return this.source.path; }
  get totalBytes(): number | undefined { return this.source.totalBytes; }
  get bytesRead(): number { return this.source.bytesRead; }

  async next(): Promise<FrameBatch | null> {
    if (this.fault !== null) throw this.fault;
    if (this.done) return null;
    for (;;) {
      const chunk = this.chunk;
      const view = this.view;
      let filled: number;
      try {
        filled = this.filled = await (this.pending ?? this.source.fill(chunk, this.filled));
      } catch (err) {
        this.pending = null;
        this.fault = err as KwireError;
        this.release();
        throw err;
      }
      this.pending = null;
      const eof = this.source.eof;
      const table = new FrameTable(Math.min(this.frameHint, filled >>> 6), this.spareMeta.pop(), this.shared);
      const base = this.base;
      const pos = this.parser.parse(chunk, view, this.start, filled, base, table);
      let fault = this.parser.fault;
      if (fault === null && eof && pos < filled) fault = this.parser.truncated(chunk, view, pos, filled - pos, base);
      let batch: FrameBatch | null = null;
      if (table.count > 0) {
        batch = {
          data: chunk.subarray(0, filled),
          meta: table.meta,
          count: table.count,
          firstFrame: this.nextFrame,
          sourceOffset: base + pos,
        };
        this.nextFrame += table.count;
        if (table.count > this.frameHint) this.frameHint = table.count + (table.count >>> 3);
      }
      if (fault !== null) {
        this.fault = fault;
        this.release();
        if (batch !== null) return batch;
        throw fault;
      }
      if (eof) {
        this.release();
        return batch;
      }
      // Carry the partial record into a fresh chunk now: the caller owns (and may transfer) this one.
      const carry = filled - pos;
      const size = chunkFor(this.chunkSize, this.source.totalBytes, base + pos, this.parser.need);
      const spare = size <= this.chunkSize ? this.spareChunks.pop() : undefined;
      const next = spare !== undefined ? new Uint8Array(spare, 0, size) : newChunk(size, this.shared);
      next.set(chunk.subarray(pos, filled));
      this.chunk = next;
      this.view = new DataView(next.buffer, 0, size);
      this.start = 0;
      this.filled = carry;
      this.base = base + pos;
      // Read ahead from a regular file while the caller works on this batch; next() awaits it. Not
      // from a pipe: a read there can block indefinitely and would keep the process alive after close().
      if (this.source.totalBytes !== undefined) {
        this.pending = this.source.fill(next, carry);
        this.pending.catch(() => undefined); // handled by the next next() or by close()
      }
      if (batch !== null) return batch;
    }
  }

  recycle(batch: FrameBatch): void {
    const buf = batch.data.buffer;
    if (buf.byteLength === this.chunkSize && this.spareChunks.length < POOL_LIMIT && !this.spareChunks.includes(buf)) {
      this.spareChunks.push(buf);
    }
    const meta = batch.meta;
    if (meta.byteLength > 0 && this.spareMeta.length < POOL_LIMIT && !this.spareMeta.includes(meta)) this.spareMeta.push(meta);
  }

  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) await pending.catch(() => 0); // never close the fd under an in-flight read
    this.release();
    await this.source.close();
  }

  private release(): void {
    this.done = true;
    this.chunk = new Uint8Array(0);
    this.view = new DataView(this.chunk.buffer);
    this.start = this.filled = 0;
  }
}

/**
 * Open a capture file ('-' = stdin) and read its file header. Throws KwireError: KWIRE_ERR_NO_FILE,
 * KWIRE_ERR_IO, KWIRE_ERR_EMPTY, KWIRE_ERR_PCAP_MAGIC, KWIRE_ERR_PCAP_TRUNC_HEADER, KWIRE_ERR_PCAP_VERSION.
 * Faults after the header are reported by next().
 */
export async function openCapture(path: string, opts?: OpenOptions): Promise<CaptureReader> {
  const requested = opts?.chunkSize;
  const chunkSize = requested !== undefined && Number.isFinite(requested) ? Math.max(64, Math.floor(requested)) : DEFAULT_CHUNK_SIZE;
  const source = await ByteSource.open(path);
  try {
    const shared = opts?.shared === true;
    const chunk = newChunk(chunkFor(chunkSize, source.totalBytes, 0, 0), shared);
    const filled = await source.fill(chunk, 0);
    if (filled === 0) throw new KwireError(ERR_EMPTY, 'the input is empty (0 bytes); expected a pcap or pcapng capture', path);
    const view = new DataView(chunk.buffer);
    if (filled < 4) {
      const seen = hex4(chunk, 0, filled);
      if (KNOWN_MAGICS.some((m) => m.startsWith(seen))) {
        throw new KwireError(ERR_PCAP_TRUNC_HEADER, `file header cut short: only ${filled} bytes`, path, filled);
      }
      throw new KwireError(ERR_PCAP_MAGIC, `not a capture file: magic ${seen}${lookalike(chunk, filled)}; ${EXPECTED_MAGICS}`, path, 0);
    }
    const magic = view.getUint32(0, false);
    if (isPcapMagic(magic)) {
      const parser = new PcapParser(path, view, filled);
      return new ChunkedReader(source, 'pcap', parser, [parser.iface], chunk, 24, filled, chunkSize, shared);
    }
    if (magic === BT_SHB) {
      checkFirstSection(path, chunk, view, filled, source.eof);
      const parser = new PcapngParser(path);
      return new ChunkedReader(source, 'pcapng', parser, parser.interfaces, chunk, 0, filled, chunkSize, shared);
    }
    throw new KwireError(ERR_PCAP_MAGIC,
      `not a capture file: magic ${hex4(chunk, 0, filled)}${lookalike(chunk, filled)}; ${EXPECTED_MAGICS}`, path, 0);
  } catch (err) {
    await source.close();
    throw err;
  }
}
