// IP protocol dispatch and IP-in-IP (4in4, 6in4, 4in6, 6in6, 6in6in6): golden frames with the outer
// tuple, ipip.wrong_ip_version, decoder.too_many_layers, tunnels in fragments, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  C_IPV4_IN_IPV4, C_IPV4_IN_IPV6, C_IPV6_IN_IPV4, C_IPV6_IN_IPV6, C_OTHER_IP_PROTO,
} from '../../decoders/counters.js';
import { EV_IPIP_WRONG_IP_VERSION, EV_TOO_MANY_LAYERS } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import {
  DecoderConfig, TUN_IPV4_IN_IPV4, TUN_IPV4_IN_IPV6, TUN_IPV6_IN_IPV4, TUN_IPV6_IN_IPV6,
} from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, edit, expectEvent, golden, hex, put16, sweep,
} from './helpers.js';

// ndpi/4in4tunnel.pcap frame 1; tcpdump -XX -nn -r ndpi/4in4tunnel.pcap -c 1 (last packet):
// 20:44:31.794779 IP 69.67.35.146 > 41.202.46.110: IP 10.10.100.25.62367 > 10.10.101.2.17000: UDP, length 100
//   0x0000:  0000 0000 0004 a4c6 4f3b b39a 8100 6658  ........O;....fX
//   0x0010:  8100 61f9 0800 45b8 0094 e858 0000 ff04  ..a...E....X....
//   0x0020:  1148 4543 2392 29ca 2e6e 45b8 0080 0001  .HEC#.)..nE.....
//   0x0030:  0000 fe11 de84 0a0a 6419 0a0a 6502 f39f  ........d...e...
//   0x0040:  4268 006c 4b9a 0002 0000 0473 6c10 0000  Bh.lK......sl...
//   0x0050:  0000 0001 0000 abcd abcd abcd abcd abcd  ................
//   0x0060:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0070:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0080:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0090:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x00a0:  abcd abcd abcd abcd abcd                 ..........
const IPIP_QINQ = hex(`
000000000004a4c64f3bb39a81006658810061f9080045b80094e8580000ff04
11484543239229ca2e6e45b8008000010000fe11de840a0a64190a0a6502f39f
4268006c4b9a0002000004736c100000000000010000abcdabcdabcdabcdabcd
abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd
abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd
abcdabcdabcdabcdabcd
`);

// suricata-verify/bug-7725-01.pcap frame 1; tcpdump -XX -nn -r suricata-verify/bug-7725-01.pcap -c 1 (last packet):
// 02:52:39.349394 IP 10.0.0.94 > 10.1.0.237: IP 192.168.0.94 > 192.168.0.237: ICMP echo request, id 26, seq 1, length 64
//   0x0000:  06da c06f b451 067c 3fe9 8b15 0800 4500  ...o.Q.|?.....E.
//   0x0010:  0068 f777 4000 7b04 f2ce 0a00 005e 0a01  .h.w@.{......^..
//   0x0020:  00ed 4500 0054 6c33 4000 7f01 0cda c0a8  ..E..Tl3@.......
//   0x0030:  005e c0a8 00ed 0800 f15f 001a 0001 f7f9  .^......._......
//   0x0040:  2768 0000 0000 2350 0500 0000 0000 1011  'h....#P........
//   0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021  ...............!
//   0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031  "#$%&'()*+,-./01
//   0x0070:  3233 3435 3637                           234567
const IPIP_ICMP = hex(`
06dac06fb451067c3fe98b15080045000068f77740007b04f2ce0a00005e0a01
00ed450000546c3340007f010cdac0a8005ec0a800ed0800f15f001a0001f7f9
2768000000002350050000000000101112131415161718191a1b1c1d1e1f2021
22232425262728292a2b2c2d2e2f3031323334353637
`);

