// ERSPAN (draft-foschiano-erspan-03): type I (no header), type II (8 bytes), type III (12 bytes
// plus an optional 8-byte platform sub-header); the payload is the mirrored Ethernet frame.

import { C_ERSPAN } from './counters.js';
import { EV_ERSPAN_HEADER_TOO_SMALL, EV_ERSPAN_UNSUPPORTED_VERSION, EV_TOO_MANY_LAYERS } from './events.js';
import { decodeEthernet } from './ethernet.js';
import { TUN_ERSPAN, type Packet, type Status } from './packet.js';

export const ERSPAN_TYPE_I = 1;
export const ERSPAN_TYPE_II = 2;
export const ERSPAN_TYPE_III = 3;

/** `type` comes from the GRE header (protocol 0x88be with/without sequence, or 0x22eb). */
export function decodeErspan(type: number, bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  let hlen = 0;
  let session = -1;
  if (type !== ERSPAN_TYPE_I) {
    hlen = type === ERSPAN_TYPE_II ? 8 : 12;
    if (length < hlen) return pkt.short(EV_ERSPAN_HEADER_TOO_SMALL);
    const ver = bytes[offset] >> 4;
    if (ver !== type - 1) return pkt.invalid(EV_ERSPAN_UNSUPPORTED_VERSION); // version 1 = II, 2 = III
    session = ((bytes[offset + 2] & 0x03) << 8) | bytes[offset + 3];
    if (type === ERSPAN_TYPE_III && (bytes[offset + 11] & 0x01) !== 0) {
      hlen += 8;
      if (length < hlen) return pkt.short(EV_ERSPAN_HEADER_TOO_SMALL);
    }
  }
  if (!pkt.enterTunnel(TUN_ERSPAN, session)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  pkt.counters[C_ERSPAN]++;
  return decodeEthernet(bytes, offset + hlen, length - hlen, pkt);
}
