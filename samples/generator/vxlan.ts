// VXLAN header (RFC 7348 section 5): flags with the I bit, 24-bit VNI. Flannel sends it on UDP 8472
// (the Linux kernel default), Calico and most others on the IANA port 4789.

export const VXLAN_HLEN = 8;
export const VXLAN_PORT_IANA = 4789;
export const VXLAN_PORT_LINUX = 8472;

export function writeVxlan(b: Uint8Array, o: number, vni: number): void {
  b[o] = 0x08;
  b[o + 1] = 0;
  b[o + 2] = 0;
  b[o + 3] = 0;
  b[o + 4] = (vni >>> 16) & 0xff;
  b[o + 5] = (vni >>> 8) & 0xff;
  b[o + 6] = vni & 0xff;
  b[o + 7] = 0;
}
