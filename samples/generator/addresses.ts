// Text → bytes for the addresses the generator uses: MAC (IEEE 802), IPv4 dotted quads and IPv6
// (RFC 4291 section 2.2, with "::" compression). Run once at setup, never per packet.

export function mac(text: string): Uint8Array {
  const parts = text.split(':');
  if (parts.length !== 6) throw new RangeError(`bad MAC address ${text}`);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

export function ip4(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4) throw new RangeError(`bad IPv4 address ${text}`);
  return Uint8Array.from(parts, (p) => Number(p));
}

export function ip6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (tail === undefined && h.length !== 8) throw new RangeError(`bad IPv6 address ${text}`);
  h.forEach((g, i) => put16(out, 2 * i, parseInt(g, 16)));
  t.forEach((g, i) => put16(out, 16 - 2 * (t.length - i), parseInt(g, 16)));
  return out;
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

/** The MAC the CNI bridge plugin gives a pod: 0a:58 followed by its IPv4 address. */
export function podMac(ip: Uint8Array): Uint8Array {
  return Uint8Array.of(0x0a, 0x58, ip[0]!, ip[1]!, ip[2]!, ip[3]!);
}

export function ip4Text(ip: Uint8Array): string {
  return `${ip[0]}.${ip[1]}.${ip[2]}.${ip[3]}`;
}
