// QUIC client Initial packets → the TLS ClientHello (RFC 9000 §17.2.2, §12.2 coalescing; RFC 9001 §5;
// RFC 9369 for v2): one UDP payload from the client per call, CRYPTO frames reassembled per flow.

import {
  APP_DONE, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId, type AppStatus,
} from './app-layer.js';
import { DIALECT_GQUIC, DIALECT_IETF, FRAMES_INVALID, FRAMES_OK, FrameWalk, walkInitialFrames } from './quic-frames.js';
import {
  HDR_CUT, HDR_INVALID, HDR_SHORT, HDR_VERSION, LT_INITIAL, QV_T050, QV_T051, QuicLongHeader, parseLongHeader,
} from './quic-header.js';
import { QuicInitialKeys, QuicPlaintext, UNPROTECT_AUTH, UNPROTECT_OK, unprotectInitial } from './quic-initial-keys.js';
import {
  CRYPTO_COMPLETE, CRYPTO_CONFLICT, CRYPTO_TOO_FRAGMENTED, CRYPTO_TOO_LARGE, QuicCryptoAssembler,
} from '../engine/reassembly/quic-crypto.js';

export const EV_QUIC_INVALID_HEADER = appEventId('quic.invalid_header');
export const EV_QUIC_UNSUPPORTED_VERSION = appEventId('quic.unsupported_version');
export const EV_QUIC_DECRYPT_FAILED = appEventId('quic.decrypt_failed');
export const EV_QUIC_INVALID_FRAME = appEventId('quic.invalid_frame');
export const EV_QUIC_CRYPTO_OVERLAP_CONFLICT = appEventId('quic.crypto_overlap_conflict');
export const EV_QUIC_CRYPTO_TOO_LARGE = appEventId('quic.crypto_too_large');
export const EV_QUIC_CRYPTO_TOO_FRAGMENTED = appEventId('quic.crypto_too_fragmented');
/** The first message of the client's CRYPTO stream is not a ClientHello (handshake type 1). */
export const EV_TLS_INVALID_HANDSHAKE_MESSAGE = appEventId('tls.invalid_handshake_message');

/**
 * Initial packets opened per datagram at most (each costs an AES-GCM decryption); later ones are
 * skipped and counted in `QuicConnState.initialsOverLimit`. Clients coalesce one Initial with 0-RTT
 * or Handshake packets (the corpus never has two Initials in a datagram); the limit stops a datagram
 * of many tiny Initials from buying dozens of decryptions.
 */
export const QUIC_MAX_INITIALS_PER_DATAGRAM = 4;

/** TLS HandshakeType client_hello (RFC 8446 §4). */
const HS_CLIENT_HELLO = 1;
const EMPTY = new Uint8Array(0);

/**
 * Per-flow QUIC state: the client's Initial keys (derived once per connection from its original
 * DCID), the CRYPTO stream assembler, and after APP_DONE the reassembled ClientHello. One per QUIC
 * flow (client → server direction), owned by the flow table entry; drop it when the flow ends or
 * once the ClientHello was parsed. About 1.8 KB with its keys (measured: 1.6 KB JS heap, 0.2 KB
 * typed-array stores, no native cipher context), plus the assembler's buffer (none when the
 * ClientHello came in one CRYPTO frame: a view of the packet's plaintext is kept instead; else
 * 2 KiB growing up to QUIC_CRYPTO_MAX_BYTES).
 */
