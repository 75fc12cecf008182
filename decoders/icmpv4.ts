// ICMP for IPv4 (RFC 792): type, code; error messages quote the offending IP header.

import { C_ICMPV4 } from './counters.js';
import { EV_ICMPV4_IPV4_TRUNC_PKT, EV_ICMPV4_PKT_TOO_SMALL } from './events.js';
import { decodeQuotedIp } from './icmp-quoted.js';
import { S_OK, type Packet, type Status } from './packet.js';

export const ICMPV4_HEADER_LEN = 8;

export function decodeIcmpv4(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < ICMPV4_HEADER_LEN) return pkt.short(EV_ICMPV4_PKT_TOO_SMALL);
  pkt.counters[C_ICMPV4]++;
  const type = bytes[offset];
  pkt.icmpType = type;
  pkt.icmpCode = bytes[offset + 1];
  pkt.l4Offset = offset;
  pkt.l4Length = length;
  pkt.payloadOffset = offset + ICMPV4_HEADER_LEN;
  pkt.payloadLength = length - ICMPV4_HEADER_LEN;
  // Destination unreachable, source quench, redirect, time exceeded, parameter problem.
  if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
    if (!decodeQuotedIp(bytes, offset + ICMPV4_HEADER_LEN, length - ICMPV4_HEADER_LEN, pkt)) {
      pkt.invalid(EV_ICMPV4_IPV4_TRUNC_PKT);
    }
  }
  return S_OK;
}