// ndpi/6in4tunnel.pcap frame 100; tcpdump -XX -nn -r ndpi/6in4tunnel.pcap -c 100 (last packet):
// 16:55:12.722872 IP 174.3.73.24 > 184.105.255.26: IP6 2001:470:1f17:13f:3e97:eff:fe73:4dec.60205 > 2604:a880:1:20::224:b001.443: Flags [.], ack 2817, win 266, options [nop,nop,TS val 662302584 ecr 3023131132], length 0
//   0x0000:  0022 90de 3bd9 0000 24ce 8134 0800 4500  ."..;...$..4..E.
//   0x0010:  005c bd83 4000 ff29 0f55 ae03 4918 b869  .\..@..).U..I..i
//   0x0020:  ff1a 6000 0000 0020 063f 2001 0470 1f17  ..`......?...p..
//   0x0030:  013f 3e97 0eff fe73 4dec 2604 a880 0001  .?>....sM.&.....
//   0x0040:  0020 0000 0000 0224 b001 eb2d 01bb 4bc8  .......$...-..K.
//   0x0050:  b383 4030 a286 8010 010a 2a1f 0000 0101  ..@0......*.....
//   0x0060:  080a 2779 ef78 b431 51fc                 ..'y.x.1Q.
const SIX_IN_FOUR = hex(`
002290de3bd9000024ce813408004500005cbd834000ff290f55ae034918b869
ff1a600000000020063f200104701f17013f3e970efffe734dec2604a8800001
0020000000000224b001eb2d01bb4bc8b3834030a2868010010a2a1f00000101
080a2779ef78b43151fc
`);

// zeek/4in6.pcap frame 1; tcpdump -XX -nn -r zeek/4in6.pcap -c 1 (last packet):
// 15:08:33.185260 IP6 2002:4637:d5d3::4637:d5d3 > 2001:4860:0:2001::68: IP 70.55.213.211.31337 > 192.88.99.1.80: Flags [S], seq 0, win 8192, length 0
//   0x0000:  0090 1a41 6541 0016 cf41 9c20 86dd 6000  ...AeA...A....`.
//   0x0010:  0000 0028 0440 2002 4637 d5d3 0000 0000  ...(.@..F7......
//   0x0020:  0000 4637 d5d3 2001 4860 0000 2001 0000  ..F7....H`......
//   0x0030:  0000 0000 0068 4500 0028 0001 0000 4006  .....hE..(....@.
//   0x0040:  3b6b 4637 d5d3 c058 6301 7a69 0050 0000  ;kF7...Xc.zi.P..
//   0x0050:  0000 0000 0000 5002 2000 d5c4 0000       ......P.......
const FOUR_IN_SIX = hex(`
00901a4165410016cf419c2086dd600000000028044020024637d5d300000000
00004637d5d32001486000002001000000000000006845000028000100004006
3b6b4637d5d3c05863017a690050000000000000000050022000d5c40000
`);

// ndpi/6in6tunnel.pcap frame 1; tcpdump -XX -nn -r ndpi/6in6tunnel.pcap -c 1 (last packet):
// 16:17:52.162188 IP6 2001:4f8:4:7:2e0:81ff:fe52:ffff > 2001:4f8:4:7:2e0:81ff:fe52:9a6b: IP6 dead::beef.30000 > cafe::babe.13000: UDP, length 4
//   0x0000:  ffff ffff ffff 0000 0000 0000 86dd 6000  ..............`.
//   0x0010:  0000 0034 2940 2001 04f8 0004 0007 02e0  ...4)@..........
//   0x0020:  81ff fe52 ffff 2001 04f8 0004 0007 02e0  ...R............
//   0x0030:  81ff fe52 9a6b 6000 0000 000c 1140 dead  ...R.k`......@..
//   0x0040:  0000 0000 0000 0000 0000 0000 beef cafe  ................
//   0x0050:  0000 0000 0000 0000 0000 0000 babe 7530  ..............u0
//   0x0060:  32c8 000c 83d2 5858 5858                 2.....XXXX
const SIX_IN_SIX = hex(`
ffffffffffff00000000000086dd6000000000342940200104f80004000702e0
81fffe52ffff200104f80004000702e081fffe529a6b60000000000c1140dead
000000000000000000000000beefcafe000000000000000000000000babe7530
32c8000c83d258585858
`);

