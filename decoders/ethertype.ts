// EtherType dispatch (IEEE registry): shared by Ethernet, VLAN, SLL/SLL2, GRE and Geneve payloads.

import { C_ARP, C_UNKNOWN_ETHERTYPE } from './counters.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeVlan } from './vlan.js';
import { decodePppoeSession } from './pppoe.js';
import { decodeCiscoMetadata } from './cisco-metadata.js';
import { S_UNSUPPORTED, type Packet, type Status } from './packet.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_TEB = 0x6558; // transparent Ethernet bridging (GRE, Geneve)
export const ETHERTYPE_PPPOE_SESSION = 0x8864;
export const ETHERTYPE_CISCO_METADATA = 0x8909;

/** Decode the payload of a link-layer header whose EtherType is `type`. */
export function decodeEtherType(type: number, bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  pkt.etherType = type;
  switch (type) {
    case ETHERTYPE_IPV4:
      return decodeIpv4(bytes, offset, length, pkt);
    case ETHERTYPE_IPV6:
      return decodeIpv6(bytes, offset, length, pkt);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD:
      return decodeVlan(bytes, offset, length, pkt);
    case ETHERTYPE_PPPOE_SESSION:
      return decodePppoeSession(bytes, offset, length, pkt);
    case ETHERTYPE_CISCO_METADATA:
      return decodeCiscoMetadata(bytes, offset, length, pkt, false);
    case ETHERTYPE_ARP:
      pkt.counters[C_ARP]++;
      return S_UNSUPPORTED;
    default:
      pkt.counters[C_UNKNOWN_ETHERTYPE]++;
      return S_UNSUPPORTED;
  }
}
