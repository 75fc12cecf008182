// What the generator needs from a capture-file writer: records appended into one large chunk that
// the caller flushes to a sink whenever `pos` passes `limit`.

/** 2026-01-01T00:00:00Z, the first timestamp of every generated capture. */
export const EPOCH_SECONDS = 1767225600;

/** Largest frame any flow writes (Ethernet + IPv6 + TCP with options + MSS-sized payload < 1600). */
export const MAX_FRAME = 2048;

/** Chunk size: large writes keep the sink cheap; 4 MiB holds ~2,700 full-size records. */
export const CHUNK_BYTES = 4 << 20;

export interface CaptureWriter {
  /** The chunk being filled; bytes [0, pos) are ready to be written out. Owned by the writer. */
  readonly buf: Uint8Array;
  pos: number;
  /** Flush before writing another record once pos > limit. */
  readonly limit: number;
  /** Where the next frame's bytes go (after the record header). */
  frameOffset(): number;
  /** Completes the record whose frame of `frameLen` bytes was written at frameOffset(). */
  commit(tNs: number, frameLen: number): void;
  /** Starts a new chunk after the previous one was flushed. */
  reset(): void;
}
