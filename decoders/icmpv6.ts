// ICMPv6 (RFC 4443): type, code; error messages (types 1-4) quote the offending IPv6 header.

import { C_ICMPV6 } from './counters.js';
import { EV_ICMPV6_IPV6_TRUNC_PKT, EV_ICMPV6_PKT_TOO_SMALL } from './events.js';
import { decodeQuotedIp } from './icmp-quoted.js';
import { S_OK, type Packet, type Status } from './packet.js';

export const ICMPV6_HEADER_LEN = 4;

export function decodeIcmpv6(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < ICMPV6_HEADER_LEN) return pkt.short(EV_ICMPV6_PKT_TOO_SMALL);
  pkt.counters[C_ICMPV6]++;
  const type = bytes[offset];
  pkt.icmpType = type;
  pkt.icmpCode = bytes[offset + 1];
  pkt.l4Offset = offset;
  pkt.l4Length = length;
  pkt.payloadOffset = offset + ICMPV6_HEADER_LEN;
  pkt.payloadLength = length - ICMPV6_HEADER_LEN;
  if (type >= 1 && type <= 4) {
    // 4 bytes of type-specific data (unused, MTU or pointer), then the invoking packet.
    if (!decodeQuotedIp(bytes, offset + 8, length - 8, pkt)) pkt.invalid(EV_ICMPV6_IPV6_TRUNC_PKT);
  }
  return S_OK;
}
