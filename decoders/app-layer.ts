// Application-layer parse results and events (TLS, QUIC, DNS, HTTP): the contract between the
// stream/datagram stages in engine/ and the parsers in decoders/. Events are counted per thread and
// reported under `stats.app_layer.event.<proto>.<name>`, as Suricata's app-layer events.

/** A complete message was parsed into the output record. */
export const APP_DONE = 0;
/** The bytes so far are a valid prefix: call again when more in-order bytes arrive. */
export const APP_NEED_MORE = 1;
/** These bytes are not this protocol (e.g. not a TLS record): stop trying it on this flow direction. */
export const APP_NOT_THIS = 2;
/** The protocol was recognised but the message is malformed: `event` of the output record says why. */
export const APP_INVALID = 3;
export type AppStatus = number;

/**
 * Stable dotted names; the index of a name is its event id. Append only (a parser's author may add
 * names at the end of its own protocol's block with a single edit).
 */
export const APP_EVENT_NAMES = [
  // TLS (decoders/tls-*.ts)
  'tls.invalid_record_type',
  'tls.invalid_record_version',
  'tls.invalid_record_length',
  'tls.invalid_handshake_message',
  'tls.invalid_client_hello',
  'tls.invalid_server_hello',
  'tls.handshake_too_large',
  'tls.invalid_sni',
  'tls.invalid_alpn',
  'tls.duplicate_extension',
  'tls.too_many_values',
  // QUIC (decoders/quic-*.ts, engine/reassembly/quic-crypto.ts)
  'quic.invalid_header',
  'quic.unsupported_version',
  'quic.decrypt_failed',
  'quic.invalid_frame',
  'quic.crypto_overlap_conflict',
  'quic.crypto_too_large',
  'quic.crypto_too_fragmented',
  // DNS (decoders/dns.ts)
  'dns.malformed',
  'dns.name_too_long',
  'dns.compression_loop',
  'dns.too_many_records',
  // HTTP (decoders/http1-request.ts)
  'http.invalid_request_line',
  'http.header_too_long',
  'http.invalid_header',
] as const;

export type AppEventName = (typeof APP_EVENT_NAMES)[number];

/** Event id of a name (use at module load, never per packet). */
export function appEventId(name: AppEventName): number {
  return APP_EVENT_NAMES.indexOf(name);
}

export const APP_EVENT_COUNT = APP_EVENT_NAMES.length;
