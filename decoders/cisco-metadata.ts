// Cisco MetaData (EtherType 0x8909, Cisco TrustSec inline tagging): version(1) length(1)
// option type(2) SGT(2), then the EtherType of the payload. Carried in GRE, the payload
// EtherType comes first (as Wireshark's packet-cisco-metadata.c reads it).

import { C_CMD } from './counters.js';
import { EV_CMD_PKT_TOO_SMALL } from './events.js';
import { decodeEtherType } from './ethertype.js';
import type { Packet, Status } from './packet.js';

export const CMD_HEADER_LEN = 8;

export function decodeCiscoMetadata(bytes: Uint8Array, offset: number, length: number, pkt: Packet, inGre: boolean): Status {
  if (length < CMD_HEADER_LEN) return pkt.short(EV_CMD_PKT_TOO_SMALL);
  pkt.counters[C_CMD]++;
  const t = inGre ? offset : offset + 6;
  const type = (bytes[t] << 8) | bytes[t + 1];
  return decodeEtherType(type, bytes, offset + CMD_HEADER_LEN, length - CMD_HEADER_LEN, pkt);
}
