// Ethernet II header builder (IEEE 802.3 with EtherType, as written by Linux bridges and NICs).

export const ETH_HLEN = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;

export function writeEthernet(b: Uint8Array, o: number, dst: Uint8Array, src: Uint8Array, type: number): void {
  b.set(dst, o);
  b.set(src, o + 6);
  b[o + 12] = type >>> 8;
  b[o + 13] = type & 0xff;
}
