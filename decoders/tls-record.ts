// TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2): the first handshake message of one TCP direction
// (ClientHello or ServerHello), reassembled from however many records and segments carry it.

import { APP_DONE, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId, type AppStatus } from './app-layer.js';

export const TLS_CT_CHANGE_CIPHER_SPEC = 20;
export const TLS_CT_ALERT = 21;
export const TLS_CT_HANDSHAKE = 22;
export const TLS_CT_APPLICATION_DATA = 23;

export const TLS_HS_CLIENT_HELLO = 1;
export const TLS_HS_SERVER_HELLO = 2;

export const TLS_RECORD_HEADER_LEN = 5;
export const TLS_HANDSHAKE_HEADER_LEN = 4;
/** Largest record body accepted: TLSCiphertext's 2^14 + 2048 (RFC 5246 §6.2.3), as Suricata checks. */
export const TLS_MAX_RECORD_LEN = 16384 + 2048;
/** Default bound of a reassembled handshake message (header included). */
export const TLS_HANDSHAKE_SCRATCH_LEN = 64 * 1024;

const EV_RECORD_TYPE = appEventId('tls.invalid_record_type');
const EV_RECORD_VERSION = appEventId('tls.invalid_record_version');
const EV_RECORD_LENGTH = appEventId('tls.invalid_record_length');
const EV_HANDSHAKE_MESSAGE = appEventId('tls.invalid_handshake_message');
const EV_TOO_LARGE = appEventId('tls.handshake_too_large');

/**
 * Per-direction state of `tlsClientStream` / `tlsServerStream`, preallocated and reused (`reset()`
 * for a new flow direction). When the status is APP_DONE the message is
 * `msgBytes[msgOffset .. msgOffset + msgLength)`, handshake header included: parse it with
 * `parseClientHello(s.msgBytes, s.msgOffset, s.msgLength, ch)`.
 *
 *   stream:  | 16 03 01 LL LL | 01 LL LL LL  hello ... | 16 03 01 LL LL | ... rest of hello |
 *              record header    handshake fragment       next record      next fragment
 *   buf:     | 01 LL LL LL  hello ...  rest of hello |   (only when the hello spans records)
 *
 * Lifetime: when the whole message sat in one record that arrived in one call, `msgBytes` is the
 * caller's stream buffer (no copy; valid as long as that buffer is); otherwise it is `buf`, valid
 * until `reset()`. The 64 KiB bound applies to what is copied (a single record is at most 18 KiB).
 * A caller that keeps the ClientHello past the stream buffer's life copies the message first.
 */
export class TlsHandshakeScratch {
  /** Concatenated handshake fragments, bounded: a longer message is `tls.handshake_too_large`. */
  readonly buf: Uint8Array;
  /** APP_NEED_MORE until the message is complete or the stream is rejected; then sticky. */
  status: AppStatus = APP_NEED_MORE;
  /** App-layer event id when `status` is APP_INVALID, else -1. */
  event = -1;
  /** Where the complete message is (see the class comment); meaningful once `status` is APP_DONE. */
  msgBytes: Uint8Array;
  msgOffset = 0;
  /** Handshake header + body length; 0 until the 4-byte handshake header has been seen. */
  msgLength = 0;
  msgType = -1;
  /** Records walked so far (more than one: the message was split across records). */
  records = 0;
  /** Stream bytes walked (relative to the stream start). */
  consumed = 0;
  /** Body bytes of the current record not yet walked (0: the next byte is a record header). */
  recordRemaining = 0;
  /** Bytes of the message copied into `buf`. */
  filled = 0;

  constructor(capacity = TLS_HANDSHAKE_SCRATCH_LEN) {
    this.buf = new Uint8Array(capacity);
    this.msgBytes = this.buf;
  }

  reset(): void {
    this.status = APP_NEED_MORE;
    this.event = -1;
    this.msgBytes = this.buf;
    this.msgOffset = 0;
    this.msgLength = 0;
    this.msgType = -1;
    this.records = 0;
    this.consumed = 0;
    this.recordRemaining = 0;
    this.filled = 0;
  }
}

