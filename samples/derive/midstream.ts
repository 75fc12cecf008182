// The session picked up midstream: no SYN, SYN-ACK or handshake ACK, the capture starts at the
// ClientHello (a sensor started, or a flow table evicted, after the connection opened).
// Usage: node --import tsx samples/derive/midstream.ts [--out DIR]

import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';
import type { Session } from './session.js';

export function dropBeforeHello(s: Session): Session {
  s.packets.splice(0, s.hello);
  s.hello = 0;
  return s;
}

function midstreamCases(source: SourceKey): DerivedCase[] {
  return [{
    file: `${source}-midstream.pcap`, source, what: 'the session from the ClientHello on (no SYN, SYN-ACK, ACK)',
    derive: (s) => ({ session: dropBeforeHello(s), tunnel: null }),
  }];
}

export const MIDSTREAM_CASES: DerivedCase[] = [...midstreamCases('curl'), ...midstreamCases('chrome')];

runScript(import.meta.url, MIDSTREAM_CASES);
