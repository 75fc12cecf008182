// Raw IP link types (LINKTYPE_RAW 101, DLT_RAW 12/14, LINKTYPE_IPV4 228, LINKTYPE_IPV6 229): no link header.

import { C_RAW } from './counters.js';
import { EV_RAW_INVALID_IP_VERSION } from './events.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import type { Packet, Status } from './packet.js';

/** The IP version comes from the first nibble. */
export function decodeRawIp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  pkt.counters[C_RAW]++;
  if (length < 1) return pkt.short(EV_RAW_INVALID_IP_VERSION);
  const v = bytes[offset] >> 4;
  if (v === 4) return decodeIpv4(bytes, offset, length, pkt);
  if (v === 6) return decodeIpv6(bytes, offset, length, pkt);
  return pkt.invalid(EV_RAW_INVALID_IP_VERSION);
}