export class QuicConnState {
  keys = new QuicInitialKeys();
  /** Second key slot, for trying a new DCID (Retry, a new connection on the same 5-tuple) without losing the first. */
  private spare: QuicInitialKeys | null = null;
  readonly crypto: QuicCryptoAssembler;
  /** App-layer event id (APP_EVENT_NAMES) explaining the last APP_INVALID, else -1. */
  event = -1;
  /** Version of the last Initial packet opened (0 before). */
  version = 0;
  /** Largest Initial packet number opened with the current keys (-1 before). */
  largestPn = -1;
  /** Initial packets opened on this flow. */
  initialPackets = 0;
  /** Packets skipped because the capture's snap length cut them (they cannot be decrypted). */
  truncatedPackets = 0;
  /** Initial packets skipped past QUIC_MAX_INITIALS_PER_DATAGRAM in one datagram. */
  initialsOverLimit = 0;
  /** The last call returned APP_DONE; the next call starts collecting a new ClientHello. */
  done = false;
  /**
   * With APP_DONE: this hello has the same bytes (length and 32-bit FNV-1a) as the previous hello
   * completed with the same keys: a retransmission, not a new ClientHello. A pipeline that keeps the
   * state after APP_DONE skips these to report each connection's hello once.
   */
  repeat = false;
  /** APP_DONE results with the current keys (retransmissions included). */
  hellos = 0;
  private lastHelloHash = 0;
  private lastHelloLength = -1;
  /**
   * After APP_DONE: the ClientHello handshake message (type byte 1, 24-bit length, body) is
   * chBytes[chOffset, chOffset + chLength). Pass these to parseClientHello(). A view of memory this
   * state owns (never the capture buffer): valid until the next quicInitial() call on this state.
   */
  chBytes: Uint8Array = EMPTY;
  chOffset = 0;
  chLength = 0;

  constructor(maxCryptoBytes?: number) {
    this.crypto = new QuicCryptoAssembler(maxCryptoBytes);
  }

  /** Forget everything (keys included), e.g. to reuse the object for another flow. */
  reset(): void {
    this.keys.clear();
    this.crypto.reset();
    this.event = -1;
    this.version = 0;
    this.largestPn = -1;
    this.initialPackets = 0;
    this.truncatedPackets = 0;
    this.initialsOverLimit = 0;
    this.done = false;
    this.forgetHellos();
    this.clearClientHello();
  }

  private forgetHellos(): void {
    this.repeat = false;
    this.hellos = 0;
    this.lastHelloHash = 0;
    this.lastHelloLength = -1;
  }

  /** Record the hello just completed; sets `repeat`. */
  noteHello(bytes: Uint8Array, off: number, len: number): void {
    let h = 0x811c9dc5;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ bytes[off + i], 0x01000193);
    h >>>= 0;
    this.repeat = this.hellos > 0 && len === this.lastHelloLength && h === this.lastHelloHash;
    this.lastHelloHash = h;
    this.lastHelloLength = len;
    this.hellos++;
  }

  /** Has an Initial packet of this flow been opened? */
  get started(): boolean {
    return this.initialPackets > 0;
  }

  private clearClientHello(): void {
    this.chBytes = EMPTY;
    this.chOffset = 0;
    this.chLength = 0;
  }

  /** Start collecting a fresh ClientHello (after APP_DONE, or a new connection on the flow). */
  restartStream(): void {
    this.crypto.reset();
    this.done = false;
    this.repeat = false;
    this.clearClientHello();
  }

  /** Swap in the spare key slot (after it opened a packet under a new DCID or version). */
  useSpareKeys(): void {
    const old = this.keys;
    this.keys = this.spare as QuicInitialKeys;
    this.spare = old;
    this.largestPn = -1;
    this.forgetHellos();
  }

  spareKeys(): QuicInitialKeys {
    if (this.spare === null) this.spare = new QuicInitialKeys();
    return this.spare;
  }
}

// Per-thread scratch (each worker thread has its own module instance): overwritten by every call.
const hdr = new QuicLongHeader();
const plain = new QuicPlaintext();
const walk = new FrameWalk();

function invalid(state: QuicConnState, event: number): AppStatus {
  state.event = event;
  return APP_INVALID;
}

