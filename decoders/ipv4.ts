// IPv4 (RFC 791), options validated (RFC 791 §3.1), fragments flagged (reassembly is engine/reassembly).

import { C_IPV4, C_IPV4_FRAG } from './counters.js';
import {
  EV_IPV4_HLEN_TOO_SMALL, EV_IPV4_IPLEN_SMALLER_THAN_HLEN, EV_IPV4_OPT_INVALID_LEN,
  EV_IPV4_PKT_TOO_SMALL, EV_IPV4_TRUNC_PKT, EV_IPV4_WRONG_IP_VERSION,
} from './events.js';
import { decodeIpProto } from './ip-proto.js';
import { S_INVALID, S_OK, type Packet, type Status } from './packet.js';

export const IPV4_HEADER_LEN = 20;

/**
 * Validate in Suricata's order (min length, version, header length, total length vs header,
 * total length vs captured), then fill the innermost-L3 fields and dispatch the payload.
 * Ethernet padding after the total length is ignored. A snap-length cut is decoded as far as
 * the bytes go (`decoder.truncated`); a total length beyond an uncut frame is `ipv4.trunc_pkt`.
 */
export function decodeIpv4(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < IPV4_HEADER_LEN) return pkt.short(EV_IPV4_PKT_TOO_SMALL);
  const b0 = bytes[offset];
  if (b0 >> 4 !== 4) return pkt.invalid(EV_IPV4_WRONG_IP_VERSION);
  const hlen = (b0 & 0x0f) << 2;
  if (hlen < IPV4_HEADER_LEN) return pkt.invalid(EV_IPV4_HLEN_TOO_SMALL);
  let total = (bytes[offset + 2] << 8) | bytes[offset + 3];
  // Total length 0 on a locally captured segmentation-offload (TSO) packet: take what was captured
  // (at least the header, so a header cut by the snap length is still truncation below).
  if (total === 0) total = length > hlen ? length : hlen;
  if (total < hlen) return pkt.invalid(EV_IPV4_IPLEN_SMALLER_THAN_HLEN);
  if (length < hlen) return pkt.short(EV_IPV4_PKT_TOO_SMALL);
  const avail = pkt.clip(total, length, EV_IPV4_TRUNC_PKT);
  if (avail < 0) return S_INVALID;

  pkt.counters[C_IPV4]++;
  pkt.resetTransport();
  pkt.ipVersion = 4;
  pkt.l3Offset = offset;
  pkt.l3Length = avail;
  pkt.srcAddrOffset = offset + 12;
  pkt.dstAddrOffset = offset + 16;
  pkt.ttl = bytes[offset + 8];
  const proto = bytes[offset + 9];
  pkt.ipProto = proto;
  pkt.fragId = (bytes[offset + 4] << 8) | bytes[offset + 5];
  const f = (bytes[offset + 6] << 8) | bytes[offset + 7];
  pkt.fragMore = (f & 0x2000) !== 0;
  pkt.fragOffset = (f & 0x1fff) << 3;
  pkt.isFragment = pkt.fragMore || pkt.fragOffset !== 0;

  if (hlen > IPV4_HEADER_LEN) checkOptions(bytes, offset + IPV4_HEADER_LEN, offset + hlen, pkt);
  if (pkt.isFragment) {
    pkt.counters[C_IPV4_FRAG]++;
    // Only the first fragment carries the transport header.
    if (pkt.fragOffset !== 0) return S_OK;
  }
  return decodeIpProto(proto, bytes, offset + hlen, avail - hlen, pkt);
}

/** Walk the options (EOL, NOP, then type-length-value); a bad length is an event, decoding goes on. */
function checkOptions(bytes: Uint8Array, p: number, end: number, pkt: Packet): void {
  while (p < end) {
    const type = bytes[p];
    if (type === 0) return; // end of option list
    if (type === 1) { p++; continue; } // no-op
    if (p + 1 >= end) { pkt.invalid(EV_IPV4_OPT_INVALID_LEN); return; }
    const len = bytes[p + 1];
    if (len < 2 || p + len > end) { pkt.invalid(EV_IPV4_OPT_INVALID_LEN); return; }
    p += len;
  }
}
