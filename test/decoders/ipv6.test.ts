// IPv6 with extension headers: golden frames (hop-by-hop, destination options, routing, AH,
// fragments, atomic fragment), one test per ipv6 event, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_IPV6, C_IPV6_FRAG, C_OTHER_IP_PROTO, C_UDP } from '../../decoders/counters.js';
import {
  EV_IPV6_EXTHDR_TOO_MANY, EV_IPV6_OPT_INVALID_LEN, EV_IPV6_PKT_TOO_SMALL, EV_IPV6_TRUNC_EXTHDR, EV_IPV6_TRUNC_PKT, EV_IPV6_WRONG_IP_VERSION,
} from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { MAX_IPV6_EXT_HEADERS } from '../../decoders/ipv6.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, edit, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// pcapplusplus/ipv6_options.pcap frame 1; tcpdump -XX -nn -r pcapplusplus/ipv6_options.pcap -c 1 (last packet):
// 00:00:00.000000 IP6 fe80::2 > ff02::5: HBH DSTOPT RT6 (len=2, type=0 [Deprecated], segleft=1, [0]2200::210:2:0:0:4) AH(spi=0x00000100,seq=0x20,icv=0x35482148b2435a23dcdd5536): OSPFv3, Hello, length 40
//   0x0000:  3333 0000 0005 c201 68b3 0001 86dd 6e00  33......h.....n.
//   0x0010:  0000 0068 0001 fe80 0000 0000 0000 0000  ...h............
//   0x0020:  0000 0000 0002 ff02 0000 0000 0000 0000  ................
//   0x0030:  0000 0000 0005 3c00 0502 0000 0100 2b00  ......<.......+.
//   0x0040:  0b01 0901 0100 3302 0001 0000 0000 2200  ......3.......".
//   0x0050:  0000 0000 0210 0002 0000 0000 0004 5904  ..............Y.
//   0x0060:  0000 0000 0100 0000 0020 3548 2148 b243  ..........5H!H.C
//   0x0070:  5a23 dcdd 5536 0301 0028 0202 0202 0000  Z#..U6...(......
//   0x0080:  0001 f173 0000 0000 0005 0100 0013 000a  ...s............
//   0x0090:  0028 0202 0202 0101 0101 0101 0101       .(............
const EXT_CHAIN = hex(`
333300000005c20168b3000186dd6e00000000680001fe800000000000000000
000000000002ff0200000000000000000000000000053c000502000001002b00
0b01090101003302000100000000220000000000021000020000000000045904
0000000001000000002035482148b2435a23dcdd553603010028020202020000
0001f17300000000000501000013000a0028020202020101010101010101
`);

// zeek/ipv6-hbh-routing0.pcap frame 1; tcpdump -XX -nn -r zeek/ipv6-hbh-routing0.pcap -c 1 (last packet):
// 21:27:59.099657 IP6 2001:4f8:4:7:2e0:81ff:fe52:ffff > 2001:4f8:4:7:2e0:81ff:fe52:9a6b: HBH RT6 (len=4, type=0 [Deprecated], segleft=2, [0]2001:78:1:32::1, [1]2001:78:1:32::2) 53 > 53: domain [length 3 < 12] (invalid)
//   0x0000:  ffff ffff ffff 0000 0000 0000 86dd 6000  ..............`.
//   0x0010:  0000 003b 0040 2001 04f8 0004 0007 02e0  ...;.@..........
//   0x0020:  81ff fe52 ffff 2001 04f8 0004 0007 02e0  ...R............
//   0x0030:  81ff fe52 9a6b 2b00 0104 0000 0000 1104  ...R.k+.........
//   0x0040:  0002 0000 0000 2001 0078 0001 0032 0000  .........x...2..
//   0x0050:  0000 0000 0001 2001 0078 0001 0032 0000  .........x...2..
//   0x0060:  0000 0000 0002 0035 0035 000b 8631 5858  .......5.5...1XX
//   0x0070:  58                                       X
const HBH_ROUTING = hex(`
ffffffffffff00000000000086dd60000000003b0040200104f80004000702e0
81fffe52ffff200104f80004000702e081fffe529a6b2b000104000000001104
0002000000002001007800010032000000000000000120010078000100320000
00000000000200350035000b8631585858
`);

