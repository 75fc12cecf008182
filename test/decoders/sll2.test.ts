// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): golden frames, sll2.pkt_too_small, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_ARP, C_SLL2 } from '../../decoders/counters.js';
import { EV_SLL2_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_LINUX_SLL2 } from '../../decoders/link-types.js';
import {
  S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, expectEvent, expectTruncated, golden, hex, sweep,
} from './helpers.js';

// zeek/openjdk-25.0.2-zeek.org.pcap frame 1; tcpdump -XX -nn -r zeek/openjdk-25.0.2-zeek.org.pcap -c 1 (last packet):
// 08:52:08.835142 ifb0  Out IP 192.168.64.6.55058 > 192.0.78.150.443: Flags [S], seq 974184494, win 64240, options [mss 1460,sackOK,TS val 2621143545 ecr 0,nop,wscale 7], length 0
//   0x0000:  0800 0000 0000 0002 0001 0406 fa37 dc8d  .............7..
//   0x0010:  afab 0000 4500 003c 7ba7 4000 4006 afcf  ....E..<{.@.@...
//   0x0020:  c0a8 4006 c000 4e96 d712 01bb 3a10 e02e  ..@...N.....:...
//   0x0030:  0000 0000 a002 faf0 3488 0000 0204 05b4  ........4.......
//   0x0040:  0402 080a 9c3b 79f9 0000 0000 0103 0307  .....;y.........
const SLL2_SYN = hex(`
080000000000000200010406fa37dc8dafab00004500003c7ba740004006afcf
c0a84006c0004e96d71201bb3a10e02e00000000a002faf034880000020405b4
0402080a9c3b79f90000000001030307
`);

// zeek/linux_dlt_sll2.pcap frame 3; tcpdump -XX -nn -r zeek/linux_dlt_sll2.pcap -c 3 (last packet):
// 03:31:04.088564 lo    In  IP6 fe80::8c36:6ff:fe44:acaf > fe80::8c36:6ff:fe44:acaf: ICMP6, echo request, id 9, seq 1, length 64
//   0x0000:  86dd 0000 0000 0001 0304 0006 0000 0000  ................
//   0x0010:  0000 0000 6005 c2e4 0040 3a40 fe80 0000  ....`....@:@....
//   0x0020:  0000 0000 8c36 06ff fe44 acaf fe80 0000  .....6...D......
//   0x0030:  0000 0000 8c36 06ff fe44 acaf 8000 a8d7  .....6...D......
//   0x0040:  0009 0001 f8bd f962 0000 0000 ab59 0100  .......b.....Y..
//   0x0050:  0000 0000 1011 1213 1415 1617 1819 1a1b  ................
//   0x0060:  1c1d 1e1f 2021 2223 2425 2627 2829 2a2b  .....!"#$%&'()*+
//   0x0070:  2c2d 2e2f 3031 3233 3435 3637            ,-./01234567
const SLL2_ICMPV6 = hex(`
86dd0000000000010304000600000000000000006005c2e400403a40fe800000
000000008c3606fffe44acaffe800000000000008c3606fffe44acaf8000a8d7
00090001f8bdf96200000000ab59010000000000101112131415161718191a1b
1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637
`);

// zeek/linux_dlt_sll2.pcap frame 5; tcpdump -XX -nn -r zeek/linux_dlt_sll2.pcap -c 5 (last packet):
// 03:56:33.578961 ?     Out ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28
//   0x0000:  0806 0000 0000 001a 0001 0406 8e36 0644  .............6.D
//   0x0010:  acaf 0000 0001 0800 0604 0001 8e36 0644  .............6.D
//   0x0020:  acaf c000 0201 0000 0000 0000 c000 0202  ................
const SLL2_ARP = hex(`
080600000000001a000104068e360644acaf000000010800060400018e360644
acafc0000201000000000000c0000202
`);

const SLL2 = LINKTYPE_LINUX_SLL2;

test('golden: IPv4 TCP SYN (tshark: sll.etype 0x0800 at offset 0, 192.168.64.6 -> 192.0.78.150, tcp 55058 -> 443)', () => {
  const pkt = golden(SLL2_SYN, SLL2, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 20, l3Length: 60, srcAddrOffset: 32, dstAddrOffset: 36,
    src: '192.168.64.6', dst: '192.0.78.150', ipProto: 6, ttl: 64, fragId: 0x7ba7,
    l4Offset: 40, l4Length: 40, srcPort: 55058, dstPort: 443,
    tcpFlags: 0x002, tcpSeq: 974184494, tcpAck: 0, tcpWindow: 64240,
    payloadOffset: 80, payloadLength: 0,
  });
  assert.is(pkt.counters[C_SLL2], 2);
});

test('golden: IPv6 ICMPv6 echo request (tshark: fe80::8c36:6ff:fe44:acaf both ways, icmpv6 type 128 code 0)', () => {
  golden(SLL2_ICMPV6, SLL2, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 20, l3Length: 104, srcAddrOffset: 28, dstAddrOffset: 44,
    src: 'fe80::8c36:6ff:fe44:acaf', dst: 'fe80::8c36:6ff:fe44:acaf', ipProto: 58, ttl: 64,
    l4Offset: 60, l4Length: 64, icmpType: 128, icmpCode: 0,
    payloadOffset: 64, payloadLength: 60,
  });
});

test('golden: ARP over SLL2 is unsupported (tshark: sll.etype 0x0806)', () => {
  const pkt = golden(SLL2_ARP, SLL2, S_UNSUPPORTED, { etherType: 0x0806 });
  assert.is(pkt.counters[C_ARP], 2);
});

test('every field is reset between frames', () => {
  assertResets({ bytes: SLL2_SYN, linkType: SLL2 }, { bytes: SLL2_ICMPV6, linkType: SLL2 });
  assertResets({ bytes: SLL2_ICMPV6, linkType: SLL2 }, { bytes: SLL2_ARP, linkType: SLL2 });
});

test('sll2.pkt_too_small: fewer than 20 bytes; the same cut by the snap length is truncation', () => {
  for (const n of [0, 2, 16, 19]) {
    expectEvent(SLL2_SYN.slice(0, n), SLL2, EV_SLL2_PKT_TOO_SMALL);
    expectTruncated(SLL2_SYN.slice(0, n), SLL2, SLL2_SYN.length);
  }
});

test('truncation sweep: TCP SYN, ICMPv6 echo (4-byte ICMPv6 header ends at 64), ARP', () => {
  sweep({ bytes: SLL2_SYN, linkType: SLL2 }, [[0, S_TRUNCATED], [80, S_OK]], 80);
  sweep({ bytes: SLL2_ICMPV6, linkType: SLL2 }, [[0, S_TRUNCATED], [64, S_OK]], 124);
  sweep({ bytes: SLL2_ARP, linkType: SLL2 }, [[0, S_TRUNCATED], [20, S_UNSUPPORTED]], 20);
});

test.run();
