// PPP in PPTP's enhanced GRE: golden IPv4 and LCP frames, elided address/control and compressed
// protocol field, dispatch to IPv6, resets, truncation sweep (PPPoE: pppoe.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EV_IPV6_WRONG_IP_VERSION } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet, TUN_GRE } from '../../decoders/packet.js';
import { decodePpp } from '../../decoders/ppp.js';
import {
  S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, concat, expectEvent, golden, hex, put16, sweep,
} from './helpers.js';

// mercury/capture2.pcap frame 3379; tcpdump -XX -nn -r mercury/capture2.pcap -c 3379 (last packet):
// 13:52:00.197893 IP 20.0.0.2 > 20.0.0.1: GREv1, call 24, seq 7, length 100: IP 17.1.1.122 > 40.0.0.2: ICMP echo request, id 6187, seq 1, length 64
//   0x0000:  0009 e955 c01c 0014 0000 0200 0800 4500  ...U..........E.
//   0x0010:  0078 18d8 0000 402f 397d 1400 0002 1400  .x....@/9}......
//   0x0020:  0001 3001 880b 0058 0018 0000 0007 ff03  ..0....X........
//   0x0030:  0021 4500 0054 1101 0000 4001 2f2c 1101  .!E..T....@./,..
//   0x0040:  017a 2800 0002 0800 4500 182b 0001 0000  .z(.....E..+....
//   0x0050:  0000 53c6 8380 0000 0000 0003 04b7 1011  ..S.............
//   0x0060:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021  ...............!
//   0x0070:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031  "#$%&'()*+,-./01
//   0x0080:  3233 3435 3637                           234567
const PPTP_ICMP = hex(`
0009e955c01c00140000020008004500007818d80000402f397d140000021400
00013001880b0058001800000007ff030021450000541101000040012f2c1101
017a2800000208004500182b00010000000053c6838000000000000304b71011
12131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031
323334353637
`);

// tcpdump/pptp.pcap frame 16; tcpdump -XX -nn -r tcpdump/pptp.pcap -c 16 (last packet):
// 08:56:35.411903 IP 10.1.1.11 > 10.1.1.10: GREv1, call 0, seq 0, length 60: LCP, Conf-Request (0x01), id 0, length 46
//   0x0000:  0800 209f 6b72 0000 0000 0000 0800 4500  ....kr........E.
//   0x0010:  0050 03bc 0000 802f 20ad 0a01 010b 0a01  .P...../........
//   0x0020:  010a 3001 880b 0030 0000 0000 0000 ff03  ..0....0........
//   0x0030:  c021 0100 002c 0506 0219 52cf 0702 0802  .!...,....R.....
//   0x0040:  0d03 0611 0406 4e13 1701 29f7 6a90 77f1  ......N...).j.w.
//   0x0050:  472c 8352 47f2 71d6 5607 0000 000c       G,.RG.q.V.....
const PPTP_LCP = hex(`
0800209f6b7200000000000008004500005003bc0000802f20ad0a01010b0a01
010a3001880b0030000000000000ff03c0210100002c0506021952cf07020802
0d03061104064e13170129f76a9077f1472c835247f271d656070000000c
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for mercury/capture2.pcap frame 3379: GREv1 call 24, ppp ff 03 0021, inner ICMP echo 17.1.1.122 -> 40.0.0.2. */
function pptpIcmp(shift: number) {
  const o = 50 + shift;
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: o, l3Length: 84, srcAddrOffset: o + 12, dstAddrOffset: o + 16,
    src: '17.1.1.122', dst: '40.0.0.2', ipProto: 1, ttl: 64, fragId: 0x1101,
    l4Offset: o + 20, l4Length: 64, icmpType: 8, icmpCode: 0, payloadOffset: o + 28, payloadLength: 56,
    tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 24,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '20.0.0.2', outerDst: '20.0.0.1', outerProto: 47,
  };
}

/** PPTP_ICMP with its 4-byte PPP header replaced by `ppp` (IP total length fixed up). */
function withPppHeader(ppp: Uint8Array): Uint8Array {
  const inner = PPTP_ICMP.subarray(50);
  return put16(concat(PPTP_ICMP.subarray(0, 46), ppp, inner), 16, 20 + 12 + ppp.length + inner.length);
}

test('golden: PPP (ff 03, protocol 0x0021) carrying IPv4 ICMP', () => {
  golden(PPTP_ICMP, ETH, S_OK, pptpIcmp(0));
});

test('golden: LCP is not decoded (tshark: ppp.protocol 0xc021); the GRE tunnel is entered', () => {
  golden(PPTP_LCP, ETH, S_UNSUPPORTED, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 80, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.1.1.11', dst: '10.1.1.10', ipProto: 47, ttl: 128, fragId: 0x03bc,
    tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 0,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.1.1.11', outerDst: '10.1.1.10', outerProto: 47,
  });
});

test('address/control elided (RFC 1662 §3.2) and one-byte protocol field (RFC 1661 §6.5)', () => {
  golden(withPppHeader(hex('0021')), ETH, S_OK, pptpIcmp(-2));
  golden(withPppHeader(hex('ff03 21')), ETH, S_OK, pptpIcmp(-1));
  golden(withPppHeader(hex('21')), ETH, S_OK, pptpIcmp(-3));
});

test('protocol 0x0057 goes to IPv6 (here the bytes are IPv4: ipv6.wrong_ip_version)', () => {
  expectEvent(withPppHeader(hex('ff03 0057')), ETH, EV_IPV6_WRONG_IP_VERSION);
});

test('decodePpp directly: nothing after address/control is a payload-less frame (S_OK)', () => {
  const pkt = new Packet();
  pkt.reset(PPTP_ICMP, 0, PPTP_ICMP.length, PPTP_ICMP.length, ETH);
  assert.is(decodePpp(PPTP_ICMP, 46, 0, pkt), S_OK);
  assert.is(decodePpp(PPTP_ICMP, 46, 2, pkt), S_OK);
  assert.is(pkt.lastEvent, -1);
});

test('every field is reset: IP over PPP, then LCP', () => {
  assertResets({ bytes: PPTP_ICMP, linkType: ETH }, { bytes: PPTP_LCP, linkType: ETH });
});

test('truncation sweep: a cut inside the PPP header is truncation, like any other header', () => {
  sweep({ bytes: PPTP_ICMP, linkType: ETH }, [[0, S_TRUNCATED], [78, S_OK]], 134);
  sweep({ bytes: withPppHeader(hex('21')), linkType: ETH }, [[0, S_TRUNCATED], [75, S_OK]], 131);
  sweep({ bytes: PPTP_LCP, linkType: ETH }, [[0, S_TRUNCATED], [50, S_UNSUPPORTED]], 94);
});

test.run();