// pcapplusplus/ipv6_options.pcap frame 6; tcpdump -XX -nn -r pcapplusplus/ipv6_options.pcap -c 6 (last packet):
// 14:31:41.020647 IP6 2a01:e35:8bd9:8bb0:a0a7:ea9c:74e8:d397 > 2001:4b98:dc0:41:216:3eff:fece:1902: DSTOPT 42513 > 42: UDP, length 10
//   0x0000:  f4ca e54d 1f41 001e 8c76 29b6 86dd 6000  ...M.A...v)...`.
//   0x0010:  0000 001a 3c40 2a01 0e35 8bd9 8bb0 a0a7  ....<@*..5......
//   0x0020:  ea9c 74e8 d397 2001 4b98 0dc0 0041 0216  ..t.....K....A..
//   0x0030:  3eff fece 1902 1100 0b01 0901 0100 a611  >...............
//   0x0040:  002a 0012 6889 6162 6364 6566 6768 696a  .*..h.abcdefghij
const DSTOPTS_UDP = hex(`
f4cae54d1f41001e8c7629b686dd60000000001a3c402a010e358bd98bb0a0a7
ea9c74e8d39720014b980dc0004102163efffece190211000b0109010100a611
002a001268896162636465666768696a
`);

// pcapplusplus/ip6_fragments.pcap frame 1; tcpdump -XX -nn -r pcapplusplus/ip6_fragments.pcap -c 1 (last packet):
// 21:38:13.936423 IP6 fe80::21f:f3ff:fecd:f617 > ff02::fb: frag (0|120) 5353 > 5353: 0 [23q] [11n] [1au] PTR (QU)? _afpovertcp._tcp.local. PTR (QU)? _smb._tcp.local. PTR (QU)? _rfb._tcp.local. PTR (QU)? _adisk._tcp.local. PTR (QU)? _airport._tcp.local. PTR (QU)? _appletv-pair._tcp.local. [|domain]
//   0x0000:  3333 0000 00fb 001f f3cd f617 86dd 6000  33............`.
//   0x0010:  0000 0080 2cff fe80 0000 0000 0000 021f  ....,...........
//   0x0020:  f3ff fecd f617 ff02 0000 0000 0000 0000  ................
//   0x0030:  0000 0000 00fb 1100 0001 002c 5323 14e9  ...........,S#..
//   0x0040:  14e9 02e1 f77b 0000 0000 0017 0000 000b  .....{..........
//   0x0050:  0001 0b5f 6166 706f 7665 7274 6370 045f  ..._afpovertcp._
//   0x0060:  7463 7005 6c6f 6361 6c00 000c 8001 045f  tcp.local......_
//   0x0070:  736d 62c0 1800 0c80 0104 5f72 6662 c018  smb......._rfb..
//   0x0080:  000c 8001 065f 6164 6973 6bc0 1800 0c80  ....._adisk.....
//   0x0090:  0108 5f61 6972 706f 7274 c018 000c 8001  .._airport......
//   0x00a0:  0d5f 6170 706c 6574 762d 7061 6972 c018  ._appletv-pair..
//   0x00b0:  000c 8001 085f                           ....._
const FRAG6_FIRST = hex(`
3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021f
f3fffecdf617ff0200000000000000000000000000fb11000001002c532314e9
14e902e1f77b0000000000170000000b00010b5f6166706f766572746370045f
746370056c6f63616c00000c8001045f736d62c018000c8001045f726662c018
000c8001065f616469736bc018000c8001085f616972706f7274c018000c8001
0d5f6170706c6574762d70616972c018000c8001085f
`);

