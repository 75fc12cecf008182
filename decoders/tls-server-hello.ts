// TLS ServerHello (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3): negotiated version (supported_versions
// overrides legacy_version), cipher suite, selected ALPN (RFC 7301 §3.1), HelloRetryRequest.

import { APP_DONE, APP_INVALID, APP_NEED_MORE, appEventId, type AppStatus } from './app-layer.js';
import { EXT_ALPN, EXT_SUPPORTED_VERSIONS, isGrease } from './tls-client-hello.js';

export const SH_MAX_EXTENSIONS = 64;

const EV_HANDSHAKE_MESSAGE = appEventId('tls.invalid_handshake_message');
const EV_SERVER_HELLO = appEventId('tls.invalid_server_hello');
const EV_ALPN = appEventId('tls.invalid_alpn');
const EV_DUPLICATE = appEventId('tls.duplicate_extension');
const EV_TOO_MANY = appEventId('tls.too_many_values');

/** RFC 8446 §4.1.3: the random of a HelloRetryRequest, SHA-256("HelloRetryRequest"). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * One parsed ServerHello, preallocated and overwritten by every `parseServerHello` call. Offsets
 * point into `bytes`, the buffer given to the parser, and stay valid until that buffer is reused.
 */
export class ServerHello {
  bytes: Uint8Array = new Uint8Array(0);
  messageOffset = 0;
  messageLength = 0;
  legacyVersion = 0;
  /** The negotiated version: supported_versions' selected_version when present, else legacy_version. */
  version = 0;
  /** supported_versions (0x002b) selected_version, 0 when absent. */
  selectedVersion = 0;
  randomOffset = 0;
  sessionIdOffset = 0;
  sessionIdLength = 0;
  cipherSuite = 0;
  compressionMethod = 0;
  /** The random is RFC 8446's HelloRetryRequest marker. */
  helloRetryRequest = false;
  /** Extension types in wire order. */
  readonly extTypes = new Uint16Array(SH_MAX_EXTENSIONS);
  extCount = 0;
  /** Selected ALPN protocol: `bytes[alpnOffset .. alpnOffset + alpnLength)`, alpnPresent false when none. */
  alpnPresent = false;
  alpnOffset = 0;
  alpnLength = 0;
  /** Every extension was walked (see ClientHello.complete). */
  complete = false;
  /** App-layer event id when the parser returned APP_INVALID, else -1. */
  event = -1;

  reset(): void {
    this.messageOffset = 0;
    this.messageLength = 0;
    this.legacyVersion = 0;
    this.version = 0;
    this.selectedVersion = 0;
    this.randomOffset = 0;
    this.sessionIdOffset = 0;
    this.sessionIdLength = 0;
    this.cipherSuite = 0;
    this.compressionMethod = 0;
    this.helloRetryRequest = false;
    this.extCount = 0;
    this.alpnPresent = false;
    this.alpnOffset = 0;
    this.alpnLength = 0;
    this.complete = false;
    this.event = -1;
  }
}

function note(sh: ServerHello, ev: number): void {
  if (sh.event < 0) sh.event = ev;
}

function fail(sh: ServerHello, ev: number): AppStatus {
  sh.event = ev;
  return APP_INVALID;
}

/**
 * `bytes[offset]` is the handshake type byte (2); conventions as `parseClientHello`. Events:
 * tls.invalid_handshake_message, invalid_server_hello, invalid_alpn (the ALPN extension must name
 * exactly one protocol), duplicate_extension, too_many_values. Never throws, never allocates.
 */
export function parseServerHello(bytes: Uint8Array, offset: number, length: number, sh: ServerHello): AppStatus {
  sh.reset();
  sh.bytes = bytes;
  if (offset < 0) return fail(sh, EV_SERVER_HELLO);
  if (length > bytes.length - offset) length = bytes.length - offset;
  if (length < 1) return APP_NEED_MORE;
  if (bytes[offset] !== 2) return fail(sh, EV_HANDSHAKE_MESSAGE);
  if (length < 4) return APP_NEED_MORE;
  const bodyLen = (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
  if (4 + bodyLen > length) return APP_NEED_MORE;
  sh.messageOffset = offset;
  sh.messageLength = 4 + bodyLen;
  let p = offset + 4;
  const end = p + bodyLen;

  if (end - p < 2 + 32 + 1) return fail(sh, EV_SERVER_HELLO);
  sh.legacyVersion = (bytes[p] << 8) | bytes[p + 1];
  sh.version = sh.legacyVersion;
  sh.randomOffset = p + 2;
  let hrr = true;
  for (let i = 0; i < 32; i++) {
    if (bytes[p + 2 + i] !== HRR_RANDOM[i]) { hrr = false; break; }
  }
  sh.helloRetryRequest = hrr;
  p += 34;
  const sid = bytes[p++];
  if (sid > 32 || end - p < sid) return fail(sh, EV_SERVER_HELLO);
  sh.sessionIdOffset = p;
  sh.sessionIdLength = sid;
  p += sid;
  if (end - p < 3) return fail(sh, EV_SERVER_HELLO);
  sh.cipherSuite = (bytes[p] << 8) | bytes[p + 1];
  sh.compressionMethod = bytes[p + 2];
  p += 3;

  if (p < end) {
    if (end - p < 2) return fail(sh, EV_SERVER_HELLO);
    const el = (bytes[p] << 8) | bytes[p + 1];
    p += 2;
    if (el !== end - p) return fail(sh, EV_SERVER_HELLO);
    while (p < end) {
      if (end - p < 4) return fail(sh, EV_SERVER_HELLO);
      const type = (bytes[p] << 8) | bytes[p + 1];
      const len = (bytes[p + 2] << 8) | bytes[p + 3];
      p += 4;
      if (end - p < len) return fail(sh, EV_SERVER_HELLO);
      if (!isGrease(type)) {
        for (let i = 0; i < sh.extCount; i++) {
          if (sh.extTypes[i] === type) { note(sh, EV_DUPLICATE); break; }
        }
      }
      if (sh.extCount < SH_MAX_EXTENSIONS) sh.extTypes[sh.extCount++] = type;
      else note(sh, EV_TOO_MANY);
      if (type === EXT_SUPPORTED_VERSIONS && sh.selectedVersion === 0) {
        if (len !== 2) return fail(sh, EV_SERVER_HELLO);
        sh.selectedVersion = (bytes[p] << 8) | bytes[p + 1];
        sh.version = sh.selectedVersion;
      } else if (type === EXT_ALPN && !sh.alpnPresent) {
        // ProtocolNameList with exactly one non-empty name.
        const ll = len >= 2 ? (bytes[p] << 8) | bytes[p + 1] : -1;
        const nl = len >= 3 ? bytes[p + 2] : 0;
        if (ll !== len - 2 || nl === 0 || nl !== ll - 1) note(sh, EV_ALPN);
        else {
          sh.alpnPresent = true;
          sh.alpnOffset = p + 3;
          sh.alpnLength = nl;
        }
      }
      p += len;
    }
  }
  sh.complete = true;
  return sh.event < 0 ? APP_DONE : APP_INVALID;
}
