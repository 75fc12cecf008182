// GRE: version 0 (RFC 2784, keys and sequence numbers RFC 2890, RFC 1701 source routes) and
// version 1 (enhanced GRE of PPTP, RFC 2637 §4.1). ERSPAN payloads go to erspan.ts.

import { C_GRE } from './counters.js';
import {
  EV_GRE_PKT_TOO_SMALL, EV_GRE_VERSION0_HDR_TOO_BIG, EV_GRE_VERSION1_WRONG_PROTOCOL,
  EV_GRE_WRONG_VERSION, EV_TOO_MANY_LAYERS,
} from './events.js';
import { decodeErspan, ERSPAN_TYPE_I, ERSPAN_TYPE_II, ERSPAN_TYPE_III } from './erspan.js';
import { decodeEthernet } from './ethernet.js';
import { decodeEtherType, ETHERTYPE_CISCO_METADATA, ETHERTYPE_TEB } from './ethertype.js';
import { decodeCiscoMetadata } from './cisco-metadata.js';
import { TUN_GRE, type Packet, type Status } from './packet.js';
import { decodePpp } from './ppp.js';

export const GRE_HEADER_LEN = 4;
const GRE_CHECKSUM = 0x80;
const GRE_ROUTING = 0x40;
const GRE_KEY = 0x20;
const GRE_SEQ = 0x10;
const GRE1_ACK = 0x80;
const GRE_PROTO_PPP = 0x880b;
const GRE_PROTO_ERSPAN_II = 0x88be;
const GRE_PROTO_ERSPAN_III = 0x22eb;

export function decodeGre(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < GRE_HEADER_LEN) return pkt.short(EV_GRE_PKT_TOO_SMALL);
  const flags = bytes[offset];
  const version = bytes[offset + 1] & 0x07;
  const proto = (bytes[offset + 2] << 8) | bytes[offset + 3];
  let hlen = GRE_HEADER_LEN;
  let key = -1;

  if (version === 0) {
    if (flags & (GRE_CHECKSUM | GRE_ROUTING)) hlen += 4;
    if (flags & GRE_KEY) {
      if (length < hlen + 4) return pkt.short(EV_GRE_PKT_TOO_SMALL);
      key = ((bytes[offset + hlen] << 24) | (bytes[offset + hlen + 1] << 16) | (bytes[offset + hlen + 2] << 8) | bytes[offset + hlen + 3]) >>> 0;
      hlen += 4;
    }
    if (flags & GRE_SEQ) hlen += 4;
    if (flags & GRE_ROUTING) {
      // Source route entries: address family(2) offset(1) length(1) data, ended by af 0 / length 0.
      for (;;) {
        if (length < hlen + 4) return pkt.short(EV_GRE_VERSION0_HDR_TOO_BIG);
        const af = (bytes[offset + hlen] << 8) | bytes[offset + hlen + 1];
        const sreLen = bytes[offset + hlen + 3];
        hlen += 4 + sreLen;
        if (af === 0 && sreLen === 0) break;
      }
    }
    if (length < hlen) return pkt.short(EV_GRE_VERSION0_HDR_TOO_BIG);
  } else if (version === 1) {
    if (proto !== GRE_PROTO_PPP) return pkt.invalid(EV_GRE_VERSION1_WRONG_PROTOCOL);
    hlen = 8; // payload length(2) + call id(2) in place of the key
    if (flags & GRE_SEQ) hlen += 4;
    if (bytes[offset + 1] & GRE1_ACK) hlen += 4;
    if (length < hlen) return pkt.short(EV_GRE_PKT_TOO_SMALL);
    key = (bytes[offset + 6] << 8) | bytes[offset + 7]; // PPTP call id
  } else {
    return pkt.invalid(EV_GRE_WRONG_VERSION);
  }

  pkt.counters[C_GRE]++;
  const p = offset + hlen;
  const n = length - hlen;
  switch (proto) {
    case GRE_PROTO_ERSPAN_II:
      // Type I has no sequence number and no ERSPAN header (Wireshark, Suricata agree).
      return decodeErspan(flags & GRE_SEQ ? ERSPAN_TYPE_II : ERSPAN_TYPE_I, bytes, p, n, pkt);
    case GRE_PROTO_ERSPAN_III:
      return decodeErspan(ERSPAN_TYPE_III, bytes, p, n, pkt);
  }
  if (!pkt.enterTunnel(TUN_GRE, key)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  if (version === 1) return decodePpp(bytes, p, n, pkt);
  if (proto === ETHERTYPE_TEB) return decodeEthernet(bytes, p, n, pkt);
  if (proto === ETHERTYPE_CISCO_METADATA) return decodeCiscoMetadata(bytes, p, n, pkt, true);
  return decodeEtherType(proto, bytes, p, n, pkt);
}