// zeek/6in6in6.pcap frame 1; tcpdump -XX -nn -r zeek/6in6in6.pcap -c 1 (last packet):
// 17:08:41.654987 IP6 feed::beef > feed::cafe: IP6 babe::beef > dead::babe: IP6 dead::beef.30000 > cafe::babe.13000: UDP, length 4
//   0x0000:  ffff ffff ffff 0000 0000 0000 86dd 6000  ..............`.
//   0x0010:  0000 005c 2940 feed 0000 0000 0000 0000  ...\)@..........
//   0x0020:  0000 0000 beef feed 0000 0000 0000 0000  ................
//   0x0030:  0000 0000 cafe 6000 0000 0034 2940 babe  ......`....4)@..
//   0x0040:  0000 0000 0000 0000 0000 0000 beef dead  ................
//   0x0050:  0000 0000 0000 0000 0000 0000 babe 6000  ..............`.
//   0x0060:  0000 000c 1140 dead 0000 0000 0000 0000  .....@..........
//   0x0070:  0000 0000 beef cafe 0000 0000 0000 0000  ................
//   0x0080:  0000 0000 babe 7530 32c8 000c 83d2 5858  ......u02.....XX
//   0x0090:  5858                                     XX
const SIX_IN_SIX_IN_SIX = hex(`
ffffffffffff00000000000086dd60000000005c2940feed0000000000000000
00000000beeffeed000000000000000000000000cafe6000000000342940babe
000000000000000000000000beefdead000000000000000000000000babe6000
0000000c1140dead000000000000000000000000beefcafe0000000000000000
00000000babe753032c8000c83d258585858
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for suricata-verify/bug-7725-01.pcap frame 1: 10.0.0.94 -> 10.1.0.237 proto 4, inner ICMP echo. */
const IPIP_ICMP_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 34, l3Length: 84, srcAddrOffset: 46, dstAddrOffset: 50,
  src: '192.168.0.94', dst: '192.168.0.237', ipProto: 1, ttl: 127, fragId: 0x6c33,
  l4Offset: 54, l4Length: 64, icmpType: 8, icmpCode: 0, payloadOffset: 62, payloadLength: 56,
  tunnelDepth: 1, tunnelType: TUN_IPV4_IN_IPV4, tunnelId: -1,
  outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.0.0.94', outerDst: '10.1.0.237', outerProto: 4,
};

test('golden: 4in4 under QinQ (tshark: vlan 1624, 505; 69.67.35.146 -> 41.202.46.110; inner udp 62367 -> 17000)', () => {
  const pkt = golden(IPIP_QINQ, ETH, S_OK, {
    etherType: 0x0800, vlanCount: 2, vlan: [1624, 505],
    ipVersion: 4, l3Offset: 42, l3Length: 128, srcAddrOffset: 54, dstAddrOffset: 58,
    src: '10.10.100.25', dst: '10.10.101.2', ipProto: 17, ttl: 254, fragId: 1,
    l4Offset: 62, l4Length: 108, srcPort: 62367, dstPort: 17000, payloadOffset: 70, payloadLength: 100,
    tunnelDepth: 1, tunnelType: TUN_IPV4_IN_IPV4, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 34, outerDstOffset: 38, outerSrc: '69.67.35.146', outerDst: '41.202.46.110',
    outerProto: 4,
  });
  assert.is(pkt.counters[C_IPV4_IN_IPV4], 2);
});

test('golden: 4in4 carrying an ICMP echo', () => {
  golden(IPIP_ICMP, ETH, S_OK, IPIP_ICMP_FIELDS);
});

test('golden: 6in4 (tshark: ip.proto 41, inner 2001:470:1f17:13f:... -> 2604:a880:1:20::224:b001, tcp 60205 -> 443 ACK)', () => {
  const pkt = golden(SIX_IN_FOUR, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 6, l3Offset: 34, l3Length: 72, srcAddrOffset: 42, dstAddrOffset: 58,
    src: '2001:470:1f17:13f:3e97:eff:fe73:4dec', dst: '2604:a880:1:20::224:b001', ipProto: 6, ttl: 63,
    l4Offset: 74, l4Length: 32, srcPort: 60205, dstPort: 443,
    tcpFlags: 0x010, tcpSeq: 1271444355, tcpAck: 1076929158, tcpWindow: 266, payloadOffset: 106, payloadLength: 0,
    tunnelDepth: 1, tunnelType: TUN_IPV6_IN_IPV4, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '174.3.73.24', outerDst: '184.105.255.26',
    outerProto: 41,
  });
  assert.is(pkt.counters[C_IPV6_IN_IPV4], 2);
});

test('golden: 4in6 (tshark: ipv6.nxt 4, inner 70.55.213.211 -> 192.88.99.1, tcp 31337 -> 80 SYN)', () => {
  const pkt = golden(FOUR_IN_SIX, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 4, l3Offset: 54, l3Length: 40, srcAddrOffset: 66, dstAddrOffset: 70,
    src: '70.55.213.211', dst: '192.88.99.1', ipProto: 6, ttl: 64, fragId: 1,
    l4Offset: 74, l4Length: 20, srcPort: 31337, dstPort: 80,
    tcpFlags: 0x002, tcpSeq: 0, tcpAck: 0, tcpWindow: 8192, payloadOffset: 94, payloadLength: 0,
    tunnelDepth: 1, tunnelType: TUN_IPV4_IN_IPV6, tunnelId: -1,
    outerIpVersion: 6, outerSrcOffset: 22, outerDstOffset: 38,
    outerSrc: '2002:4637:d5d3::4637:d5d3', outerDst: '2001:4860:0:2001::68', outerProto: 4,
  });
  assert.is(pkt.counters[C_IPV4_IN_IPV6], 2);
});

/** tshark for ndpi/6in6tunnel.pcap frame 1: ipv6.nxt 41, inner dead::beef -> cafe::babe, udp 30000 -> 13000. */
const SIX_IN_SIX_FIELDS = {
  etherType: 0x86dd,
  ipVersion: 6, l3Offset: 54, l3Length: 52, srcAddrOffset: 62, dstAddrOffset: 78,
  src: 'dead::beef', dst: 'cafe::babe', ipProto: 17, ttl: 64,
  l4Offset: 94, l4Length: 12, srcPort: 30000, dstPort: 13000, payloadOffset: 102, payloadLength: 4,
  tunnelDepth: 1, tunnelType: TUN_IPV6_IN_IPV6, tunnelId: -1,
  outerIpVersion: 6, outerSrcOffset: 22, outerDstOffset: 38,
  outerSrc: '2001:4f8:4:7:2e0:81ff:fe52:ffff', outerDst: '2001:4f8:4:7:2e0:81ff:fe52:9a6b', outerProto: 41,
};

test('golden: 6in6', () => {
  const pkt = golden(SIX_IN_SIX, ETH, S_OK, SIX_IN_SIX_FIELDS);
  assert.is(pkt.counters[C_IPV6_IN_IPV6], 2);
});

test('golden: 6in6in6, the outer tuple is the outermost header (tshark: feed::beef -> feed::cafe)', () => {
  const pkt = golden(SIX_IN_SIX_IN_SIX, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 94, l3Length: 52, srcAddrOffset: 102, dstAddrOffset: 118,
    src: 'dead::beef', dst: 'cafe::babe', ipProto: 17, ttl: 64,
    l4Offset: 134, l4Length: 12, srcPort: 30000, dstPort: 13000, payloadOffset: 142, payloadLength: 4,
    tunnelDepth: 2, tunnelType: TUN_IPV6_IN_IPV6, tunnelId: -1,
    outerIpVersion: 6, outerSrcOffset: 22, outerDstOffset: 38, outerSrc: 'feed::beef', outerDst: 'feed::cafe',
    outerProto: 41,
  });
  assert.is(pkt.counters[C_IPV6_IN_IPV6], 4);
});

test('an IP protocol without a decoder is counted and S_OK', () => {
  const pkt = golden(edit(IPIP_ICMP, [23, 132]), ETH, S_OK, { // SCTP
    etherType: 0x0800, ipVersion: 4, l3Offset: 14, l3Length: 104, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.0.0.94', dst: '10.1.0.237', ipProto: 132, ttl: 123, fragId: 0xf777,
  });
  assert.is(pkt.counters[C_OTHER_IP_PROTO], 2);
});

test('every field is reset: tunnelled then plain, and between tunnel kinds', () => {
  const plain = put16(edit(IPIP_ICMP, [23, 1]), 16, 104); // the outer header carrying ICMP bytes
  assertResets({ bytes: IPIP_ICMP, linkType: ETH }, { bytes: plain, linkType: ETH });
  assertResets({ bytes: SIX_IN_SIX_IN_SIX, linkType: ETH }, { bytes: FOUR_IN_SIX, linkType: ETH });
  assertResets({ bytes: IPIP_QINQ, linkType: ETH }, { bytes: SIX_IN_FOUR, linkType: ETH });
});

test('ipip.wrong_ip_version: protocol 4 carrying version 6, protocol 41 carrying version 4', () => {
  expectEvent(edit(IPIP_ICMP, [34, 0x65]), ETH, EV_IPIP_WRONG_IP_VERSION);
  expectEvent(edit(SIX_IN_FOUR, [34, 0x45]), ETH, EV_IPIP_WRONG_IP_VERSION);
  expectEvent(edit(FOUR_IN_SIX, [54, 0x60]), ETH, EV_IPIP_WRONG_IP_VERSION);
  expectEvent(edit(IPIP_ICMP, [34, 0x65]).slice(0, 40), ETH, EV_IPIP_WRONG_IP_VERSION, S_INVALID, 40, 118);
});

test('decoder.too_many_layers from IP-in-IP: one tunnel allowed, the second is an event', () => {
  const one = new DecoderConfig({ maxTunnelDepth: 1 });
  const pkt = expectEvent(SIX_IN_SIX_IN_SIX, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 146, 146, one);
  assert.is(pkt.tunnelDepth, 1);
  golden(SIX_IN_SIX, ETH, S_OK, SIX_IN_SIX_FIELDS, one);
  expectEvent(IPIP_ICMP, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 118, 118, new DecoderConfig({ maxTunnelDepth: 0 }));
});

test('a tunnel inside an IP fragment is not decapsulated (reassembly first), like UDP tunnels', () => {
  // IPIP_ICMP with the outer header's more-fragments bit set: a first fragment carrying protocol 4.
  golden(edit(IPIP_ICMP, [20, 0x60]), ETH, S_OK, {
    etherType: 0x0800, ipVersion: 4, l3Offset: 14, l3Length: 104, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.0.0.94', dst: '10.1.0.237', ipProto: 4, ttl: 123, fragId: 0xf777, fragMore: true, isFragment: true,
  });
});

test('truncation sweep: 4in4 (QinQ), 4in4 ICMP, 6in4, 4in6, 6in6, 6in6in6', () => {
  sweep({ bytes: IPIP_QINQ, linkType: ETH }, [[0, S_TRUNCATED], [70, S_OK]], 170);
  sweep({ bytes: IPIP_ICMP, linkType: ETH }, [[0, S_TRUNCATED], [62, S_OK]], 118);
  sweep({ bytes: SIX_IN_FOUR, linkType: ETH }, [[0, S_TRUNCATED], [106, S_OK]], 106);
  sweep({ bytes: FOUR_IN_SIX, linkType: ETH }, [[0, S_TRUNCATED], [94, S_OK]], 94);
  sweep({ bytes: SIX_IN_SIX, linkType: ETH }, [[0, S_TRUNCATED], [102, S_OK]], 106);
  sweep({ bytes: SIX_IN_SIX_IN_SIX, linkType: ETH }, [[0, S_TRUNCATED], [142, S_OK]], 146);
});

test.run();
