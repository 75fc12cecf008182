// Decode events: malformed or unsupported bytes, named as Suricata names them (`ipv4.trunc_pkt`).
// Ids are dense numbers so a decoder counts an event with one array increment.

/** Stable dotted names; the index of a name is its event id. Append only: ids are stable. */
export const EVENT_NAMES = [
  'decoder.too_many_layers',
  'ethernet.pkt_too_small',
  'vlan.header_too_small',
  'vlan.too_many_layers',
  'sll.pkt_too_small',
  'sll2.pkt_too_small',
  'null.pkt_too_small',
  'null.unsupported_type',
  'raw.invalid_ip_version',
  'ipv4.pkt_too_small',
  'ipv4.hlen_too_small',
  'ipv4.iplen_smaller_than_hlen',
  'ipv4.trunc_pkt',
  'ipv4.wrong_ip_version',
  'ipv4.opt_invalid_len',
  'ipv6.pkt_too_small',
  'ipv6.trunc_pkt',
  'ipv6.wrong_ip_version',
  'ipv6.trunc_exthdr',
  'ipv6.exthdr_too_many',
  'tcp.pkt_too_small',
  'tcp.hlen_too_small',
  'tcp.invalid_optlen',
  'udp.pkt_too_small',
  'udp.hlen_too_small',
  'udp.hlen_invalid',
  'icmpv4.pkt_too_small',
  'icmpv4.ipv4_trunc_pkt',
  'icmpv6.pkt_too_small',
  'icmpv6.ipv6_trunc_pkt',
  'gre.pkt_too_small',
  'gre.wrong_version',
  'gre.version0_hdr_too_big',
  'gre.version1_wrong_protocol',
  'erspan.header_too_small',
  'erspan.unsupported_version',
  'vxlan.pkt_too_small',
  'vxlan.invalid_flags',
  'geneve.pkt_too_small',
  'geneve.invalid_version',
  'geneve.opt_len_too_big',
  'geneve.unknown_payload_type',
  'ipip.wrong_ip_version',
  'pppoe.pkt_too_small',
  'cmd.pkt_too_small',
  'ipv6.opt_invalid_len',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

function id(name: EventName): number {
  return EVENT_NAMES.indexOf(name);
}

export const EV_TOO_MANY_LAYERS = id('decoder.too_many_layers');
export const EV_ETHERNET_PKT_TOO_SMALL = id('ethernet.pkt_too_small');
export const EV_VLAN_HEADER_TOO_SMALL = id('vlan.header_too_small');
export const EV_VLAN_TOO_MANY_LAYERS = id('vlan.too_many_layers');
export const EV_SLL_PKT_TOO_SMALL = id('sll.pkt_too_small');
export const EV_SLL2_PKT_TOO_SMALL = id('sll2.pkt_too_small');
export const EV_NULL_PKT_TOO_SMALL = id('null.pkt_too_small');
export const EV_NULL_UNSUPPORTED_TYPE = id('null.unsupported_type');
export const EV_RAW_INVALID_IP_VERSION = id('raw.invalid_ip_version');
export const EV_IPV4_PKT_TOO_SMALL = id('ipv4.pkt_too_small');
export const EV_IPV4_HLEN_TOO_SMALL = id('ipv4.hlen_too_small');
export const EV_IPV4_IPLEN_SMALLER_THAN_HLEN = id('ipv4.iplen_smaller_than_hlen');
export const EV_IPV4_TRUNC_PKT = id('ipv4.trunc_pkt');
export const EV_IPV4_WRONG_IP_VERSION = id('ipv4.wrong_ip_version');
export const EV_IPV4_OPT_INVALID_LEN = id('ipv4.opt_invalid_len');
export const EV_IPV6_PKT_TOO_SMALL = id('ipv6.pkt_too_small');
export const EV_IPV6_TRUNC_PKT = id('ipv6.trunc_pkt');
export const EV_IPV6_WRONG_IP_VERSION = id('ipv6.wrong_ip_version');
export const EV_IPV6_TRUNC_EXTHDR = id('ipv6.trunc_exthdr');
export const EV_IPV6_EXTHDR_TOO_MANY = id('ipv6.exthdr_too_many');
export const EV_TCP_PKT_TOO_SMALL = id('tcp.pkt_too_small');
export const EV_TCP_HLEN_TOO_SMALL = id('tcp.hlen_too_small');
export const EV_TCP_INVALID_OPTLEN = id('tcp.invalid_optlen');
export const EV_UDP_PKT_TOO_SMALL = id('udp.pkt_too_small');
export const EV_UDP_HLEN_TOO_SMALL = id('udp.hlen_too_small');
export const EV_UDP_HLEN_INVALID = id('udp.hlen_invalid');
export const EV_ICMPV4_PKT_TOO_SMALL = id('icmpv4.pkt_too_small');
export const EV_ICMPV4_IPV4_TRUNC_PKT = id('icmpv4.ipv4_trunc_pkt');
export const EV_ICMPV6_PKT_TOO_SMALL = id('icmpv6.pkt_too_small');
export const EV_ICMPV6_IPV6_TRUNC_PKT = id('icmpv6.ipv6_trunc_pkt');
export const EV_GRE_PKT_TOO_SMALL = id('gre.pkt_too_small');
export const EV_GRE_WRONG_VERSION = id('gre.wrong_version');
export const EV_GRE_VERSION0_HDR_TOO_BIG = id('gre.version0_hdr_too_big');
export const EV_GRE_VERSION1_WRONG_PROTOCOL = id('gre.version1_wrong_protocol');
export const EV_ERSPAN_HEADER_TOO_SMALL = id('erspan.header_too_small');
export const EV_ERSPAN_UNSUPPORTED_VERSION = id('erspan.unsupported_version');
export const EV_VXLAN_PKT_TOO_SMALL = id('vxlan.pkt_too_small');
export const EV_VXLAN_INVALID_FLAGS = id('vxlan.invalid_flags');
export const EV_GENEVE_PKT_TOO_SMALL = id('geneve.pkt_too_small');
export const EV_GENEVE_INVALID_VERSION = id('geneve.invalid_version');
export const EV_GENEVE_OPT_LEN_TOO_BIG = id('geneve.opt_len_too_big');
export const EV_GENEVE_UNKNOWN_PAYLOAD_TYPE = id('geneve.unknown_payload_type');
export const EV_IPIP_WRONG_IP_VERSION = id('ipip.wrong_ip_version');
export const EV_PPPOE_PKT_TOO_SMALL = id('pppoe.pkt_too_small');
export const EV_CMD_PKT_TOO_SMALL = id('cmd.pkt_too_small');
export const EV_IPV6_OPT_INVALID_LEN = id('ipv6.opt_invalid_len');

export const EVENT_COUNT = EVENT_NAMES.length;
