// IPv6 fixed header builder (RFC 8200 section 3): template with the payload length patched per packet.

export const IPV6_HLEN = 40;

export function writeIpv6Template(
  b: Uint8Array, o: number, src: Uint8Array, dst: Uint8Array, next: number, hopLimit: number, flowLabel: number,
): void {
  b[o] = 0x60 | ((flowLabel >>> 16) & 0x0f);
  b[o + 1] = (flowLabel >>> 8) & 0xff;
  b[o + 2] = flowLabel & 0xff;
  b[o + 3] = 0;
  b[o + 4] = 0;
  b[o + 5] = 0;
  b[o + 6] = next;
  b[o + 7] = hopLimit;
  b.set(src, o + 8);
  b.set(dst, o + 24);
}

export function finishIpv6(b: Uint8Array, o: number, payloadLen: number): void {
  b[o + 4] = payloadLen >>> 8;
  b[o + 5] = payloadLen & 0xff;
}
