// QUIC CRYPTO stream reassembly (RFC 9000 §19.6, §7.5) for the client's Initial packet-number space:
// frames in any order, across packets and within one, until [0, N) holds one whole TLS handshake message.

/** Bytes a connection may buffer for its Initial CRYPTO stream (RFC 9000 §7.5 asks for at least 4096). */
export const QUIC_CRYPTO_MAX_BYTES = 64 * 1024;
/** Disjoint byte ranges held beyond the contiguous prefix; one more gap is `quic.crypto_too_fragmented`. */
export const QUIC_CRYPTO_MAX_RANGES = 32;
/** TLS handshake header: msg_type (1) + uint24 length (RFC 8446 §4). */
export const HANDSHAKE_HEADER_LEN = 4;

/** add() results. */
export const CRYPTO_OK = 0;
/** The frame repeats stream bytes already held, with different values (`quic.crypto_overlap_conflict`). */
export const CRYPTO_CONFLICT = 1;
/** The frame, or the handshake message's declared length, ends past maxBytes (`quic.crypto_too_large`). */
export const CRYPTO_TOO_LARGE = 2;
/** More than QUIC_CRYPTO_MAX_RANGES separate ranges are waiting (`quic.crypto_too_fragmented`). */
export const CRYPTO_TOO_FRAGMENTED = 3;

/** check() results. */
/** Bytes [0, messageLength) are here: one whole handshake message of type `messageType`. */
export const CRYPTO_COMPLETE = 0;
export const CRYPTO_INCOMPLETE = 1;

const EMPTY = new Uint8Array(0);

/**
 * Reassembles one connection's CRYPTO stream. The caller keys it (one per QUIC flow, inside
 * QuicConnState) and feeds it frames with add(); check() says when the first handshake message is
 * whole. Overlaps must repeat the same bytes. Memory: nothing until the first frame, then a buffer
 * that grows by doubling up to `maxBytes`, and 2 × QUIC_CRYPTO_MAX_RANGES int32s once a frame arrives
 * out of order.
 *
 * Zero copy when a single frame at offset 0 carries the whole message (the common case): the
 * assembler keeps a view of the caller's bytes instead of copying them. The caller must then keep
 * those bytes unchanged until reset() (quicInitial() passes node:crypto's fresh plaintext Buffers,
 * which nothing else writes to).
 *
 *   stream offset 0          contiguous               ranges[0]        ranges[1]
 *   |========================|  gap  [=========)  gap  [=====)  ...
 *   buffer holds every byte received; `ranges` lists the disjoint [start, end) beyond `contiguous`.
 */
export class QuicCryptoAssembler {
  readonly maxBytes: number;
  /** Own buffer (grown on demand) or, in zero-copy mode, the caller's bytes. */
  private buf: Uint8Array = EMPTY;
  /** Where stream offset 0 is in `buf` (non-zero only for a zero-copy view). */
  private base = 0;
  private viewMode = false;
  /** Stream bytes [0, contiguous) are all here. */
  contiguous = 0;
  /** Highest stream offset received (exclusive). */
  highest = 0;
  private ranges: Int32Array | null = null;
  private rangeCount = 0;
  /** Set by check(): type and total length (header included) of the first handshake message, or -1. */
  messageType = -1;
  messageLength = -1;

