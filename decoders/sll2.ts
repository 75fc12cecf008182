// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2), 20-byte header; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html

import { C_SLL2 } from './counters.js';
import { EV_SLL2_PKT_TOO_SMALL } from './events.js';
import { decodeEtherType } from './ethertype.js';
import type { Packet, Status } from './packet.js';

export const SLL2_HEADER_LEN = 20;

/** protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8). */
export function decodeSll2(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < SLL2_HEADER_LEN) return pkt.short(EV_SLL2_PKT_TOO_SMALL);
  pkt.counters[C_SLL2]++;
  const proto = (bytes[offset] << 8) | bytes[offset + 1];
  return decodeEtherType(proto, bytes, offset + SLL2_HEADER_LEN, length - SLL2_HEADER_LEN, pkt);
}
