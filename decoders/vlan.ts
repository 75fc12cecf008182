// IEEE 802.1Q / 802.1ad VLAN tags (TPID 0x8100, 0x88a8, 0x9100), up to MAX_VLAN_TAGS stacked.

import { C_VLAN, C_VLAN_QINQ, C_VLAN_QINQINQ } from './counters.js';
import { EV_VLAN_HEADER_TOO_SMALL, EV_VLAN_TOO_MANY_LAYERS } from './events.js';
import { decodeEtherType } from './ethertype.js';
import { MAX_VLAN_TAGS, type Packet, type Status } from './packet.js';

/** Decode one 4-byte tag (TCI + inner EtherType) at `offset`, just after the TPID. */
export function decodeVlan(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < 4) return pkt.short(EV_VLAN_HEADER_TOO_SMALL);
  const n = pkt.vlanCount;
  if (n >= MAX_VLAN_TAGS) return pkt.invalid(EV_VLAN_TOO_MANY_LAYERS);
  pkt.vlan[n] = ((bytes[offset] & 0x0f) << 8) | bytes[offset + 1];
  pkt.vlanCount = n + 1;
  pkt.counters[n === 0 ? C_VLAN : n === 1 ? C_VLAN_QINQ : C_VLAN_QINQINQ]++;
  const type = (bytes[offset + 2] << 8) | bytes[offset + 3];
  return decodeEtherType(type, bytes, offset + 4, length - 4, pkt);
}
