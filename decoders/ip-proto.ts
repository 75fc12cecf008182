// IP protocol-number dispatch (IANA registry), shared by IPv4 and IPv6; IP-in-IP (RFC 2003, RFC 4213) lives here.

import { C_IPV4_IN_IPV4, C_IPV4_IN_IPV6, C_IPV6_IN_IPV4, C_IPV6_IN_IPV6, C_OTHER_IP_PROTO } from './counters.js';
import { EV_IPIP_WRONG_IP_VERSION, EV_TOO_MANY_LAYERS } from './events.js';
import { decodeGre } from './gre.js';
import { decodeIcmpv4 } from './icmpv4.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import {
  S_OK, TUN_IPV4_IN_IPV4, TUN_IPV4_IN_IPV6, TUN_IPV6_IN_IPV4, TUN_IPV6_IN_IPV6,
  type Packet, type Status,
} from './packet.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_GRE = 47;
export const IPPROTO_ICMPV6 = 58;

/** Decode the transport (or encapsulated) header that an IP header with protocol `proto` carries. */
export function decodeIpProto(proto: number, bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  switch (proto) {
    case IPPROTO_TCP:
      return decodeTcp(bytes, offset, length, pkt);
    case IPPROTO_UDP:
      return decodeUdp(bytes, offset, length, pkt);
    case IPPROTO_ICMP:
      return decodeIcmpv4(bytes, offset, length, pkt);
    case IPPROTO_ICMPV6:
      return decodeIcmpv6(bytes, offset, length, pkt);
    case IPPROTO_GRE:
      // A fragment holds part of the inner packet: decapsulate after reassembly (as udp.ts does).
      if (pkt.isFragment) return S_OK;
      return decodeGre(bytes, offset, length, pkt);
    case IPPROTO_IPIP:
    case IPPROTO_IPV6:
      if (pkt.isFragment) return S_OK;
      return decodeIpInIp(proto, bytes, offset, length, pkt);
    default:
      pkt.counters[C_OTHER_IP_PROTO]++;
      return S_OK;
  }
}

/** 4in4, 6in4, 4in6, 6in6: the inner header's version must match the outer protocol number. */
function decodeIpInIp(proto: number, bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  const inner = proto === IPPROTO_IPIP ? 4 : 6;
  if (length > 0 && bytes[offset] >> 4 !== inner) return pkt.invalid(EV_IPIP_WRONG_IP_VERSION);
  const outer4 = pkt.ipVersion === 4;
  const type = outer4 ? (inner === 4 ? TUN_IPV4_IN_IPV4 : TUN_IPV6_IN_IPV4) : inner === 4 ? TUN_IPV4_IN_IPV6 : TUN_IPV6_IN_IPV6;
  if (!pkt.enterTunnel(type, -1)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  pkt.counters[outer4 ? (inner === 4 ? C_IPV4_IN_IPV4 : C_IPV6_IN_IPV4) : inner === 4 ? C_IPV4_IN_IPV6 : C_IPV6_IN_IPV6]++;
  return inner === 4 ? decodeIpv4(bytes, offset, length, pkt) : decodeIpv6(bytes, offset, length, pkt);
}
