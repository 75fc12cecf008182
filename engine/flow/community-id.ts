// Community ID v1 (https://github.com/corelight/community-id-spec): "1:" + base64(SHA-1(seed,
// ordered tuple)). Computed once per flow when a record is emitted, never per packet.

import { createHash } from 'node:crypto';

/** ICMP / ICMPv6 request↔reply type pairs: these flows are two-way and ordered like ports. */
const ICMP4_PAIRS: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10, 17: 18, 18: 17 };
const ICMP6_PAIRS: Record<number, number> = {
  128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135, 130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144,
};

function cmpBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = a[ao + i] - b[bo + i];
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Community ID of a flow. For ICMP pass the type as `sport` and the code as `dport`, as the spec's
 * reference implementations do; `seed` defaults to 0.
 */
export function communityId(ipVersion: number, src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number,
  proto: number, sport: number, dport: number, seed = 0): string {
  const n = ipVersion === 6 ? 16 : 4;
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const pairs = proto === 1 ? ICMP4_PAIRS : ICMP6_PAIRS;
    const mate = pairs[sport];
    if (mate === undefined) oneWay = true;
    else dport = mate;
  }
  let swap = false;
  if (!oneWay) {
    const c = cmpBytes(src, srcOff, dst, dstOff, n);
    swap = c > 0 || (c === 0 && sport > dport);
  }
  const buf = Buffer.alloc(2 + 2 * n + 2 + 4);
  buf.writeUInt16BE(seed & 0xffff, 0);
  const [a, ao, b, bo, pa, pb] = swap ? [dst, dstOff, src, srcOff, dport, sport] : [src, srcOff, dst, dstOff, sport, dport];
  buf.set(a.subarray(ao, ao + n), 2);
  buf.set(b.subarray(bo, bo + n), 2 + n);
  buf[2 + 2 * n] = proto;
  buf[3 + 2 * n] = 0;
  let p = 4 + 2 * n;
  if (proto === 6 || proto === 17 || proto === 132 || proto === 1 || proto === 58) {
    buf.writeUInt16BE(pa, p);
    buf.writeUInt16BE(pb, p + 2);
    p += 4;
  }
  return '1:' + createHash('sha1').update(buf.subarray(0, p)).digest('base64');
}