/**
 * One UDP payload bytes[off, off + len) sent by the client of a QUIC flow. Walks the coalesced
 * long-header packets (by their Length), opens every Initial (skips 0-RTT, Handshake, and a
 * short-header packet ends the walk), feeds CRYPTO frames to state.crypto.
 *   APP_DONE       the ClientHello is whole: state.chBytes/chOffset/chLength (parse it now).
 *   APP_NEED_MORE  an Initial was opened (now or before) but the ClientHello is not whole yet.
 *   APP_NOT_THIS   nothing here was a QUIC Initial we can open and none was before on this flow.
 *   APP_INVALID    state.event says why (bad header, version, decryption, frame, CRYPTO stream).
 * `truncated`: the frame was cut by the capture's snap length (pkt.truncated): a packet running past
 * the captured bytes is then skipped (state.truncatedPackets) instead of being `quic.invalid_header`.
 * `bytes` is only read during the call (nothing keeps a view of it). Never throws. Allocates only
 * for node:crypto, once per Initial packet (one AES-GCM decipher, its plaintext and the views passed
 * to it; header protection is computed in JS without allocation), plus the HMACs of the key
 * derivation once per connection.
 *
 * How the pipeline uses it (per worker thread; the parse scratch is module-level, so each worker
 * thread has its own and nothing needs creating per thread):
 *
 *   per UDP flow, client → server payloads only (the side that sent the first datagram):
 *     if (flow.quic === null) {
 *       if (!looksLikeQuicInitial(pkt.bytes, pkt.payloadOffset, pkt.payloadLength)) → not QUIC (try DNS…)
 *       flow.quic = new QuicConnState();                      // one per flow, owned by the flow entry
 *     }
 *     switch (quicInitial(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, flow.quic, pkt.truncated)) {
 *       case APP_DONE:      parseClientHello(q.chBytes, q.chOffset, q.chLength, ch)  // ch: the thread's ClientHello
 *                           → SNI, ALPN, ja3(ch), ja4(ch, 'q'); then drop flow.quic (or keep it to
 *                           see a new connection on the same 5-tuple: the next call starts a new hello)
 *       case APP_NEED_MORE: keep flow.quic
 *       case APP_NOT_THIS:  flow.quic = null; stop trying QUIC on this flow
 *       case APP_INVALID:   count stats.app_layer.event[APP_EVENT_NAMES[q.event]]; flow.quic = null
 *     }
 *
 * Server → client payloads must not be passed: server Initials use the server's keys and would be
 * `quic.decrypt_failed`. After APP_DONE each further call starts a new hello, so a retransmitted
 * whole ClientHello gives APP_DONE again with the same bytes and `state.repeat` set (tshark lists
 * such retransmissions only for gQUIC T051). Dropping the state after APP_DONE instead means a
 * retransmission looks like a new flow state's first hello: check the flow's app protocol first.
 */
export function quicInitial(bytes: Uint8Array, off: number, len: number, state: QuicConnState, truncated = false): AppStatus {
  state.event = -1;
  if (state.done) state.restartStream();
  const end = off + len;
  let pos = off;
  let opened = 0;
  let firstDcidOffset = -1;
  let firstDcidLength = 0;
  while (pos < end) {
    const st = parseLongHeader(bytes, pos, end, hdr);
    if (st === HDR_SHORT) break;
    const first = pos === off;
    if (st === HDR_VERSION) {
      // Version Negotiation (0) comes from servers; another version we cannot open.
      if (!first || hdr.version === 0) break;
      return invalid(state, EV_QUIC_UNSUPPORTED_VERSION);
    }
    if (st === HDR_INVALID) {
      // A later packet that does not parse is padding or garbage after the last packet: ignore it.
      if (!first) break;
      return invalid(state, EV_QUIC_INVALID_HEADER);
    }
    if (st === HDR_CUT) {
      if (truncated) { state.truncatedPackets++; break; }
      if (!first) break;
      return invalid(state, EV_QUIC_INVALID_HEADER);
    }
    if (first) {
      firstDcidOffset = hdr.dcidOffset;
      firstDcidLength = hdr.dcidLength;
    } else if (!sameBytes(bytes, hdr.dcidOffset, hdr.dcidLength, firstDcidOffset, firstDcidLength)) {
      break; // RFC 9000 §12.2: ignore coalesced packets with another DCID
    }
    if (hdr.type === LT_INITIAL) {
      if (opened === QUIC_MAX_INITIALS_PER_DATAGRAM) { state.initialsOverLimit++; break; }
      const ev = openInitial(bytes, state);
      if (ev >= 0) return invalid(state, ev);
      opened++;
    }
    pos = hdr.packetEnd;
  }

  if (opened === 0) return state.started ? APP_NEED_MORE : APP_NOT_THIS;
  const c = state.crypto.check();
  if (c === CRYPTO_TOO_LARGE) return invalid(state, EV_QUIC_CRYPTO_TOO_LARGE);
  if (state.crypto.messageType >= 0 && state.crypto.messageType !== HS_CLIENT_HELLO) return invalid(state, EV_TLS_INVALID_HANDSHAKE_MESSAGE);
  if (c !== CRYPTO_COMPLETE) return APP_NEED_MORE;
  state.chBytes = state.crypto.bytes();
  state.chOffset = state.crypto.byteOffset();
  state.chLength = state.crypto.messageLength;
  state.noteHello(state.chBytes, state.chOffset, state.chLength);
  state.done = true;
  return APP_DONE;
}

