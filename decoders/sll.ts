// Linux cooked capture v1 (LINKTYPE_LINUX_SLL), 16-byte header; https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html

import { C_SLL } from './counters.js';
import { EV_SLL_PKT_TOO_SMALL } from './events.js';
import { decodeEtherType } from './ethertype.js';
import type { Packet, Status } from './packet.js';

export const SLL_HEADER_LEN = 16;

/** packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2): protocol is an EtherType. */
export function decodeSll(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < SLL_HEADER_LEN) return pkt.short(EV_SLL_PKT_TOO_SMALL);
  pkt.counters[C_SLL]++;
  const proto = (bytes[offset + 14] << 8) | bytes[offset + 15];
  return decodeEtherType(proto, bytes, offset + SLL_HEADER_LEN, length - SLL_HEADER_LEN, pkt);
}
