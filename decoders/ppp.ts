// PPP in enhanced GRE (RFC 1661 §2; address/control may be elided, RFC 1662 §3.2; protocol field
// compression RFC 1661 §6.5). Only IPv4 (0x0021) and IPv6 (0x0057) payloads are decoded.

import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { S_OK, S_UNSUPPORTED, type Packet, type Status } from './packet.js';

export function decodePpp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  let p = offset;
  const end = offset + length;
  if (p + 2 <= end && bytes[p] === 0xff && bytes[p + 1] === 0x03) p += 2;
  if (p >= end) return S_OK; // GRE acknowledgement without payload
  let proto = bytes[p];
  if (proto & 1) p += 1; // compressed one-byte protocol field
  else {
    if (p + 2 > end) return S_OK;
    proto = (proto << 8) | bytes[p + 1];
    p += 2;
  }
  if (proto === 0x21) return decodeIpv4(bytes, p, end - p, pkt);
  if (proto === 0x57) return decodeIpv6(bytes, p, end - p, pkt);
  return S_UNSUPPORTED;
}
