// BSD loopback (LINKTYPE_NULL, address family in the writer's byte order) and OpenBSD LINKTYPE_LOOP (big-endian).

import { C_NULL } from './counters.js';
import { EV_NULL_PKT_TOO_SMALL, EV_NULL_UNSUPPORTED_TYPE } from './events.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import type { Packet, Status } from './packet.js';

/**
 * 4-byte address family. For LINKTYPE_NULL the byte order is the capturing host's: a value with
 * its low 16 bits zero was written big-endian, so swap it. AF_INET is 2 everywhere; AF_INET6 is
 * 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly) or 30 (macOS).
 */
export function decodeNullLoopback(bytes: Uint8Array, offset: number, length: number, pkt: Packet, bigEndian: boolean): Status {
  if (length < 4) return pkt.short(EV_NULL_PKT_TOO_SMALL);
  pkt.counters[C_NULL]++;
  let af: number;
  if (bigEndian) af = ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
  else {
    af = (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    if ((af & 0xffff) === 0) af = af >>> 24 | ((af >>> 8) & 0xff00);
  }
  switch (af) {
    case 2:
      return decodeIpv4(bytes, offset + 4, length - 4, pkt);
    case 10: case 24: case 28: case 30:
      return decodeIpv6(bytes, offset + 4, length - 4, pkt);
    default:
      return pkt.invalid(EV_NULL_UNSUPPORTED_TYPE);
  }
}
