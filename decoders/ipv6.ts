// IPv6 (RFC 8200) with extension headers: hop-by-hop, routing, destination options, fragment,
// AH (RFC 4302) and mobility (RFC 6275); fragments are flagged for engine/reassembly.

import { C_IPV6, C_IPV6_FRAG } from './counters.js';
import {
  EV_IPV6_EXTHDR_TOO_MANY, EV_IPV6_OPT_INVALID_LEN, EV_IPV6_PKT_TOO_SMALL, EV_IPV6_TRUNC_EXTHDR, EV_IPV6_TRUNC_PKT,
  EV_IPV6_WRONG_IP_VERSION,
} from './events.js';
import { decodeIpProto } from './ip-proto.js';
import { S_INVALID, S_OK, type Packet, type Status } from './packet.js';

export const IPV6_HEADER_LEN = 40;
/** More extension headers than this in one packet is an event (RFC 8200 §4.1 order allows ~8). */
export const MAX_IPV6_EXT_HEADERS = 12;

const NH_HOPOPTS = 0;
const NH_ROUTING = 43;
const NH_FRAGMENT = 44;
const NH_AH = 51;
const NH_NONE = 59;
const NH_DSTOPTS = 60;
const NH_MOBILITY = 135;

export function decodeIpv6(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < IPV6_HEADER_LEN) return pkt.short(EV_IPV6_PKT_TOO_SMALL);
  if (bytes[offset] >> 4 !== 6) return pkt.invalid(EV_IPV6_WRONG_IP_VERSION);
  const plen = (bytes[offset + 4] << 8) | bytes[offset + 5];
  // Payload length 0 is a jumbogram (RFC 2675) or a segmentation-offload capture: take what was
  // captured. Not with next header 59: that is an empty packet (a Teredo bubble, say) plus padding.
  const claimed = plen === 0 && bytes[offset + 6] !== NH_NONE ? length : IPV6_HEADER_LEN + plen;
  const avail = pkt.clip(claimed, length, EV_IPV6_TRUNC_PKT);
  if (avail < 0) return S_INVALID;

  pkt.counters[C_IPV6]++;
  pkt.resetTransport();
  pkt.ipVersion = 6;
  pkt.l3Offset = offset;
  pkt.l3Length = avail;
  pkt.srcAddrOffset = offset + 8;
  pkt.dstAddrOffset = offset + 24;
  pkt.ttl = bytes[offset + 7];
  pkt.fragId = 0;
  pkt.fragOffset = 0;
  pkt.fragMore = false;
  pkt.isFragment = false;

  const end = offset + avail;
  let nh = bytes[offset + 6];
  let p = offset + IPV6_HEADER_LEN;
  for (let n = 0; ; n++) {
    let hlen: number;
    switch (nh) {
      case NH_HOPOPTS: case NH_ROUTING: case NH_DSTOPTS: case NH_MOBILITY:
        if (p + 2 > end) return pkt.short(EV_IPV6_TRUNC_EXTHDR);
        hlen = (bytes[p + 1] + 1) << 3;
        break;
      case NH_AH:
        if (p + 2 > end) return pkt.short(EV_IPV6_TRUNC_EXTHDR);
        hlen = (bytes[p + 1] + 2) << 2;
        break;
      case NH_FRAGMENT: {
        if (p + 8 > end) return pkt.short(EV_IPV6_TRUNC_EXTHDR);
        const fo = (bytes[p + 2] << 8) | bytes[p + 3];
        pkt.fragOffset = fo & 0xfff8;
        pkt.fragMore = (fo & 1) !== 0;
        pkt.fragId = ((bytes[p + 4] << 24) | (bytes[p + 5] << 16) | (bytes[p + 6] << 8) | bytes[p + 7]) >>> 0;
        // An atomic fragment (offset 0, no more fragments, RFC 6946) is a whole packet.
        pkt.isFragment = pkt.fragMore || pkt.fragOffset !== 0;
        if (pkt.isFragment) pkt.counters[C_IPV6_FRAG]++;
        if (pkt.fragOffset !== 0) {
          // A later fragment: what follows is the middle of the datagram, not headers.
          pkt.ipProto = bytes[p];
          return S_OK;
        }
        hlen = 8;
        break;
      }
      default:
        pkt.ipProto = nh;
        return decodeIpProto(nh, bytes, p, end - p, pkt);
    }
    if (n >= MAX_IPV6_EXT_HEADERS) return pkt.invalid(EV_IPV6_EXTHDR_TOO_MANY);
    if (p + hlen > end) return pkt.short(EV_IPV6_TRUNC_EXTHDR);
    if ((nh === NH_HOPOPTS || nh === NH_DSTOPTS) && !optionsFit(bytes, p + 2, p + hlen)) {
      return pkt.invalid(EV_IPV6_OPT_INVALID_LEN);
    }
    nh = bytes[p];
    p += hlen;
    if (nh === NH_NONE) {
      pkt.ipProto = NH_NONE;
      return S_OK;
    }
  }
}

/**
 * Hop-by-hop and destination options (RFC 8200 §4.2): Pad1, else type-length-value; an option
 * running past the end of its header is malformed (tshark agrees, it stops with an exception).
 */
function optionsFit(bytes: Uint8Array, p: number, end: number): boolean {
  while (p < end) {
    if (bytes[p] === 0) { p++; continue; }
    if (p + 2 > end) return false;
    // Home Address (RFC 6275 §6.3) is 16 bytes whatever its length byte says, as tshark reads it.
    p += 2 + (bytes[p] === 0xc9 ? 16 : bytes[p + 1]);
  }
  return p <= end;
}