// pcapplusplus/ip6_fragments.pcap frame 7; tcpdump -XX -nn -r pcapplusplus/ip6_fragments.pcap -c 7 (last packet):
// 21:38:13.936423 IP6 fe80::21f:f3ff:fecd:f617 > ff02::fb: frag (720|21)
//   0x0000:  3333 0000 00fb 001f f3cd f617 86dd 6000  33............`.
//   0x0010:  0000 001d 2cff fe80 0000 0000 0000 021f  ....,...........
//   0x0020:  f3ff fecd f617 ff02 0000 0000 0000 0000  ................
//   0x0030:  0000 0000 00fb 1100 02d0 002c 5323 0011  ...........,S#..
//   0x0040:  9400 0c00 0400 0800 0b00 1ff3 cdf6 1751  ...............Q
//   0x0050:  27c6 b5                                  '..
const FRAG6_LATER = hex(`
3333000000fb001ff3cdf61786dd60000000001d2cfffe80000000000000021f
f3fffecdf617ff0200000000000000000000000000fb110002d0002c53230011
94000c00040008000b001ff3cdf6175127c6b5
`);

// zeek/ipv6-http-atomic-frag.pcap frame 13; tcpdump -XX -nn -r zeek/ipv6-http-atomic-frag.pcap -c 13 (last packet):
// 16:44:13.354053 IP6 2001:db8:1::2 > 2001:db8:1::1: frag (0|20) 59694 > 80: Flags [S], seq 1770092805, win 8192, length 0
//   0x0000:  aa00 0400 0a04 0010 1895 316a 86dd 6000  ..........1j..`.
//   0x0010:  0000 001c 2c40 2001 0db8 0001 0000 0000  ....,@..........
//   0x0020:  0000 0000 0002 2001 0db8 0001 0000 0000  ................
//   0x0030:  0000 0000 0001 0600 0000 0000 0000 e92e  ................
//   0x0040:  0050 6981 7905 0000 0000 5002 2000 6866  .Pi.y.....P...hf
//   0x0050:  0000                                     ..
const ATOMIC_FRAG = hex(`
aa0004000a0400101895316a86dd60000000001c2c4020010db8000100000000
00000000000220010db80001000000000000000000010600000000000000e92e
005069817905000000005002200068660000
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for pcapplusplus/ipv6_options.pcap frame 6: dstopts (8 bytes) then udp 42513 -> 42, length 18. */
const DSTOPTS_UDP_FIELDS = {
  etherType: 0x86dd,
  ipVersion: 6, l3Offset: 14, l3Length: 66, srcAddrOffset: 22, dstAddrOffset: 38,
  src: '2a01:e35:8bd9:8bb0:a0a7:ea9c:74e8:d397', dst: '2001:4b98:dc0:41:216:3eff:fece:1902', ipProto: 17, ttl: 64,
  l4Offset: 62, l4Length: 18, srcPort: 42513, dstPort: 42, payloadOffset: 70, payloadLength: 10,
};

test('golden: hop-by-hop, destination options, routing, AH, then OSPF (tshark: ... ah at 94 (24 bytes), ospf at 118)', () => {
  const pkt = golden(EXT_CHAIN, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 144, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::2', dst: 'ff02::5', ipProto: 89, ttl: 1,
  });
  assert.is(pkt.counters[C_IPV6], 2);
  assert.is(pkt.counters[C_OTHER_IP_PROTO], 2);
});

test('golden: hop-by-hop and a 40-byte type 0 routing header, then UDP (tshark: udp at 102, 53 -> 53, length 11)', () => {
  golden(HBH_ROUTING, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 99, srcAddrOffset: 22, dstAddrOffset: 38,
    src: '2001:4f8:4:7:2e0:81ff:fe52:ffff', dst: '2001:4f8:4:7:2e0:81ff:fe52:9a6b', ipProto: 17, ttl: 64,
    l4Offset: 102, l4Length: 11, srcPort: 53, dstPort: 53, payloadOffset: 110, payloadLength: 3,
  });
});

test('golden: destination options then UDP', () => {
  golden(DSTOPTS_UDP, ETH, S_OK, DSTOPTS_UDP_FIELDS);
});

test('golden: first fragment, UDP header decoded (tshark -o ipv6.defragment:FALSE: offset 0, more 1, ident 0x002c5323, udp 5353 -> 5353)', () => {
  const pkt = golden(FRAG6_FIRST, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 168, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::21f:f3ff:fecd:f617', dst: 'ff02::fb', ipProto: 17, ttl: 255,
    fragId: 0x002c5323, fragOffset: 0, fragMore: true, isFragment: true,
    l4Offset: 62, l4Length: 120, srcPort: 5353, dstPort: 5353,
    payloadOffset: 70, payloadLength: 112, // udp.length 737 goes on in later fragments
  });
  assert.is(pkt.counters[C_IPV6_FRAG], 2);
  assert.is(pkt.counters[C_UDP], 2);
});

test('golden: later fragment (tshark: fraghdr.nxt 17, offset 90 (720 bytes), more 0), no transport header', () => {
  const pkt = golden(FRAG6_LATER, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 69, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::21f:f3ff:fecd:f617', dst: 'ff02::fb', ipProto: 17, ttl: 255,
    fragId: 0x002c5323, fragOffset: 720, fragMore: false, isFragment: true,
  });
  assert.is(pkt.counters[C_UDP], 0);
});

test('golden: atomic fragment (offset 0, more 0, RFC 6946) is a whole packet (tshark: tcp 59694 -> 80 SYN)', () => {
  const pkt = golden(ATOMIC_FRAG, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 68, srcAddrOffset: 22, dstAddrOffset: 38,
    src: '2001:db8:1::2', dst: '2001:db8:1::1', ipProto: 6, ttl: 64,
    fragId: 0, fragOffset: 0, fragMore: false, isFragment: false,
    l4Offset: 62, l4Length: 20, srcPort: 59694, dstPort: 80,
    tcpFlags: 0x002, tcpSeq: 1770092805, tcpAck: 0, tcpWindow: 8192, payloadOffset: 82, payloadLength: 0,
  });
  assert.is(pkt.counters[C_IPV6_FRAG], 0);
});

test('no next header (59) and a mobility header (135) in the chain', () => {
  golden(edit(DSTOPTS_UDP, [54, 59]), ETH, S_OK, {
    etherType: 0x86dd, ipVersion: 6, l3Offset: 14, l3Length: 66, srcAddrOffset: 22, dstAddrOffset: 38,
    src: DSTOPTS_UDP_FIELDS.src, dst: DSTOPTS_UDP_FIELDS.dst, ipProto: 59, ttl: 64,
  });
  golden(edit(DSTOPTS_UDP, [20, 135]), ETH, S_OK, DSTOPTS_UDP_FIELDS);
});

test('every field is reset: fragment then whole packet, a long header chain then none', () => {
  assertResets({ bytes: FRAG6_FIRST, linkType: ETH }, { bytes: ATOMIC_FRAG, linkType: ETH });
  assertResets({ bytes: FRAG6_LATER, linkType: ETH }, { bytes: DSTOPTS_UDP, linkType: ETH });
  assertResets({ bytes: EXT_CHAIN, linkType: ETH }, { bytes: HBH_ROUTING, linkType: ETH });
});

test('ipv6.pkt_too_small: under 40 bytes; the same cut by the snap length is truncation', () => {
  for (const n of [14, 15, 33, 53]) {
    expectEvent(DSTOPTS_UDP.slice(0, n), ETH, EV_IPV6_PKT_TOO_SMALL);
    expectTruncated(DSTOPTS_UDP.slice(0, n), ETH, DSTOPTS_UDP.length);
  }
});

test('ipv6.wrong_ip_version: EtherType 0x86dd with version 4; a snap-length cut does not excuse it', () => {
  expectEvent(edit(DSTOPTS_UDP, [14, 0x45]), ETH, EV_IPV6_WRONG_IP_VERSION);
  expectEvent(edit(DSTOPTS_UDP, [14, 0x45]).slice(0, 60), ETH, EV_IPV6_WRONG_IP_VERSION, S_INVALID, 60, 80);
});

test('ipv6.trunc_pkt: payload length beyond an uncut frame; the same cut by the snap length is truncation', () => {
  expectEvent(put16(DSTOPTS_UDP, 18, 27), ETH, EV_IPV6_TRUNC_PKT);
  expectEvent(DSTOPTS_UDP.slice(0, 79), ETH, EV_IPV6_TRUNC_PKT);
  expectTruncated(DSTOPTS_UDP.slice(0, 66), ETH, 80); // cut inside the UDP header
});

test('ipv6.opt_invalid_len: a destination option running past its header (as tshark: malformed)', () => {
  expectEvent(edit(DSTOPTS_UDP, [57, 0x10]), ETH, EV_IPV6_OPT_INVALID_LEN); // option 0x0b claims 16 bytes of 6
  expectEvent(edit(DSTOPTS_UDP, [60, 0x02]), ETH, EV_IPV6_OPT_INVALID_LEN); // PadN claims 2 of 1
});

test('ipv6.trunc_exthdr: an extension header past the payload length, or cut', () => {
  expectEvent(edit(HBH_ROUTING, [63, 6]), ETH, EV_IPV6_TRUNC_EXTHDR); // routing header 56 bytes, 51 left
  expectEvent(edit(EXT_CHAIN, [95, 40]), ETH, EV_IPV6_TRUNC_EXTHDR); // AH longer than the packet
  expectEvent(put16(DSTOPTS_UDP, 18, 1), ETH, EV_IPV6_TRUNC_EXTHDR); // no room for next header + length
  expectEvent(put16(FRAG6_LATER, 18, 7), ETH, EV_IPV6_TRUNC_EXTHDR); // fragment header needs 8
  for (const n of [55, 61, 80, 101]) expectTruncated(HBH_ROUTING.slice(0, n), ETH, HBH_ROUTING.length);
});

/** DSTOPTS_UDP with its destination-options header repeated n times. */
function chain(n: number): Uint8Array {
  const opt = DSTOPTS_UDP.subarray(54, 62);
  const parts = [put16(DSTOPTS_UDP.subarray(0, 54), 18, 26 + 8 * (n - 1))];
  for (let i = 0; i < n; i++) parts.push(i < n - 1 ? edit(opt, [0, 60]) : opt.slice());
  parts.push(DSTOPTS_UDP.subarray(62));
  return concat(...parts);
}

test('ipv6.exthdr_too_many: MAX_IPV6_EXT_HEADERS headers are fine, one more is an event', () => {
  golden(chain(MAX_IPV6_EXT_HEADERS), ETH, S_OK, {
    ...DSTOPTS_UDP_FIELDS, l3Length: 66 + 8 * (MAX_IPV6_EXT_HEADERS - 1),
    l4Offset: 62 + 8 * (MAX_IPV6_EXT_HEADERS - 1), payloadOffset: 70 + 8 * (MAX_IPV6_EXT_HEADERS - 1),
  });
  expectEvent(chain(MAX_IPV6_EXT_HEADERS + 1), ETH, EV_IPV6_EXTHDR_TOO_MANY);
});

test('truncation sweep: header chains, fragments', () => {
  sweep({ bytes: EXT_CHAIN, linkType: ETH }, [[0, S_TRUNCATED], [118, S_OK]], 158);
  sweep({ bytes: HBH_ROUTING, linkType: ETH }, [[0, S_TRUNCATED], [110, S_OK]], 113);
  sweep({ bytes: DSTOPTS_UDP, linkType: ETH }, [[0, S_TRUNCATED], [70, S_OK]], 80);
  sweep({ bytes: FRAG6_FIRST, linkType: ETH }, [[0, S_TRUNCATED], [70, S_OK]], 182);
  sweep({ bytes: FRAG6_LATER, linkType: ETH }, [[0, S_TRUNCATED], [62, S_OK]], 83);
  sweep({ bytes: ATOMIC_FRAG, linkType: ETH }, [[0, S_TRUNCATED], [82, S_OK]], 82);
});

test.run();
