// The built-in port rule (`--alert-ports 6443,2379-2380,10250`): alerts on connection attempts to
// listed ports, so alerts work end to end before a policy is loaded.

import { S_OK, type Packet } from '../../decoders/packet.js';
import { TCP_ACK, TCP_SYN } from '../../decoders/tcp.js';
import { KwireError } from '../../engine/errors.js';
import { makeAlertRule, type AlertRule } from '../alert-rule.js';

export const BUILTIN_PORT_SID_BASE = 9_100_000;

/** Control-plane ports: kube-apiserver, etcd, kubelet, controller-manager, scheduler. */
const CONTROL_PLANE = new Set([6443, 2379, 2380, 10250, 10255, 10257, 10259]);

/** Parse "6443,2379-2380,10250" into a port bitmap; a bad entry is a KWIRE_ERR_USAGE naming it. */
export function parsePortList(spec: string): Uint8Array {
  const set = new Uint8Array(65536);
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo > 65535 || hi > 65535 || lo > hi) {
      throw new KwireError('KWIRE_ERR_USAGE', `bad port or range "${part}" in --alert-ports "${spec}" (expected e.g. 6443,2379-2380)`);
    }
    set.fill(1, lo, hi + 1);
  }
  return set;
}

/**
 * Fires on a TCP SYN (without ACK) or any UDP datagram whose destination port is listed. One rule
 * per port, created on its first alert; sid = BUILTIN_PORT_SID_BASE + port.
 */
export class PortAlertRule {
  private readonly ports: Uint8Array;
  private readonly rules: (AlertRule | undefined)[] = [];

  constructor(ports: Uint8Array) {
    this.ports = ports;
  }

  /** The rule that fires on this decoded packet, or null. */
  match(pkt: Packet, status: number): AlertRule | null {
    if (status !== S_OK || pkt.ipVersion === 0) return null;
    const port = pkt.dstPort;
    if (this.ports[port] === 0) return null;
    const proto = pkt.ipProto;
    if (proto === 6) {
      if ((pkt.tcpFlags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) return null;
    } else if (proto !== 17 || pkt.l4Offset === 0) {
      return null;
    }
    return this.rules[port] ?? this.build(port);
  }

  private build(port: number): AlertRule {
    const cp = CONTROL_PLANE.has(port);
    const rule = makeAlertRule({
      gid: 1,
      sid: BUILTIN_PORT_SID_BASE + port,
      rev: 1,
      signature: `KWIRE built-in: connection to alert port ${port}`,
      category: cp ? 'control-plane-exposure' : 'disallowed-port',
      severity: cp ? 1 : 2,
      action: 'allowed',
    });
    this.rules[port] = rule;
    return rule;
  }
}
