// TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and the extensions kwire reads: server_name
// (RFC 6066 §3), ALPN (RFC 7301), supported_groups / ec_point_formats (RFC 8422), signature_algorithms,
// supported_versions (RFC 8446 §4.2), ECH (draft-ietf-tls-esni), QUIC transport parameters (RFC 9001).

import { APP_DONE, APP_INVALID, APP_NEED_MORE, appEventId, type AppStatus } from './app-layer.js';

export const EXT_SERVER_NAME = 0x0000;
export const EXT_SUPPORTED_GROUPS = 0x000a;
export const EXT_EC_POINT_FORMATS = 0x000b;
export const EXT_SIGNATURE_ALGORITHMS = 0x000d;
export const EXT_ALPN = 0x0010;
export const EXT_SUPPORTED_VERSIONS = 0x002b;
export const EXT_QUIC_TRANSPORT_PARAMETERS = 0x0039;
/** Pre-RFC (draft-27..32) codepoint of quic_transport_parameters. */
export const EXT_QUIC_TRANSPORT_PARAMETERS_DRAFT = 0xffa5;
export const EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
/** The earlier encrypted_server_name (draft-ietf-tls-esni-02..06). */
export const EXT_ENCRYPTED_SERVER_NAME = 0xffce;

/** Caps of the preallocated lists; more values are `tls.too_many_values` (the first ones are kept). */
export const CH_MAX_CIPHERS = 1024;
export const CH_MAX_EXTENSIONS = 256;
export const CH_MAX_GROUPS = 256;
export const CH_MAX_SIG_ALGS = 256;
export const CH_MAX_VERSIONS = 64;
export const CH_MAX_POINT_FORMATS = 255;
export const CH_MAX_ALPN = 64;
/** RFC 6066 §3 / DNS: a host name longer than this is `tls.invalid_sni`. */
export const SNI_MAX_LEN = 255;

const EV_HANDSHAKE_MESSAGE = appEventId('tls.invalid_handshake_message');
const EV_CLIENT_HELLO = appEventId('tls.invalid_client_hello');
const EV_SNI = appEventId('tls.invalid_sni');
const EV_ALPN = appEventId('tls.invalid_alpn');
const EV_DUPLICATE = appEventId('tls.duplicate_extension');
const EV_TOO_MANY = appEventId('tls.too_many_values');

/** RFC 8701 GREASE: 0x0a0a, 0x1a1a, ... 0xfafa (cipher suites, extensions, groups, versions, sig algs). */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

/**
 * One parsed ClientHello, preallocated and overwritten by every `parseClientHello` call.
 * Numbers, lists in typed arrays (the first `...Count` entries are meaningful, GREASE values
 * included, in wire order) and offsets into `bytes`, the buffer given to the parser: the TCP stream
 * buffer or a TlsHandshakeScratch (tls-record.ts), or the QUIC CRYPTO buffer. The offsets stay valid
 * until that buffer is reused (the next batch, `scratch.reset()`, the next CRYPTO reassembly).
 */
export class ClientHello {
  /** The buffer the offsets point into (set by the parser). */
  bytes: Uint8Array = new Uint8Array(0);
  /** Offset of the handshake header (type byte) and the length of the whole message. */
  messageOffset = 0;
  messageLength = 0;
  /** legacy_version (0x0303 for TLS 1.2 and 1.3). */
  legacyVersion = 0;
  /** Offset of the 32-byte random. */
  randomOffset = 0;
  sessionIdOffset = 0;
  sessionIdLength = 0;

  readonly cipherSuites = new Uint16Array(CH_MAX_CIPHERS);
  cipherCount = 0;
  compressionMethodsOffset = 0;
  compressionCount = 0;

  /** Extension types in wire order. */
  readonly extTypes = new Uint16Array(CH_MAX_EXTENSIONS);
  extCount = 0;

  /** supported_versions (0x002b): present, and its values. */
  supportedVersionsPresent = false;
  readonly supportedVersions = new Uint16Array(CH_MAX_VERSIONS);
  supportedVersionCount = 0;
  /** supported_groups (0x000a), formerly elliptic_curves. */
  readonly supportedGroups = new Uint16Array(CH_MAX_GROUPS);
  groupCount = 0;
  /** ec_point_formats (0x000b). */
  readonly ecPointFormats = new Uint8Array(CH_MAX_POINT_FORMATS);
  pointFormatCount = 0;
  /** signature_algorithms (0x000d), wire order. */
  readonly signatureAlgorithms = new Uint16Array(CH_MAX_SIG_ALGS);
  sigAlgCount = 0;