/** Open the Initial packet described by `hdr` and feed its frames; -1 on success, else an event id. */
function openInitial(bytes: Uint8Array, state: QuicConnState): number {
  const h = hdr;
  let keys = state.keys;
  let r: number;
  if (!keys.ready) {
    keys.derive(bytes, h.dcidOffset, h.dcidLength, h.version, h.profile);
    r = unprotectInitial(bytes, h.offset, h.pnOffset, h.packetEnd, keys, state.largestPn, plain);
  } else {
    const same = keys.matches(bytes, h.dcidOffset, h.dcidLength, h.version);
    // After the server answers, the client's Initials carry the server's CID but keep the original
    // keys: try them first whenever the version is the same.
    r = keys.version === h.version
      ? unprotectInitial(bytes, h.offset, h.pnOffset, h.packetEnd, keys, state.largestPn, plain)
      : UNPROTECT_AUTH;
    if (r === UNPROTECT_AUTH && !same) {
      // A new DCID or version: Retry, Version Negotiation, or a new connection on this 5-tuple.
      const spare = state.spareKeys();
      spare.derive(bytes, h.dcidOffset, h.dcidLength, h.version, h.profile);
      r = unprotectInitial(bytes, h.offset, h.pnOffset, h.packetEnd, spare, -1, plain);
      if (r === UNPROTECT_OK) {
        state.useSpareKeys();
        state.restartStream();
        keys = state.keys;
      }
    }
  }
  if (r === UNPROTECT_AUTH) return EV_QUIC_DECRYPT_FAILED;
  if (r !== UNPROTECT_OK) return EV_QUIC_INVALID_HEADER;
  if (plain.packetNumber > state.largestPn) state.largestPn = plain.packetNumber;
  state.version = h.version;
  state.initialPackets++;

  const dialect = h.profile === QV_T050 || h.profile === QV_T051 ? DIALECT_GQUIC : DIALECT_IETF;
  const p = plain.plain;
  const fr = walkInitialFrames(p, 0, p.length, dialect, state.crypto, walk);
  if (fr === FRAMES_OK) return -1;
  if (fr === FRAMES_INVALID) return EV_QUIC_INVALID_FRAME;
  switch (walk.sinkCode) {
    case CRYPTO_CONFLICT: return EV_QUIC_CRYPTO_OVERLAP_CONFLICT;
    case CRYPTO_TOO_FRAGMENTED: return EV_QUIC_CRYPTO_TOO_FRAGMENTED;
    case CRYPTO_TOO_LARGE:
    default: return EV_QUIC_CRYPTO_TOO_LARGE;
  }
}

function sameBytes(b: Uint8Array, x: number, xl: number, y: number, yl: number): boolean {
  if (xl !== yl) return false;
  for (let i = 0; i < xl; i++) if (b[x + i] !== b[y + i]) return false;
  return true;
}
