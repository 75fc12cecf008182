// VXLAN (RFC 7348 §5): 8-byte header with the I flag and a 24-bit VNI, then an Ethernet frame.

import { C_VXLAN } from './counters.js';
import { EV_TOO_MANY_LAYERS, EV_VXLAN_INVALID_FLAGS, EV_VXLAN_PKT_TOO_SMALL } from './events.js';
import { decodeEthernet } from './ethernet.js';
import { S_OK, TUN_VXLAN, type Packet, type Status } from './packet.js';

export const VXLAN_HEADER_LEN = 8;

/**
 * Called for UDP payloads on a configured VXLAN port. Without the I flag the datagram is not
 * VXLAN: the event is counted and the UDP header stays the innermost layer.
 */
export function decodeVxlan(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < VXLAN_HEADER_LEN) return pkt.short(EV_VXLAN_PKT_TOO_SMALL);
  if ((bytes[offset] & 0x08) === 0) {
    pkt.invalid(EV_VXLAN_INVALID_FLAGS);
    return S_OK;
  }
  const vni = (bytes[offset + 4] << 16) | (bytes[offset + 5] << 8) | bytes[offset + 6];
  if (!pkt.enterTunnel(TUN_VXLAN, vni)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  pkt.counters[C_VXLAN]++;
  return decodeEthernet(bytes, offset + VXLAN_HEADER_LEN, length - VXLAN_HEADER_LEN, pkt);
}