/**
 * Client direction of a TCP connection: `bytes[offset .. offset + length)` are the contiguous first
 * bytes of the stream (offset = stream start). Call again with a longer `length` (the same or a new
 * buffer holding the same stream prefix) as in-order bytes arrive; the scratch remembers progress.
 * APP_DONE: the ClientHello is assembled (see TlsHandshakeScratch). APP_NEED_MORE: a valid prefix.
 * APP_NOT_THIS: the first bytes are not a TLS record (try HTTP etc.). APP_INVALID: `s.event`.
 * SSLv2-compatible ClientHellos (RFC 5246 appendix E.2) are not recognised: APP_NOT_THIS.
 * Never throws, never allocates.
 */
export function tlsClientStream(bytes: Uint8Array, offset: number, length: number, s: TlsHandshakeScratch): AppStatus {
  return tlsHandshakeStream(bytes, offset, length, s, TLS_HS_CLIENT_HELLO);
}

/** Server direction: as `tlsClientStream`, for the ServerHello (handshake type 2). */
export function tlsServerStream(bytes: Uint8Array, offset: number, length: number, s: TlsHandshakeScratch): AppStatus {
  return tlsHandshakeStream(bytes, offset, length, s, TLS_HS_SERVER_HELLO);
}

function invalid(s: TlsHandshakeScratch, ev: number): AppStatus {
  s.event = ev;
  s.status = APP_INVALID;
  return APP_INVALID;
}

function notThis(s: TlsHandshakeScratch): AppStatus {
  s.status = APP_NOT_THIS;
  return APP_NOT_THIS;
}

function isTlsContentType(ct: number): boolean {
  return ct >= TLS_CT_CHANGE_CIPHER_SPEC && ct <= TLS_CT_APPLICATION_DATA;
}

/**
 * At a valid handshake record header `bytes[b]` with `avail` bytes from there and body length `rl`:
 * the length of the message when all of it is in this record and already here (no copy needed), else -1.
 */
function wholeMessageIn(bytes: Uint8Array, b: number, avail: number, rl: number, want: number): number {
  if (rl < TLS_HANDSHAKE_HEADER_LEN || avail < TLS_RECORD_HEADER_LEN + TLS_HANDSHAKE_HEADER_LEN || bytes[b + 5] !== want) return -1;
  const ml = TLS_HANDSHAKE_HEADER_LEN + ((bytes[b + 6] << 16) | (bytes[b + 7] << 8) | bytes[b + 8]);
  if (ml > rl || TLS_RECORD_HEADER_LEN + ml > avail) return -1;
  return ml;
}

