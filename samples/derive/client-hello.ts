// Where the SNI host name and the ALPN extension sit in a TLS ClientHello handshake message
// (RFC 8446 section 4.1.2, RFC 6066 section 3, RFC 7301 section 3.1): the cut points of derivations.

export interface HelloLayout {
  /** Offsets from the handshake type byte; -1 when absent. */
  sniName: number;
  sniNameLength: number;
  alpn: number;
  alpnLength: number;
}

/** Walks a whole ClientHello message (type byte first); throws on bytes that do not parse. */
export function helloLayout(h: Uint8Array): HelloLayout {
  const out: HelloLayout = { sniName: -1, sniNameLength: 0, alpn: -1, alpnLength: 0 };
  const u16 = (o: number): number => (need(o + 2), (h[o]! << 8) | h[o + 1]!);
  const need = (end: number): void => {
    if (end > h.length) throw new RangeError(`ClientHello ends at ${h.length}, needed ${end}`);
  };
  if (h[0] !== 1) throw new RangeError('not a ClientHello');
  let p = 4 + 2 + 32;
  need(p + 1);
  p += 1 + h[p]!; // session id
  p += 2 + u16(p); // cipher suites
  need(p + 1);
  p += 1 + h[p]!; // compression methods
  const end = p + 2 + u16(p);
  need(end);
  for (p += 2; p + 4 <= end; p += 4 + u16(p + 2)) {
    const type = u16(p);
    const len = u16(p + 2);
    if (type === 0 && len >= 5) {
      out.sniName = p + 4 + 5;
      out.sniNameLength = u16(p + 4 + 3);
    } else if (type === 16) {
      out.alpn = p;
      out.alpnLength = 4 + len;
    }
  }
  return out;
}
