// QUIC long header (RFC 9000 §17.2, RFC 8999 invariants) and the versions whose Initial packets we can
// open: v1, v2 (RFC 9369 §3.2: Initial type bits 0b01), IETF drafts 22–34, mvfst and Google T050/T051.

/** QUIC version 1 (RFC 9000). */
export const QUIC_V1 = 0x00000001;
/** QUIC version 2 (RFC 9369 §3.1). */
export const QUIC_V2 = 0x6b3343cf;

/**
 * Version profile: which salt and labels protect Initial packets and how the long-header type bits
 * read. 0 means "a version we cannot open".
 *
 *   profile          versions                                        salt          labels   Initial bits
 *   QV_V1            0x00000001, drafts 33–34 (0xff000021..22)       RFC 9001      quic     0b00
 *   QV_V2            0x6b3343cf                                      RFC 9369      quicv2   0b01
 *   QV_DRAFT29       drafts 29–32, and 0x?a?a?a?a (see below)       draft-29      quic     0b00
 *   QV_DRAFT23       drafts 23–28, mvfst 0xfaceb002 / 0xfaceb00e     draft-23      quic     0b00
 *   QV_DRAFT22       draft 22, mvfst 0xfaceb001                      draft-22      quic     0b00
 *   QV_T050          Google T050 (0x54303530)                        T050          quic     0b00
 *   QV_T051          Google T051 (0x54303531)                        T051          quic     0b00
 *
 * Versions 0x?a?a?a?a are reserved for forcing version negotiation (RFC 9000 §15); a client that
 * sends one still encrypts its Initial with some salt. Wireshark tries the draft-29 salt, and
 * sni_truth.tsv (tshark) counts ClientHellos opened that way (ndpi/quic_interop_V), so we do too;
 * when the guess is wrong the AEAD tag says so (`quic.decrypt_failed`).
 * Google Q050 (CRYPTO frames carry QUIC-crypto CHLO, not TLS) and drafts before 22 (another
 * long-header layout) are not supported.
 */
export const QV_NONE = 0;
export const QV_V1 = 1;
export const QV_V2 = 2;
export const QV_DRAFT29 = 3;
export const QV_DRAFT23 = 4;
export const QV_DRAFT22 = 5;
export const QV_T050 = 6;
export const QV_T051 = 7;
export const QV_COUNT = 8;

/** Profile of a version number (0 = QV_NONE: not one we can open). */
export function quicVersionProfile(version: number): number {
  switch (version) {
    case QUIC_V1: return QV_V1;
    case QUIC_V2: return QV_V2;
    case 0xfaceb001: return QV_DRAFT22;
    case 0xfaceb002:
    case 0xfaceb00e: return QV_DRAFT23;
    case 0x54303530: return QV_T050;
    case 0x54303531: return QV_T051;
    default:
      break;
  }
  if ((version >>> 8) === 0xff0000) {
    const draft = version & 0xff;
    if (draft < 22) return QV_NONE;
    if (draft === 22) return QV_DRAFT22;
    if (draft <= 28) return QV_DRAFT23;
    if (draft <= 32) return QV_DRAFT29;
    if (draft <= 34) return QV_V1;
    return QV_NONE;
  }
  if (((version & 0x0f0f0f0f) >>> 0) === 0x0a0a0a0a) return QV_DRAFT29;
  return QV_NONE;
}

/** Long-header packet types, normalised to the v1 numbering (RFC 9000 Table 5). */
export const LT_INITIAL = 0;
export const LT_0RTT = 1;
export const LT_HANDSHAKE = 2;
export const LT_RETRY = 3;

/** v2 type bits → v1 numbering (RFC 9369 §3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00). */
const V2_TYPES = [LT_RETRY, LT_INITIAL, LT_0RTT, LT_HANDSHAKE];

/** Normalised long-header packet type of first byte `b0` under `profile`. */
export function longPacketType(b0: number, profile: number): number {
  const bits = (b0 >> 4) & 3;
  return profile === QV_V2 ? V2_TYPES[bits] : bits;
}

/** A connection ID is at most 20 bytes in every version we open (RFC 9000 §17.2). */
export const MAX_CID_LEN = 20;
/** First byte, version, DCID length, SCID length: the smallest long header (empty CIDs). */
export const LONG_HEADER_MIN = 7;

/** Bytes of a variable-length integer (RFC 9000 §16) whose first byte is `b0`: 1, 2, 4 or 8. */
export function varintLength(b0: number): number {
  return 1 << (b0 >>> 6);
}

/**
 * Value of the `n`-byte varint at `off` (the caller checked that n bytes are there). 8-byte values
 * above 2^53 lose precision; every caller compares them with limits far below that.
 */
export function readVarint(bytes: Uint8Array, off: number, n: number): number {
  switch (n) {
    case 1: return bytes[off] & 0x3f;
    case 2: return ((bytes[off] & 0x3f) << 8) | bytes[off + 1];
    case 4: return (((bytes[off] & 0x3f) << 24) | (bytes[off + 1] << 16) | (bytes[off + 2] << 8) | bytes[off + 3]) >>> 0;
    default: {
      const hi = (((bytes[off] & 0x3f) << 24) | (bytes[off + 1] << 16) | (bytes[off + 2] << 8) | bytes[off + 3]) >>> 0;
      const lo = ((bytes[off + 4] << 24) | (bytes[off + 5] << 16) | (bytes[off + 6] << 8) | bytes[off + 7]) >>> 0;
      return hi * 0x100000000 + lo;
    }
  }
}

