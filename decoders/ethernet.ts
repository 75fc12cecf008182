// Ethernet II (IEEE 802.3 with EtherType), 14-byte header; the payload goes to the EtherType dispatch.

import { C_ETHERNET } from './counters.js';
import { EV_ETHERNET_PKT_TOO_SMALL } from './events.js';
import { decodeEtherType } from './ethertype.js';
import type { Packet, Status } from './packet.js';

export const ETHERNET_HEADER_LEN = 14;

/** Decode an Ethernet frame at `offset`; `length` is the captured byte count from there. */
export function decodeEthernet(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < ETHERNET_HEADER_LEN) return pkt.short(EV_ETHERNET_PKT_TOO_SMALL);
  pkt.counters[C_ETHERNET]++;
  const type = (bytes[offset + 12] << 8) | bytes[offset + 13];
  return decodeEtherType(type, bytes, offset + ETHERNET_HEADER_LEN, length - ETHERNET_HEADER_LEN, pkt);
}