  constructor(maxBytes = QUIC_CRYPTO_MAX_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** Forget the stream; the own buffer is kept for reuse, a zero-copy view is dropped. */
  reset(): void {
    if (this.viewMode) {
      this.buf = EMPTY;
      this.viewMode = false;
    }
    this.base = 0;
    this.contiguous = 0;
    this.highest = 0;
    this.rangeCount = 0;
    this.messageType = -1;
    this.messageLength = -1;
  }

  /** Bytes received so far are all in one piece from offset 0 (no gaps waiting). */
  get gaps(): number {
    return this.rangeCount;
  }

  /**
   * One CRYPTO frame: stream bytes [streamOffset, streamOffset + len) are data[off, off + len).
   * Returns CRYPTO_OK or the reason it was refused (nothing is stored then). Never throws.
   */
  add(data: Uint8Array, off: number, len: number, streamOffset: number): number {
    const end = streamOffset + len;
    if (end > this.maxBytes) return CRYPTO_TOO_LARGE;
    if (len === 0) return CRYPTO_OK;
    if (!this.viewMode && this.highest === 0 && streamOffset === 0 && len >= HANDSHAKE_HEADER_LEN
      && HANDSHAKE_HEADER_LEN + ((data[off + 1] << 16) | (data[off + 2] << 8) | data[off + 3]) <= len) {
      // The whole first message in one frame: keep a view.
      this.buf = data;
      this.base = off;
      this.viewMode = true;
      this.contiguous = len;
      this.highest = len;
      return CRYPTO_OK;
    }
    if (this.viewMode) this.materialize(end);

    if (this.conflicts(data, off, streamOffset, end)) return CRYPTO_CONFLICT;
    if (end > this.contiguous && !this.insertRange(Math.max(streamOffset, this.contiguous), end)) return CRYPTO_TOO_FRAGMENTED;
    this.ensure(end);
    this.buf.set(data.subarray(off, off + len), streamOffset);
    if (end > this.highest) this.highest = end;
    this.advance();
    return CRYPTO_OK;
  }

  /**
   * Is the first handshake message whole? Sets messageType and messageLength once its 4-byte header
   * is here (-1 before). CRYPTO_TOO_LARGE when the header declares more than maxBytes.
   */
  check(): number {
    if (this.contiguous < HANDSHAKE_HEADER_LEN) return CRYPTO_INCOMPLETE;
    const b = this.buf;
    const p = this.base;
    this.messageType = b[p];
    const total = HANDSHAKE_HEADER_LEN + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    this.messageLength = total;
    if (total > this.maxBytes) return CRYPTO_TOO_LARGE;
    return this.contiguous >= total ? CRYPTO_COMPLETE : CRYPTO_INCOMPLETE;
  }

  /**
   * The reassembled stream: bytes()[byteOffset() + i] is stream byte i for i < contiguous. A view of
   * the assembler's own buffer (valid until the next add() or reset()) or of the caller's bytes.
   */
  bytes(): Uint8Array {
    return this.buf;
  }

  byteOffset(): number {
    return this.base;
  }

  /** Copy a zero-copy view into an own buffer before anything else is added. */
  private materialize(need: number): void {
    const view = this.buf;
    const from = this.base;
    const n = this.contiguous;
    this.viewMode = false;
    this.buf = EMPTY;
    this.base = 0;
    this.ensure(Math.max(need, n));
    this.buf.set(view.subarray(from, from + n), 0);
  }

  private ensure(end: number): void {
    if (this.buf.length >= end) return;
    let size = this.buf.length === 0 ? 2048 : this.buf.length * 2;
    while (size < end) size *= 2;
    if (size > this.maxBytes) size = this.maxBytes;
    const grown = new Uint8Array(size);
    if (this.highest > 0) grown.set(this.buf.subarray(0, this.highest), 0);
    this.buf = grown;
  }

  /** Do bytes already held in [s, e) differ from data[off + (x - s)]? */
  private conflicts(data: Uint8Array, off: number, s: number, e: number): boolean {
    const b = this.buf;
    const held = Math.min(e, this.contiguous);
    for (let x = s; x < held; x++) if (b[x] !== data[off + x - s]) return true;
    const r = this.ranges;
    for (let i = 0; i < this.rangeCount; i++) {
      const rs = Math.max((r as Int32Array)[2 * i], s);
      const re = Math.min((r as Int32Array)[2 * i + 1], e);
      for (let x = rs; x < re; x++) if (b[x] !== data[off + x - s]) return true;
    }
    return false;
  }

  /** Merge [s, e) (s ≥ contiguous) into the sorted disjoint ranges; false when there is no room. */
  private insertRange(s: number, e: number): boolean {
    let r = this.ranges;
    if (r === null) r = this.ranges = new Int32Array(2 * QUIC_CRYPTO_MAX_RANGES);
    const n = this.rangeCount;
    // First range that ends at or after s (touching ranges merge), last that starts at or before e.
    let i = 0;
    while (i < n && r[2 * i + 1] < s) i++;
    let j = i;
    while (j < n && r[2 * j] <= e) j++;
    if (i === j) {
      if (n === QUIC_CRYPTO_MAX_RANGES) return false;
      r.copyWithin(2 * (i + 1), 2 * i, 2 * n);
      r[2 * i] = s;
      r[2 * i + 1] = e;
      this.rangeCount = n + 1;
      return true;
    }
    const ms = Math.min(s, r[2 * i]);
    const me = Math.max(e, r[2 * (j - 1) + 1]);
    r[2 * i] = ms;
    r[2 * i + 1] = me;
    r.copyWithin(2 * (i + 1), 2 * j, 2 * n);
    this.rangeCount = n - (j - i - 1);
    return true;
  }

  /** Fold the first range into the contiguous prefix when it starts there. */
  private advance(): void {
    const r = this.ranges;
    if (r === null || this.rangeCount === 0 || r[0] > this.contiguous) return;
    this.contiguous = Math.max(this.contiguous, r[1]);
    r.copyWithin(0, 2, 2 * this.rangeCount);
    this.rangeCount--;
  }
}
