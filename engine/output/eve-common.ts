// The common header of every EVE record (Suricata's eve.json layout): time, flow, interface, 5-tuple,
// VLAN and tunnel. Rendered by concatenation at the output edge; nothing here runs per packet
// unless a record is emitted.

import { TUNNEL_NAMES, type Packet } from '../../decoders/packet.js';
import { formatIp } from './ip-format.js';
import type { FlowTable } from '../flow/flow-table.js';
import { flowCommunityId } from './eve-flow.js';

const PROTO_NAMES: Record<number, string> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 51: 'AH',
  58: 'IPv6-ICMP', 59: 'IPv6-NoNxt', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 132: 'SCTP',
};

/** Protocol name as Suricata writes it ("TCP", "IPv6-ICMP"), else the number as text. */
export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? String(proto);
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

// The date-and-second part changes once a second of capture time: render it once per second.
let cachedSec = -1;
let cachedPrefix = '';

/** ISO 8601 with microseconds and offset, as Suricata: 2026-01-01T00:00:00.123456+0000 (UTC). */
export function eveTimestamp(sec: number, nsec: number): string {
  if (sec !== cachedSec) {
    const d = new Date(sec * 1000);
    cachedPrefix =
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
      `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.`;
    cachedSec = sec;
  }
  const us = Math.floor(nsec / 1000);
  return cachedPrefix + (us >= 100000 ? '' : us >= 10000 ? '0' : us >= 1000 ? '00' : us >= 100 ? '000' : us >= 10 ? '0000' : '00000') + us + '+0000';
}

/** Where a record's packet came from. */
export interface RecordOrigin {
  tsSec: number;
  tsNsec: number;
  /** 1-based frame number in the capture. */
  pcapCnt: number;
  /** Interface name, '' when the capture does not name it (then `in_iface` is left out). */
  iface: string;
  flowId: number;
  /** The flow table and slot of the packet's flow (for community_id), or null when untracked. */
  flows: FlowTable | null;
  slot: number;
}

/**
 * `{"timestamp":...,"flow_id":...,"pcap_cnt":...,"in_iface":...,"event_type":...,` and the packet's
 * tuple, VLAN and tunnel fields, ending with a comma so the caller appends its own object.
 */
export function eveHeader(eventType: string, o: RecordOrigin, pkt: Packet): string {
  let s = `{"timestamp":"${eveTimestamp(o.tsSec, o.tsNsec)}","flow_id":${o.flowId},"pcap_cnt":${o.pcapCnt},`;
  if (o.iface !== '') s += `"in_iface":${JSON.stringify(o.iface)},`;
  s += `"event_type":"${eventType}",`;
  if (pkt.vlanCount > 0) {
    s += '"vlan":[';
    for (let i = 0; i < pkt.vlanCount; i++) s += (i ? ',' : '') + pkt.vlan[i];
    s += '],';
  }
  if (pkt.ipVersion !== 0) {
    const b = pkt.bytes;
    const l4 = pkt.l4Offset !== 0 && (pkt.ipProto === 6 || pkt.ipProto === 17);
    s += `"src_ip":"${formatIp(b, pkt.srcAddrOffset, pkt.ipVersion)}",`;
    if (l4) s += `"src_port":${pkt.srcPort},`;
    s += `"dest_ip":"${formatIp(b, pkt.dstAddrOffset, pkt.ipVersion)}",`;
    if (l4) s += `"dest_port":${pkt.dstPort},`;
    s += `"proto":"${protoName(pkt.ipProto)}","ip_v":${pkt.ipVersion},`;
    if (o.flows !== null) s += `"community_id":"${flowCommunityId(o.flows, o.slot)}",`;
    if ((pkt.ipProto === 1 || pkt.ipProto === 58) && pkt.l4Offset !== 0) {
      s += `"icmp_type":${pkt.icmpType},"icmp_code":${pkt.icmpCode},`;
    }
  }
  if (pkt.tunnelDepth > 0) s += eveTunnel(pkt) + ',';
  return s;
}

/** `"tunnel":{...}`: the outermost tuple as seen on the wire, the encapsulation and depth. */
function eveTunnel(pkt: Packet): string {
  const b = pkt.bytes;
  let s = '"tunnel":{';
  if (pkt.outerIpVersion !== 0) {
    const ports = pkt.outerProto === 17 || pkt.outerProto === 6;
    s += `"src_ip":"${formatIp(b, pkt.outerSrcOffset, pkt.outerIpVersion)}",`;
    if (ports) s += `"src_port":${pkt.outerSrcPort},`;
    s += `"dest_ip":"${formatIp(b, pkt.outerDstOffset, pkt.outerIpVersion)}",`;
    if (ports) s += `"dest_port":${pkt.outerDstPort},`;
    s += `"proto":"${protoName(pkt.outerProto)}",`;
  }
  s += `"type":"${TUNNEL_NAMES[pkt.tunnelType]}",`;
  if (pkt.tunnelId >= 0) s += `"id":${pkt.tunnelId},`;
  s += `"depth":${pkt.tunnelDepth}}`;
  return s;
}

/**
 * `,"host":"<name>"}`: Suricata's sensor-name, which its JSON output appends last to every EVE
 * record. Replaces the closing brace of a finished record: `line.slice(0, -1) + suffix`.
 */
export function eveHostSuffix(name: string): string {
  return `,"host":${JSON.stringify(name)}}`;
}