  /** server_name extension present (JA4 "d"), whatever its content. */
  sniPresent = false;
  /** First host_name entry: `bytes[sniOffset .. sniOffset + sniLength)`; sniLength 0 when none. With ECH, the outer (public) name. */
  sniOffset = 0;
  sniLength = 0;

  /** ALPN (0x0010) present, and its protocol names (opaque bytes, not necessarily ASCII). */
  alpnPresent = false;
  readonly alpnOffsets = new Uint32Array(CH_MAX_ALPN);
  readonly alpnLengths = new Uint8Array(CH_MAX_ALPN);
  alpnCount = 0;

  /** encrypted_client_hello (0xfe0d): this is a ClientHelloOuter, the SNI is the public name. */
  echPresent = false;
  /** The older encrypted_server_name (0xffce). */
  esniPresent = false;
  /** quic_transport_parameters (0x0039 or draft 0xffa5): the hello came over QUIC. */
  quicTransportParamsPresent = false;

  /**
   * The parser walked every extension (the message is well formed): on APP_INVALID with `event`
   * tls.invalid_sni / invalid_alpn / duplicate_extension / too_many_values, every field is still set.
   */
  complete = false;
  /** App-layer event id when the parser returned APP_INVALID, else -1. */
  event = -1;

  /** Bitset of the extension types seen in this hello (duplicate check); cleared by `reset()`. */
  private readonly seen = new Uint32Array(2048);
  private seenOverflow = false;

  reset(): void {
    for (let i = 0; i < this.extCount; i++) {
      const t = this.extTypes[i];
      this.seen[t >>> 5] = 0;
    }
    if (this.seenOverflow) this.seen.fill(0);
    this.seenOverflow = false;
    this.messageOffset = 0;
    this.messageLength = 0;
    this.legacyVersion = 0;
    this.randomOffset = 0;
    this.sessionIdOffset = 0;
    this.sessionIdLength = 0;
    this.cipherCount = 0;
    this.compressionMethodsOffset = 0;
    this.compressionCount = 0;
    this.extCount = 0;
    this.supportedVersionsPresent = false;
    this.supportedVersionCount = 0;
    this.groupCount = 0;
    this.pointFormatCount = 0;
    this.sigAlgCount = 0;
    this.sniPresent = false;
    this.sniOffset = 0;
    this.sniLength = 0;
    this.alpnPresent = false;
    this.alpnCount = 0;
    this.echPresent = false;
    this.esniPresent = false;
    this.quicTransportParamsPresent = false;
    this.complete = false;
    this.event = -1;
  }

  /** Mark an extension type seen; false if it was already (GREASE types are never duplicates). */
  markSeen(type: number): boolean {
    if (isGrease(type)) return true;
    const w = type >>> 5;
    const bit = 1 << (type & 31);
    if ((this.seen[w] & bit) !== 0) return false;
    this.seen[w] |= bit;
    if (this.extCount >= CH_MAX_EXTENSIONS) this.seenOverflow = true;
    return true;
  }
}

/** Record the first value-level problem; the walk goes on. */
function note(ch: ClientHello, ev: number): void {
  if (ch.event < 0) ch.event = ev;
}

function fail(ch: ClientHello, ev: number): AppStatus {
  ch.event = ev;
  return APP_INVALID;
}

/**
 * `bytes[offset]` is the handshake type byte (1); `length` bytes are available from there (a TLS
 * stream's reassembled message, or QUIC CRYPTO data). APP_NEED_MORE until the whole message is
 * there; APP_DONE with every field of `ch` set; APP_INVALID with `ch.event`
 * (tls.invalid_handshake_message, invalid_client_hello, invalid_sni, invalid_alpn,
 * duplicate_extension, too_many_values; see `ClientHello.complete`). Bytes past the message are
 * not looked at. Never throws, never allocates.
 */
