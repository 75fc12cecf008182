// One direction of one conversation: the header template (optional VXLAN underlay, Ethernet, IP)
// every frame in that direction starts with, plus the precomputed checksum sums for it.
//
//   tunnelled:  | eth | IPv4 | UDP | VXLAN | eth | IPv4/IPv6 | L4 ...   (outer = node to node)
//   plain:      | eth | IPv4/IPv6 | L4 ...
//               0                         l3                 l4 = tpl.length

import { addrSum } from './checksum.js';
import { ETH_HLEN, ETHERTYPE_IPV4, ETHERTYPE_IPV6, writeEthernet } from './ethernet.js';
import { IPV4_HLEN, PROTO_UDP, writeIpv4Template } from './ipv4.js';
import { IPV6_HLEN, writeIpv6Template } from './ipv6.js';
import { UDP_HLEN, writeUdpHeader } from './udp.js';
import { VXLAN_HLEN, writeVxlan } from './vxlan.js';

/** Outer (underlay) addressing of a VXLAN-encapsulated direction: node to node. */
export interface Underlay {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  /** Outer UDP source port: Linux derives it from a hash of the inner flow. */
  sport: number;
  /** 8472 (Flannel, Linux default) or 4789 (IANA). */
  dport: number;
  vni: number;
}

export interface LegSpec {
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  /** 4 bytes for IPv4, 16 for IPv6. */
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  sport: number;
  dport: number;
  proto: number;
  ttl: number;
  /** IPv6 flow label (ignored for IPv4). */
  flowLabel: number;
  /** First IPv4 ID; incremented per frame. */
  ipId: number;
  underlay: Underlay | null;
}

export const TUNNEL_OVERHEAD = ETH_HLEN + IPV4_HLEN + UDP_HLEN + VXLAN_HLEN;
/** Offset of the outer UDP header inside a tunnelled frame. */
export const OUTER_UDP = ETH_HLEN + IPV4_HLEN;

export class Leg {
  /** Bytes every frame of this direction starts with (L4 header excluded). Owned by the leg. */
  readonly tpl: Uint8Array;
  /** Offset of the (inner) IP header in the frame. */
  readonly l3: number;
  /** Offset of the L4 header in the frame (= tpl.length). */
  readonly l4: number;
  readonly v6: boolean;
  readonly sport: number;
  readonly dport: number;
  /** Unfolded pseudo-header sum without the length: addresses + protocol. */
  readonly pseudo: number;
  /** Unfolded sum of the inner IPv4 template (length, ID, checksum zero); 0 for IPv6. */
  readonly ipBase: number;
  readonly tunnelled: boolean;
  readonly outerBase: number;
  readonly outerPseudo: number;
  ipId: number;
  outerId: number;
  /** SYN options this side announces. */
  mss = 1460;
  wscale = 7;

  constructor(s: LegSpec, outerId = 0) {
    this.v6 = s.srcIp.length === 16;
    this.sport = s.sport;
    this.dport = s.dport;
    this.tunnelled = s.underlay !== null;
    this.l3 = (this.tunnelled ? TUNNEL_OVERHEAD : 0) + ETH_HLEN;
    this.l4 = this.l3 + (this.v6 ? IPV6_HLEN : IPV4_HLEN);
    const t = new Uint8Array(this.l4);
    this.tpl = t;
    this.ipId = s.ipId & 0xffff;
    this.outerId = outerId & 0xffff;
    const u = s.underlay;
    if (u !== null) {
      writeEthernet(t, 0, u.dstMac, u.srcMac, ETHERTYPE_IPV4);
      this.outerBase = writeIpv4Template(t, ETH_HLEN, u.srcIp, u.dstIp, PROTO_UDP, 64, false);
      writeUdpHeader(t, OUTER_UDP, u.sport, u.dport, 0);
      writeVxlan(t, OUTER_UDP + UDP_HLEN, u.vni);
      this.outerPseudo = addrSum(u.srcIp) + addrSum(u.dstIp) + PROTO_UDP;
    } else {
      this.outerBase = 0;
      this.outerPseudo = 0;
    }
    const e = this.l3 - ETH_HLEN;
    writeEthernet(t, e, s.dstMac, s.srcMac, this.v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    if (this.v6) {
      writeIpv6Template(t, this.l3, s.srcIp, s.dstIp, s.proto, s.ttl, s.flowLabel);
      this.ipBase = 0;
    } else {
      this.ipBase = writeIpv4Template(t, this.l3, s.srcIp, s.dstIp, s.proto, s.ttl, true);
    }
    this.pseudo = addrSum(s.srcIp) + addrSum(s.dstIp) + s.proto;
  }
}