/** Shared walk; `want` is the handshake type that must come first. */
export function tlsHandshakeStream(bytes: Uint8Array, offset: number, length: number, s: TlsHandshakeScratch, want: number): AppStatus {
  if (s.status !== APP_NEED_MORE) return s.status;
  if (length > bytes.length - offset) length = bytes.length - offset;
  if (length < 0 || offset < 0) return APP_NEED_MORE;

  const buf = s.buf;
  let pos = s.consumed;
  for (;;) {
    if (s.recordRemaining === 0) {
      // A record header, validated byte by byte so that the first bytes decide APP_NOT_THIS early.
      const avail = length - pos;
      const b = offset + pos;
      if (avail < 1) break;
      const ct = bytes[b];
      const handshakeOrCcs = ct === TLS_CT_HANDSHAKE || ct === TLS_CT_CHANGE_CIPHER_SPEC;
      if (!handshakeOrCcs) {
        if (pos > 0) return invalid(s, EV_RECORD_TYPE);
        if (!isTlsContentType(ct)) return notThis(s);
      }
      if (avail < 2) break;
      if (bytes[b + 1] !== 3) return pos > 0 ? invalid(s, EV_RECORD_VERSION) : notThis(s);
      // First record, TLS-looking but not a handshake (alert, application data): TLS, but wrong.
      if (!handshakeOrCcs) return invalid(s, EV_RECORD_TYPE);
      if (avail < 3) break;
      if (bytes[b + 2] > 4) return invalid(s, EV_RECORD_VERSION);
      if (avail < TLS_RECORD_HEADER_LEN) break;
      const rl = (bytes[b + 3] << 8) | bytes[b + 4];
      // RFC 8446 §5.1: no zero-length handshake fragments.
      if (rl === 0 || rl > TLS_MAX_RECORD_LEN) return invalid(s, EV_RECORD_LENGTH);
      if (ct === TLS_CT_CHANGE_CIPHER_SPEC) {
        // RFC 8446 §5 / appendix D.4: a middlebox-compatibility ChangeCipherSpec (one byte, 1) may
        // precede the second ClientHello after a HelloRetryRequest; never inside a handshake message.
        if (s.filled !== 0) return invalid(s, EV_RECORD_TYPE);
        if (rl !== 1) return invalid(s, EV_RECORD_LENGTH);
        if (avail < TLS_RECORD_HEADER_LEN + 1) break;
        if (bytes[b + TLS_RECORD_HEADER_LEN] !== 1) return invalid(s, EV_RECORD_TYPE);
        pos += TLS_RECORD_HEADER_LEN + 1;
        s.consumed = pos;
        continue;
      }
      if (s.filled === 0) {
        const ml = wholeMessageIn(bytes, b, avail, rl, want);
        if (ml > 0) {
          s.records++;
          s.msgType = want;
          s.msgBytes = bytes;
          s.msgOffset = b + TLS_RECORD_HEADER_LEN;
          s.msgLength = ml;
          s.status = APP_DONE;
          return APP_DONE;
        }
      }
      s.records++;
      s.recordRemaining = rl;
      pos += TLS_RECORD_HEADER_LEN;
      s.consumed = pos;
    }
    const avail = length - pos;
    if (avail < 1) break;
    const take = avail < s.recordRemaining ? avail : s.recordRemaining;
    // Copy only what the message still needs: the 4-byte header first, then the body.
    let from = offset + pos;
    let left = take;
    while (left > 0) {
      const goal = s.msgLength === 0 ? TLS_HANDSHAKE_HEADER_LEN : s.msgLength;
      let n = goal - s.filled;
      if (n > left) n = left;
      let f = s.filled;
      for (let i = 0; i < n; i++) buf[f++] = bytes[from + i];
      s.filled = f;
      from += n;
      left -= n;
      if (s.msgLength === 0 && f === TLS_HANDSHAKE_HEADER_LEN) {
        if (buf[0] !== want) return invalid(s, EV_HANDSHAKE_MESSAGE);
        const ml = TLS_HANDSHAKE_HEADER_LEN + ((buf[1] << 16) | (buf[2] << 8) | buf[3]);
        if (ml > buf.length) return invalid(s, EV_TOO_LARGE);
        s.msgLength = ml;
        s.msgType = want;
      }
      if (s.msgLength !== 0 && f === s.msgLength) {
        s.msgBytes = buf;
        s.msgOffset = 0;
        s.status = APP_DONE;
        return APP_DONE;
      }
    }
    pos += take;
    s.recordRemaining -= take;
    s.consumed = pos;
  }
  return APP_NEED_MORE;
}

/**
 * Offset of a plausible TLS handshake record carrying a ClientHello in bytes[p, end) (content type
 * 22, version 3.x, handshake type 1), or -1: a ClientHello after a STARTTLS-style negotiation.
 */
export function findClientHelloRecord(bytes: Uint8Array, p: number, end: number): number {
  for (let i = p; i + 6 <= end; i++) {
    if (bytes[i] === 0x16 && bytes[i + 1] === 3 && bytes[i + 2] <= 4 && bytes[i + 5] === 1) return i;
  }
  return -1;
}

/** Offset just after the records from `p` that carry a handshake message of `msgLength` bytes. */
export function handshakeRecordsEnd(bytes: Uint8Array, p: number, end: number, msgLength: number): number {
  let hs = 0;
  while (p + 5 <= end && hs < msgLength) {
    const len = (bytes[p + 3] << 8) | bytes[p + 4];
    if (bytes[p] === 0x16) hs += len;
    p += 5 + len;
  }
  return p;
}