export function parseClientHello(bytes: Uint8Array, offset: number, length: number, ch: ClientHello): AppStatus {
  ch.reset();
  ch.bytes = bytes;
  if (offset < 0) return fail(ch, EV_CLIENT_HELLO);
  if (length > bytes.length - offset) length = bytes.length - offset;
  if (length < 1) return APP_NEED_MORE;
  if (bytes[offset] !== 1) return fail(ch, EV_HANDSHAKE_MESSAGE);
  if (length < 4) return APP_NEED_MORE;
  const bodyLen = (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
  if (4 + bodyLen > length) return APP_NEED_MORE;
  ch.messageOffset = offset;
  ch.messageLength = 4 + bodyLen;
  let p = offset + 4;
  const end = p + bodyLen;

  // legacy_version, random, legacy_session_id<0..32>
  if (end - p < 2 + 32 + 1) return fail(ch, EV_CLIENT_HELLO);
  ch.legacyVersion = (bytes[p] << 8) | bytes[p + 1];
  ch.randomOffset = p + 2;
  p += 34;
  const sid = bytes[p++];
  if (sid > 32 || end - p < sid) return fail(ch, EV_CLIENT_HELLO);
  ch.sessionIdOffset = p;
  ch.sessionIdLength = sid;
  p += sid;

  // cipher_suites<2..2^16-2>
  if (end - p < 2) return fail(ch, EV_CLIENT_HELLO);
  const cl = (bytes[p] << 8) | bytes[p + 1];
  p += 2;
  if (cl < 2 || (cl & 1) !== 0 || end - p < cl) return fail(ch, EV_CLIENT_HELLO);
  let n = cl >> 1;
  if (n > CH_MAX_CIPHERS) { note(ch, EV_TOO_MANY); n = CH_MAX_CIPHERS; }
  for (let i = 0; i < n; i++) ch.cipherSuites[i] = (bytes[p + 2 * i] << 8) | bytes[p + 2 * i + 1];
  ch.cipherCount = n;
  p += cl;

  // legacy_compression_methods<1..2^8-1>
  if (end - p < 1) return fail(ch, EV_CLIENT_HELLO);
  const cm = bytes[p++];
  if (cm < 1 || end - p < cm) return fail(ch, EV_CLIENT_HELLO);
  ch.compressionMethodsOffset = p;
  ch.compressionCount = cm;
  p += cm;

  // extensions<8..2^16-1>: absent in pre-TLS 1.2 hellos; when present they fill the message.
  if (p < end) {
    if (end - p < 2) return fail(ch, EV_CLIENT_HELLO);
    const el = (bytes[p] << 8) | bytes[p + 1];
    p += 2;
    if (el !== end - p) return fail(ch, EV_CLIENT_HELLO);
    while (p < end) {
      if (end - p < 4) return fail(ch, EV_CLIENT_HELLO);
      const type = (bytes[p] << 8) | bytes[p + 1];
      const len = (bytes[p + 2] << 8) | bytes[p + 3];
      p += 4;
      if (end - p < len) return fail(ch, EV_CLIENT_HELLO);
      if (!ch.markSeen(type)) note(ch, EV_DUPLICATE);
      if (ch.extCount < CH_MAX_EXTENSIONS) ch.extTypes[ch.extCount++] = type;
      else note(ch, EV_TOO_MANY);
      if (!extension(bytes, p, len, type, ch)) return APP_INVALID;
      p += len;
    }
  }
  ch.complete = true;
  return ch.event < 0 ? APP_DONE : APP_INVALID;
}

/** One extension body `bytes[p .. p + len)`; false (with `ch.event`) when the hello is malformed. */
function extension(bytes: Uint8Array, p: number, len: number, type: number, ch: ClientHello): boolean {
  switch (type) {
    case EXT_SERVER_NAME:
      if (!ch.sniPresent) serverName(bytes, p, len, ch);
      ch.sniPresent = true;
      return true;
    case EXT_ALPN:
      if (!ch.alpnPresent) alpn(bytes, p, len, ch);
      ch.alpnPresent = true;
      return true;
    case EXT_SUPPORTED_VERSIONS: {
      // ProtocolVersion versions<2..254> with a 1-byte length
      if (ch.supportedVersionsPresent) return true;
      const vl = len >= 1 ? bytes[p] : -1;
      if (vl !== len - 1 || vl < 2 || (vl & 1) !== 0) { ch.event = EV_CLIENT_HELLO; return false; }
      ch.supportedVersionsPresent = true;
      ch.supportedVersionCount = u16List(bytes, p + 1, vl >> 1, ch.supportedVersions, ch);
      return true;
    }
    case EXT_SUPPORTED_GROUPS: {
      if (ch.groupCount > 0) return true;
      const gl = len >= 2 ? (bytes[p] << 8) | bytes[p + 1] : -1;
      if (gl !== len - 2 || (gl & 1) !== 0) { ch.event = EV_CLIENT_HELLO; return false; }
      ch.groupCount = u16List(bytes, p + 2, gl >> 1, ch.supportedGroups, ch);
      return true;
    }
    case EXT_EC_POINT_FORMATS: {
      if (ch.pointFormatCount > 0) return true;
      const fl = len >= 1 ? bytes[p] : -1;
      if (fl !== len - 1) { ch.event = EV_CLIENT_HELLO; return false; }
      for (let i = 0; i < fl; i++) ch.ecPointFormats[i] = bytes[p + 1 + i];
      ch.pointFormatCount = fl;
      return true;
    }
    case EXT_SIGNATURE_ALGORITHMS: {
      if (ch.sigAlgCount > 0) return true;
      const sl = len >= 2 ? (bytes[p] << 8) | bytes[p + 1] : -1;
      if (sl !== len - 2 || (sl & 1) !== 0) { ch.event = EV_CLIENT_HELLO; return false; }
      ch.sigAlgCount = u16List(bytes, p + 2, sl >> 1, ch.signatureAlgorithms, ch);
      return true;
    }
    case EXT_ENCRYPTED_CLIENT_HELLO:
      ch.echPresent = true;
      return true;
    case EXT_ENCRYPTED_SERVER_NAME:
      ch.esniPresent = true;
      return true;
    case EXT_QUIC_TRANSPORT_PARAMETERS:
    case EXT_QUIC_TRANSPORT_PARAMETERS_DRAFT:
      ch.quicTransportParamsPresent = true;
      return true;
    default:
      return true;
  }
}

/** `n` big-endian u16 values into `out`, capped at its size (`tls.too_many_values`); returns the count kept. */
function u16List(bytes: Uint8Array, p: number, n: number, out: Uint16Array, ch: ClientHello): number {
  if (n > out.length) { note(ch, EV_TOO_MANY); n = out.length; }
  for (let i = 0; i < n; i++) out[i] = (bytes[p + 2 * i] << 8) | bytes[p + 2 * i + 1];
  return n;
}

/**
 * ServerNameList (RFC 6066 §3): the first host_name (type 0). A list that does not fill the
 * extension, an entry past its end, an empty name, a name over 255 bytes or one holding a NUL
 * byte is `tls.invalid_sni`; the offsets still point at the name for evidence.
 */
function serverName(bytes: Uint8Array, p: number, len: number, ch: ClientHello): void {
  const end = p + len;
  if (len < 2 || ((bytes[p] << 8) | bytes[p + 1]) !== len - 2) { note(ch, EV_SNI); return; }
  p += 2;
  if (p === end) { note(ch, EV_SNI); return; }
  while (p < end) {
    if (end - p < 3) { note(ch, EV_SNI); return; }
    const nameType = bytes[p];
    const nl = (bytes[p + 1] << 8) | bytes[p + 2];
    p += 3;
    if (end - p < nl) { note(ch, EV_SNI); return; }
    if (nameType === 0 && ch.sniLength === 0) {
      ch.sniOffset = p;
      ch.sniLength = nl;
      if (nl === 0 || nl > SNI_MAX_LEN) note(ch, EV_SNI);
      for (let i = 0; i < nl; i++) {
        if (bytes[p + i] === 0) { note(ch, EV_SNI); break; }
      }
    }
    p += nl;
  }
}

/** ProtocolNameList (RFC 7301 §3.1); empty names are kept (JA4 prints "00" for one). */
function alpn(bytes: Uint8Array, p: number, len: number, ch: ClientHello): void {
  const end = p + len;
  if (len < 2 || ((bytes[p] << 8) | bytes[p + 1]) !== len - 2) { note(ch, EV_ALPN); return; }
  p += 2;
  while (p < end) {
    const nl = bytes[p++];
    if (end - p < nl) { note(ch, EV_ALPN); return; }
    if (ch.alpnCount < CH_MAX_ALPN) {
      ch.alpnOffsets[ch.alpnCount] = p;
      ch.alpnLengths[ch.alpnCount] = nl;
      ch.alpnCount++;
    } else note(ch, EV_TOO_MANY);
    p += nl;
  }
}
