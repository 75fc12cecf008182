// The IP header quoted in ICMP/ICMPv6 error messages (RFC 792, RFC 4443 §2.4): decoded leniently,
// as far as the bytes go, into the packet's icmpQuoted* fields. Never recurses into tunnels.

import type { Packet } from './packet.js';

/**
 * Returns false when the quote is not an IP header, or when not even its addresses fit in an uncut
 * frame (the caller raises its trunc event). A quote cut by the snap length is not malformed: it
 * counts `decoder.truncated` and returns true.
 */
export function decodeQuotedIp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): boolean {
  if (length < 1) return cut(pkt);
  const v = bytes[offset] >> 4;
  let l4: number;
  if (v === 4) {
    if (length < 20) return cut(pkt);
    pkt.icmpQuotedIpVersion = 4;
    pkt.icmpQuotedSrcOffset = offset + 12;
    pkt.icmpQuotedDstOffset = offset + 16;
    pkt.icmpQuotedProto = bytes[offset + 9];
    l4 = (bytes[offset] & 0x0f) << 2;
    if (l4 < 20) return true;
  } else if (v === 6) {
    if (length < 40) return cut(pkt);
    pkt.icmpQuotedIpVersion = 6;
    pkt.icmpQuotedSrcOffset = offset + 8;
    pkt.icmpQuotedDstOffset = offset + 24;
    pkt.icmpQuotedProto = bytes[offset + 6];
    l4 = 40;
  } else {
    return false;
  }
  const proto = pkt.icmpQuotedProto;
  // TCP, UDP, SCTP, UDP-Lite: ports are the first four bytes (RFC 792 quotes at least 8 bytes).
  if ((proto === 6 || proto === 17 || proto === 132 || proto === 136) && length >= l4 + 4) {
    const p = offset + l4;
    pkt.icmpQuotedSrcPort = (bytes[p] << 8) | bytes[p + 1];
    pkt.icmpQuotedDstPort = (bytes[p + 2] << 8) | bytes[p + 3];
  }
  return true;
}

/** The quote ends before its addresses: fine (truncation) only when the snap length cut the frame. */
function cut(pkt: Packet): boolean {
  if (pkt.capLen < pkt.origLen) {
    pkt.markTruncated();
    return true;
  }
  return false;
}
