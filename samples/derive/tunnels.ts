// The whole session inside an overlay, node to node (192.168.49.2 on the client side, .3 on the server
// side): Flannel's VXLAN on UDP 8472 (RFC 7348, VNI 1, inner MACs of the flannel.1 devices) and
// Geneve on UDP 6081 (RFC 8926, VNI 5, one OVN-style option).
// Usage: node --import tsx samples/derive/tunnels.ts [--out DIR]

import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';

function tunnelCases(source: SourceKey): DerivedCase[] {
  return [
    {
      file: `${source}-vxlan8472.pcap`, source, what: 'every frame in Flannel VXLAN (UDP 8472, VNI 1), outer 192.168.49.2 <-> 192.168.49.3',
      derive: (s) => ({ session: s, tunnel: 'vxlan' }), tunnel: 'vxlan',
    },
    {
      file: `${source}-geneve.pcap`, source, what: 'every frame in Geneve (UDP 6081, VNI 5, one option), outer 192.168.49.2 <-> 192.168.49.3',
      derive: (s) => ({ session: s, tunnel: 'geneve' }), tunnel: 'geneve',
    },
  ];
}

export const TUNNEL_CASES: DerivedCase[] = [...tunnelCases('curl'), ...tunnelCases('chrome')];

runScript(import.meta.url, TUNNEL_CASES);
