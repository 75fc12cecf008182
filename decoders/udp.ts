// UDP header (RFC 768); tunnel ports (VXLAN, Geneve) from DecoderConfig decapsulate here.

import { C_UDP } from './counters.js';
import { EV_UDP_HLEN_INVALID, EV_UDP_HLEN_TOO_SMALL, EV_UDP_PKT_TOO_SMALL } from './events.js';
import { decodeGeneve } from './geneve.js';
import { decodeTeredo } from './teredo.js';
import { decodeVxlan } from './vxlan.js';
import { S_INVALID, S_OK, UDP_TUNNEL_GENEVE, UDP_TUNNEL_TEREDO, UDP_TUNNEL_VXLAN, type Packet, type Status } from './packet.js';

export const UDP_HEADER_LEN = 8;

export function decodeUdp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < UDP_HEADER_LEN) return pkt.short(EV_UDP_PKT_TOO_SMALL);
  const ulen = (bytes[offset + 4] << 8) | bytes[offset + 5];
  if (ulen < UDP_HEADER_LEN) return pkt.invalid(EV_UDP_HLEN_TOO_SMALL);
  // A first fragment: the datagram continues in later fragments.
  const end = pkt.isFragment ? length : pkt.clip(ulen, length, EV_UDP_HLEN_INVALID);
  if (end < 0) return S_INVALID;

  pkt.counters[C_UDP]++;
  pkt.l4Offset = offset;
  pkt.l4Length = end;
  const dport = (bytes[offset + 2] << 8) | bytes[offset + 3];
  pkt.srcPort = (bytes[offset] << 8) | bytes[offset + 1];
  pkt.dstPort = dport;
  pkt.payloadOffset = offset + UDP_HEADER_LEN;
  pkt.payloadLength = end - UDP_HEADER_LEN;
  if (pkt.isFragment) return S_OK;
  // Destination port first, then source port (Wireshark and Suricata accept either).
  const tunnels = pkt.config.udpTunnelByPort;
  const kind = tunnels[dport] !== 0 ? tunnels[dport] : tunnels[pkt.srcPort];
  switch (kind) {
    case UDP_TUNNEL_VXLAN:
      return decodeVxlan(bytes, offset + UDP_HEADER_LEN, end - UDP_HEADER_LEN, pkt);
    case UDP_TUNNEL_GENEVE:
      return decodeGeneve(bytes, offset + UDP_HEADER_LEN, end - UDP_HEADER_LEN, pkt);
    case UDP_TUNNEL_TEREDO:
      return decodeTeredo(bytes, offset + UDP_HEADER_LEN, end - UDP_HEADER_LEN, pkt);
    default:
      return S_OK;
  }
}
