// EVE `flow` records (Suricata's flow log): written when a flow ends (timeout, eviction, end of
// input), with packets and bytes each way, start/end, state, end reason, app_proto, TCP flags.

import { communityId } from '../flow/community-id.js';
import { END_REASONS, STATE_NAMES, TO_CLIENT, TO_SERVER, type FlowTable } from '../flow/flow-table.js';
import { eveTimestamp, protoName } from './eve-common.js';
import { formatIp } from './ip-format.js';

function usToTimestamp(us: number): string {
  const sec = Math.floor(us / 1e6);
  return eveTimestamp(sec, (us - sec * 1e6) * 1000);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Community ID of a flow slot, computed once and cached in the table. */
export function flowCommunityId(t: FlowTable, slot: number): string {
  const cached = t.communityIds[slot];
  if (cached !== null) return cached;
  const k = t.keyBytes(slot);
  const pa = (k[40] << 8) | k[41];
  const pb = (k[42] << 8) | k[43];
  const id = communityId(k[0], k, 8, k, 24, k[1], pa, pb);
  t.communityIds[slot] = id;
  return id;
}

/** The client and server endpoints of a flow slot, as text, plus its community id. */
export function flowEndpoints(t: FlowTable, slot: number): { src: string; sport: number; dst: string; dport: number; communityId: string } {
  const k = t.keyBytes(slot);
  const v = k[0];
  const pa = (k[40] << 8) | k[41];
  const pb = (k[42] << 8) | k[43];
  const aIsClient = t.clientIsA(slot);
  const a = formatIp(k, 8, v);
  const b = formatIp(k, 24, v);
  return {
    src: aIsClient ? a : b,
    sport: aIsClient ? pa : pb,
    dst: aIsClient ? b : a,
    dport: aIsClient ? pb : pa,
    communityId: flowCommunityId(t, slot),
  };
}

/** `extra`: further members appended to the record (`,"tls":{...}`), or ''. */
export function eveFlowRecord(t: FlowTable, slot: number, reason: number, appProto: string, extra = ''): string {
  const k = t.keyBytes(slot);
  const e = flowEndpoints(t, slot);
  const proto = k[1];
  const ports = proto === 6 || proto === 17;
  const vlan = (k[2] << 8) | k[3];
  let s = `{"timestamp":"${usToTimestamp(t.lastUs(slot))}","flow_id":${t.flowId(slot)},"event_type":"flow",`;
  if (vlan !== 0) s += `"vlan":[${vlan}],`;
  s += `"src_ip":"${e.src}",`;
  if (ports) s += `"src_port":${e.sport},`;
  s += `"dest_ip":"${e.dst}",`;
  if (ports) s += `"dest_port":${e.dport},`;
  s += `"proto":"${protoName(proto)}","ip_v":${k[0]},"community_id":"${e.communityId}",`;
  if (appProto !== '') s += `"app_proto":"${appProto}",`;
  s += `"flow":{"pkts_toserver":${t.pkts(slot, TO_SERVER)},"pkts_toclient":${t.pkts(slot, TO_CLIENT)},` +
    `"bytes_toserver":${t.bytes(slot, TO_SERVER)},"bytes_toclient":${t.bytes(slot, TO_CLIENT)},` +
    `"start":"${usToTimestamp(t.firstUs(slot))}","end":"${usToTimestamp(t.lastUs(slot))}",` +
    `"age":${Math.round((t.lastUs(slot) - t.firstUs(slot)) / 1e6)},"state":"${STATE_NAMES[t.state(slot)]}",` +
    `"reason":"${END_REASONS[reason]}","alerted":${t.alerted[slot] === 1}}`;
  if (proto === 6) {
    const fc = t.tcpFlags(slot, TO_SERVER);
    const fs = t.tcpFlags(slot, TO_CLIENT);
    const f = fc | fs;
    s += `,"tcp":{"tcp_flags":"${hex2(f)}","tcp_flags_ts":"${hex2(fc)}","tcp_flags_tc":"${hex2(fs)}"`;
    if (f & 0x02) s += ',"syn":true';
    if (f & 0x01) s += ',"fin":true';
    if (f & 0x04) s += ',"rst":true';
    if (f & 0x08) s += ',"psh":true';
    if (f & 0x10) s += ',"ack":true';
    if (t.midstream[slot] === 1) s += ',"midstream":true';
    s += `,"state":"${STATE_NAMES[t.state(slot)]}"}`;
  }
  return s + extra + '}';
}
