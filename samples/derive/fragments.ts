// The ClientHello in IP fragments of 256 bytes: IPv4 (RFC 791 section 3.2) and, with the session
// rewritten to IPv6 addresses in 2001:db8::/32 (RFC 3849), IPv6 Fragment headers (RFC 8200 section 4.5).
// Usage: node --import tsx samples/derive/fragments.ts [--out DIR]

import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';
import { helloPacket } from './session.js';
import type { Session } from './session.js';

export const FRAGMENT_BYTES = 256;

/** 2001:db8::a.b.c.d for IPv4 a.b.c.d: the IPv4 address as the last 32 bits. */
export function ipv6For(ip4: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = 0x20;
  out[1] = 0x01;
  out[2] = 0x0d;
  out[3] = 0xb8;
  out.set(ip4, 12);
  return out;
}

/** RFC 5952 text of ipv6For(a.b.c.d): "2001:db8::" and the two low groups in hex. */
export function ipv6TextFor(ip4Text: string): string {
  const b = ip4Text.split('.').map(Number);
  return `2001:db8::${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
}

/** The whole session on IPv6: TTL becomes hop limit, TOS traffic class, ports and TCP unchanged. */
export function toIpv6(s: Session): Session {
  s.clientIp = ipv6For(s.clientIp);
  s.serverIp = ipv6For(s.serverIp);
  return s;
}

export function fragmentHello(s: Session, reversed: boolean): Session {
  const h = helloPacket(s);
  h.fragment = FRAGMENT_BYTES;
  h.fragmentsReversed = reversed;
  return s;
}

function fragmentCases(source: SourceKey): DerivedCase[] {
  return [
    {
      file: `${source}-ipv4-frag256.pcap`, source, what: 'ClientHello packet in 256-byte IPv4 fragments, in order',
      derive: (s) => ({ session: fragmentHello(s, false), tunnel: null }),
    },
    {
      file: `${source}-ipv4-frag256-reversed.pcap`, source, what: 'ClientHello packet in 256-byte IPv4 fragments, last fragment first',
      derive: (s) => ({ session: fragmentHello(s, true), tunnel: null }),
    },
    {
      file: `${source}-ipv6.pcap`, source, what: 'the session on IPv6 (2001:db8::/32), not fragmented',
      derive: (s) => ({ session: toIpv6(s), tunnel: null }), ipv6: true,
    },
    {
      file: `${source}-ipv6-frag256.pcap`, source, what: 'the session on IPv6, ClientHello in 256-byte fragments (Fragment header), in order',
      derive: (s) => ({ session: fragmentHello(toIpv6(s), false), tunnel: null }), ipv6: true,
    },
    {
      file: `${source}-ipv6-frag256-reversed.pcap`, source, what: 'the session on IPv6, ClientHello in 256-byte fragments, last fragment first',
      derive: (s) => ({ session: fragmentHello(toIpv6(s), true), tunnel: null }), ipv6: true,
    },
  ];
}

export const FRAGMENT_CASES: DerivedCase[] = [...fragmentCases('curl'), ...fragmentCases('chrome')];

runScript(import.meta.url, FRAGMENT_CASES);
