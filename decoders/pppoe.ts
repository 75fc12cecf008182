// PPPoE session stage (RFC 2516 §4): 6-byte header, then a PPP frame carrying IPv4 or IPv6.

import { C_PPPOE } from './counters.js';
import { EV_PPPOE_PKT_TOO_SMALL } from './events.js';
import type { Packet, Status } from './packet.js';
import { decodePpp } from './ppp.js';

export const PPPOE_HEADER_LEN = 6;

/** ver/type(1) code(1) session id(2) length(2); `length` bounds the PPP payload. */
export function decodePppoeSession(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < PPPOE_HEADER_LEN + 2) return pkt.short(EV_PPPOE_PKT_TOO_SMALL);
  pkt.counters[C_PPPOE]++;
  const plen = (bytes[offset + 4] << 8) | bytes[offset + 5];
  const n = Math.min(plen, length - PPPOE_HEADER_LEN);
  return decodePpp(bytes, offset + PPPOE_HEADER_LEN, n, pkt);
}
