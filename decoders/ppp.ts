// PPP in enhanced GRE (RFC 1661 §2; address/control may be elided, RFC 1662 §3.2; protocol field
// compression RFC 1661 §6.5). Only IPv4 (0x0021) and IPv6 (0x0057) payloads are decoded.

import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { S_OK, S_TRUNCATED, S_UNSUPPORTED, type Packet, type Status } from './packet.js';

export function decodePpp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  let p = offset;
  const end = offset + length;
  if (p + 2 <= end && bytes[p] === 0xff && bytes[p + 1] === 0x03) p += 2;
  else if (p + 1 === end && bytes[p] === 0xff) return headerCut(pkt); // address without control
  if (p >= end) return headerCut(pkt); // GRE acknowledgement without payload
  let proto = bytes[p];
  if (proto & 1) p += 1; // compressed one-byte protocol field
  else {
    if (p + 2 > end) return headerCut(pkt);
    proto = (proto << 8) | bytes[p + 1];
    p += 2;
  }
  if (proto === 0x21) return decodeIpv4(bytes, p, end - p, pkt);
  if (proto === 0x57) return decodeIpv6(bytes, p, end - p, pkt);
  return S_UNSUPPORTED;
}

/** The PPP header ends early: truncation when the snap length cut the frame, else nothing to decode. */
function headerCut(pkt: Packet): Status {
  if (pkt.capLen < pkt.origLen) {
    pkt.markTruncated();
    return S_TRUNCATED;
  }
  return S_OK;
}
