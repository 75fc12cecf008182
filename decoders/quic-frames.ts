// Frames of a decrypted QUIC Initial packet (RFC 9000 §19, §17.2.2: only PADDING, PING, ACK, CRYPTO and
// CONNECTION_CLOSE 0x1c may appear); Google T050/T051 use gQUIC frame types (PADDING, PING 0x07, CRYPTO 0x08).

import { varintLength, readVarint } from './quic-header.js';
import { skipZeros } from './byte-ranges.js';

/** Where CRYPTO frame data goes: QuicCryptoAssembler (engine/reassembly/quic-crypto.ts) implements it. */
export interface CryptoSink {
  /** Stream bytes [streamOffset, +len) are data[off, off + len); returns 0 (accepted) or a refusal code. */
  add(data: Uint8Array, off: number, len: number, streamOffset: number): number;
}

/** walkInitialFrames() results. */
export const FRAMES_OK = 0;
/** A frame type not allowed in an Initial packet, or a frame that runs past the payload (`quic.invalid_frame`). */
export const FRAMES_INVALID = 1;
/** The sink refused a CRYPTO frame; `FrameWalk.sinkCode` is its code. */
export const FRAMES_SINK = 2;

/** Frame dialects. */
export const DIALECT_IETF = 0;
/** Google QUIC T050/T051: gQUIC frame types, CRYPTO 0x08 with IETF varints. */
export const DIALECT_GQUIC = 1;

/** Counts of one walk, overwritten by every call (one per thread). */
export class FrameWalk {
  cryptoFrames = 0;
  cryptoBytes = 0;
  ackFrames = 0;
  pingFrames = 0;
  paddingBytes = 0;
  connectionClose = false;
  /** Offset of the frame that stopped the walk (FRAMES_INVALID, FRAMES_SINK), else -1. */
  errorOffset = -1;
  /** The sink's refusal code for FRAMES_SINK, else 0. */
  sinkCode = 0;

  reset(): void {
    this.cryptoFrames = 0;
    this.cryptoBytes = 0;
    this.ackFrames = 0;
    this.pingFrames = 0;
    this.paddingBytes = 0;
    this.connectionClose = false;
    this.errorOffset = -1;
    this.sinkCode = 0;
  }
}

/**
 * Walk the frames of bytes[off, end), the decrypted payload of one Initial packet, handing CRYPTO
 * data to `sink` (views of `bytes`, no copies here). Stops at the first bad frame. Never throws,
 * never allocates.
 */
export function walkInitialFrames(bytes: Uint8Array, off: number, end: number, dialect: number,
  sink: CryptoSink, w: FrameWalk): number {
  w.reset();
  let p = off;
  while (p < end) {
    const type = bytes[p];
    const frameStart = p;
    p++;
    if (type === 0x00) {
      // PADDING: skip the whole run.
      const q = skipZeros(bytes, p, end);
      w.paddingBytes += q - frameStart;
      p = q;
      continue;
    }
    if (dialect === DIALECT_GQUIC) {
      if (type === 0x07) { w.pingFrames++; continue; }
      if (type !== 0x08) { w.errorOffset = frameStart; return FRAMES_INVALID; }
      p = crypto(bytes, p, end, sink, w);
      if (p < 0) { w.errorOffset = frameStart; return p === -1 ? FRAMES_INVALID : FRAMES_SINK; }
      continue;
    }
    switch (type) {
      case 0x01: // PING
        w.pingFrames++;
        break;
      case 0x02: // ACK
      case 0x03: { // ACK with ECN counts
        // Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range.
        p = skipVarints(bytes, p, end, 2);
        if (p < 0) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        if (p >= end) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        const n = varintLength(bytes[p]);
        if (p + n > end) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        const ranges = readVarint(bytes, p, n);
        p += n;
        // Every Gap/ACK Range pair takes at least 2 bytes: a count beyond that is a lie, not a loop.
        if (ranges > (end - p) / 2) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        p = skipVarints(bytes, p, end, 1 + 2 * ranges + (type === 0x03 ? 3 : 0));
        if (p < 0) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        w.ackFrames++;
        break;
      }
      case 0x06: // CRYPTO
        p = crypto(bytes, p, end, sink, w);
        if (p < 0) { w.errorOffset = frameStart; return p === -1 ? FRAMES_INVALID : FRAMES_SINK; }
        break;
      case 0x1c: { // CONNECTION_CLOSE (transport): Error Code, Frame Type, Reason Phrase Length, phrase
        p = skipVarints(bytes, p, end, 2);
        if (p < 0 || p >= end) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        const n = varintLength(bytes[p]);
        if (p + n > end) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        const reason = readVarint(bytes, p, n);
        p += n;
        if (reason > end - p) { w.errorOffset = frameStart; return FRAMES_INVALID; }
        p += reason;
        w.connectionClose = true;
        break;
      }
      default:
        w.errorOffset = frameStart;
        return FRAMES_INVALID;
    }
  }
  return FRAMES_OK;
}

/** CRYPTO frame body at p (after the type): Offset, Length, data. New position, -1 when malformed, -2 when the sink refused. */
function crypto(bytes: Uint8Array, p: number, end: number, sink: CryptoSink, w: FrameWalk): number {
  if (p >= end) return -1;
  let n = varintLength(bytes[p]);
  if (p + n > end) return -1;
  const streamOffset = readVarint(bytes, p, n);
  p += n;
  if (p >= end) return -1;
  n = varintLength(bytes[p]);
  if (p + n > end) return -1;
  const len = readVarint(bytes, p, n);
  p += n;
  if (len > end - p) return -1;
  const code = sink.add(bytes, p, len, streamOffset);
  if (code !== 0) {
    w.sinkCode = code;
    return -2;
  }
  w.cryptoFrames++;
  w.cryptoBytes += len;
  return p + len;
}

/** Skip `count` varints from p; the new position, or -1 when one runs past `end`. */
function skipVarints(bytes: Uint8Array, p: number, end: number, count: number): number {
  for (let i = 0; i < count; i++) {
    if (p >= end) return -1;
    p += varintLength(bytes[p]);
    if (p > end) return -1;
  }
  return p;
}
