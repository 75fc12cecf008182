// Decoder counters laid out as Suricata's `stats.decoder.*` (one Float64Array slot each, no overflow).

/** Counter names as they appear under `stats.decoder` in an EVE stats event. Append only. */
export const COUNTER_NAMES = [
  'pkts', 'bytes', 'invalid', 'truncated', 'undecoded',
  'ethernet', 'raw', 'null', 'sll', 'sll2',
  'vlan', 'vlan_qinq', 'vlan_qinqinq',
  'ipv4', 'ipv6', 'tcp', 'udp', 'icmpv4', 'icmpv6', 'other_ip_proto',
  'arp', 'unknown_ethertype',
  'gre', 'erspan', 'vxlan', 'geneve',
  'ipv4_in_ipv4', 'ipv6_in_ipv4', 'ipv4_in_ipv6', 'ipv6_in_ipv6',
  'ipv4_frag', 'ipv6_frag', 'max_pkt_size',
  'teredo', 'pppoe', 'cmd',
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
function id(name: CounterName): number {
  return COUNTER_NAMES.indexOf(name);
}

export const C_PKTS = id('pkts');
export const C_BYTES = id('bytes');
export const C_INVALID = id('invalid');
export const C_TRUNCATED = id('truncated');
export const C_UNDECODED = id('undecoded');
export const C_ETHERNET = id('ethernet');
export const C_RAW = id('raw');
export const C_NULL = id('null');
export const C_SLL = id('sll');
export const C_SLL2 = id('sll2');
export const C_VLAN = id('vlan');
export const C_VLAN_QINQ = id('vlan_qinq');
export const C_VLAN_QINQINQ = id('vlan_qinqinq');
export const C_IPV4 = id('ipv4');
export const C_IPV6 = id('ipv6');
export const C_TCP = id('tcp');
export const C_UDP = id('udp');
export const C_ICMPV4 = id('icmpv4');
export const C_ICMPV6 = id('icmpv6');
export const C_OTHER_IP_PROTO = id('other_ip_proto');
export const C_ARP = id('arp');
export const C_UNKNOWN_ETHERTYPE = id('unknown_ethertype');
export const C_GRE = id('gre');
export const C_ERSPAN = id('erspan');
export const C_VXLAN = id('vxlan');
export const C_GENEVE = id('geneve');
export const C_IPV4_IN_IPV4 = id('ipv4_in_ipv4');
export const C_IPV6_IN_IPV4 = id('ipv6_in_ipv4');
export const C_IPV4_IN_IPV6 = id('ipv4_in_ipv6');
export const C_IPV6_IN_IPV6 = id('ipv6_in_ipv6');
export const C_IPV4_FRAG = id('ipv4_frag');
export const C_IPV6_FRAG = id('ipv6_frag');
export const C_MAX_PKT_SIZE = id('max_pkt_size');
export const C_TEREDO = id('teredo');
export const C_PPPOE = id('pppoe');
export const C_CMD = id('cmd');

export const COUNTER_COUNT = COUNTER_NAMES.length;
