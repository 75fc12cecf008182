// One-line alert summaries for a terminal: time, category, signature, 5-tuple, interface.

import type { Packet } from '../../decoders/packet.js';
import type { AlertRule } from '../../rules/alert-rule.js';
import { eveTimestamp, protoName, type RecordOrigin } from './eve-common.js';
import { formatIp } from './ip-format.js';

function endpoint(pkt: Packet, addr: number, port: number): string {
  const ip = formatIp(pkt.bytes, addr, pkt.ipVersion);
  const withPort = pkt.ipProto === 6 || pkt.ipProto === 17;
  if (!withPort) return ip;
  return pkt.ipVersion === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function alertTextLine(o: RecordOrigin, pkt: Packet, rule: AlertRule): string {
  const ts = eveTimestamp(o.tsSec, o.tsNsec).replace('T', ' ').slice(0, 26);
  const tuple = pkt.ipVersion === 0 ? '-' :
    `${protoName(pkt.ipProto)} ${endpoint(pkt, pkt.srcAddrOffset, pkt.srcPort)} -> ${endpoint(pkt, pkt.dstAddrOffset, pkt.dstPort)}`;
  const iface = o.iface !== '' ? `  on ${o.iface}` : '';
  const tun = pkt.tunnelDepth > 0 ? `  (in tunnel)` : '';
  return `${ts}  [${rule.category}] sev ${rule.severity}  ${rule.signature}  [${rule.gid}:${rule.sid}:${rule.rev}]  ${tuple}${iface}${tun}  #${o.pcapCnt}`;
}