/**
 * Cheap test for a UDP payload from a client: long header and fixed bit set, a version we can open,
 * the Initial type bits of that version, and connection ID lengths within the payload and ≤ 20.
 * No decryption; a false positive costs one failed AEAD check in quicInitial(). Lets the pipeline
 * try QUIC on any UDP port, not only 443.
 */
export function looksLikeQuicInitial(bytes: Uint8Array, off: number, len: number): boolean {
  if (len < LONG_HEADER_MIN) return false;
  const b0 = bytes[off];
  if ((b0 & 0xc0) !== 0xc0) return false;
  const version = ((bytes[off + 1] << 24) | (bytes[off + 2] << 16) | (bytes[off + 3] << 8) | bytes[off + 4]) >>> 0;
  const profile = quicVersionProfile(version);
  if (profile === QV_NONE || longPacketType(b0, profile) !== LT_INITIAL) return false;
  const dcil = bytes[off + 5];
  if (dcil > MAX_CID_LEN || 6 + dcil >= len) return false;
  const scil = bytes[off + 6 + dcil];
  return scil <= MAX_CID_LEN && 7 + dcil + scil <= len;
}

/** parseLongHeader() results. */
/** A long-header packet of a version we open; every field of the record is set. */
export const HDR_OK = 0;
/** Header form bit clear: a short-header packet (it runs to the end of the datagram). */
export const HDR_SHORT = 1;
/** A version we cannot open (`version` is set; the packet's length is unknown). */
export const HDR_VERSION = 2;
/** Malformed: CID length over 20, or a field runs past the datagram. */
export const HDR_INVALID = 3;
/** Header fine, but Length claims bytes past the end of what we have (`packetEnd` is the claim). */
export const HDR_CUT = 4;

/**
 * One long-header packet. Offsets point into the buffer given to parseLongHeader() and are valid as
 * long as it is (for a capture batch: until the next batch on this thread).
 *
 *   +--+-------+----+------+----+------+-------+-------+--------+--------+--------------------+
 *   |b0|version|dcil| dcid |scil| scid |tok len| token | Length | PN 1-4 | payload + 16B tag  |
 *   +--+-------+----+------+----+------+-------+-------+--------+--------+--------------------+
 *   ^offset          ^dcidOffset                                ^pnOffset          packetEnd^
 *   (token fields only in Initial packets; Retry has neither Length nor PN)
 */
export class QuicLongHeader {
  offset = 0;
  firstByte = 0;
  version = 0;
  /** QV_* profile of `version`. */
  profile = QV_NONE;
  /** LT_* (v1 numbering, whatever the version). */
  type = 0;
  dcidOffset = 0;
  dcidLength = 0;
  scidOffset = 0;
  scidLength = 0;
  tokenOffset = 0;
  tokenLength = 0;
  /** Where the (protected) packet number starts; Length counts from here. */
  pnOffset = 0;
  /** End of this packet: pnOffset + Length (for Retry, the end of the datagram). */
  packetEnd = 0;

  reset(): void {
    this.offset = 0;
    this.firstByte = 0;
    this.version = 0;
    this.profile = QV_NONE;
    this.type = 0;
    this.dcidOffset = 0;
    this.dcidLength = 0;
    this.scidOffset = 0;
    this.scidLength = 0;
    this.tokenOffset = 0;
    this.tokenLength = 0;
    this.pnOffset = 0;
    this.packetEnd = 0;
  }
}

/**
 * Parse the long header at `off` of a datagram that ends at `end` (exclusive) into `h` (every field
 * reset first). Never throws, never allocates.
 */
export function parseLongHeader(bytes: Uint8Array, off: number, end: number, h: QuicLongHeader): number {
  h.reset();
  h.offset = off;
  if (off >= end) return HDR_INVALID;
  const b0 = bytes[off];
  h.firstByte = b0;
  if ((b0 & 0x80) === 0) return HDR_SHORT;
  if (end - off < LONG_HEADER_MIN) return HDR_INVALID;
  const version = ((bytes[off + 1] << 24) | (bytes[off + 2] << 16) | (bytes[off + 3] << 8) | bytes[off + 4]) >>> 0;
  h.version = version;
  const profile = quicVersionProfile(version);
  if (profile === QV_NONE) return HDR_VERSION;
  h.profile = profile;

  const dcil = bytes[off + 5];
  if (dcil > MAX_CID_LEN) return HDR_INVALID;
  let p = off + 6;
  if (p + dcil + 1 > end) return HDR_INVALID;
  h.dcidOffset = p;
  h.dcidLength = dcil;
  p += dcil;
  const scil = bytes[p++];
  if (scil > MAX_CID_LEN || p + scil > end) return HDR_INVALID;
  h.scidOffset = p;
  h.scidLength = scil;
  p += scil;

  const type = longPacketType(b0, profile);
  h.type = type;
  if (type === LT_RETRY) {
    h.pnOffset = p;
    h.packetEnd = end;
    return HDR_OK;
  }
  if (type === LT_INITIAL) {
    if (p >= end) return HDR_INVALID;
    const n = varintLength(bytes[p]);
    if (p + n > end) return HDR_INVALID;
    const tokenLength = readVarint(bytes, p, n);
    p += n;
    if (tokenLength > end - p) return HDR_INVALID;
    h.tokenOffset = p;
    h.tokenLength = tokenLength;
    p += tokenLength;
  }
  if (p >= end) return HDR_INVALID;
  const n = varintLength(bytes[p]);
  if (p + n > end) return HDR_INVALID;
  const length = readVarint(bytes, p, n);
  p += n;
  h.pnOffset = p;
  if (length > end - p) {
    h.packetEnd = p + Math.min(length, 0x7fffffff);
    return HDR_CUT;
  }
  h.packetEnd = p + length;
  return HDR_OK;
}
