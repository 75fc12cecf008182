// ICMP for IPv4: golden echo, port unreachable and redirect (quoted tuple), both icmpv4 events, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_ICMPV4, C_TRUNCATED } from '../../decoders/counters.js';
import { EV_ICMPV4_IPV4_TRUNC_PKT, EV_ICMPV4_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_OK, S_TRUNCATED, assertResets, decode, edit, eventTotal, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// arkime/bigendian.pcap frame 1; tcpdump -XX -nn -r arkime/bigendian.pcap -c 1 (last packet):
// 11:31:53.152630 IP 192.168.177.160 > 10.64.11.49: ICMP echo request, id 17320, seq 0, length 64
//   0x0000:  0000 5e00 01b1 0021 2805 29ba 0800 4500  ..^....!(.)...E.
//   0x0010:  0054 30a7 0000 ff01 0348 c0a8 b1a0 0a40  .T0......H.....@
//   0x0020:  0b31 0800 0afb 43a8 0000 4fa1 1b29 0002  .1....C...O..)..
//   0x0030:  538d 0809 0a0b 0c0d 0e0f 1011 1213 1415  S...............
//   0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425  ...........!"#$%
//   0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435  &'()*+,-./012345
//   0x0060:  3637                                     67
const ECHO = hex(`
00005e0001b10021280529ba08004500005430a70000ff010348c0a8b1a00a40
0b3108000afb43a800004fa11b290002538d08090a0b0c0d0e0f101112131415
161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435
3637
`);

// mercury/capture2.pcap frame 281; tcpdump -XX -nn -r mercury/capture2.pcap -c 281 (last packet):
// 19:32:13.866448 IP 86.128.163.125 > 192.168.1.2: ICMP 86.128.163.125 udp port 25906 unreachable, length 36
//   0x0000:  0004 7696 7bda 0016 e319 2715 0800 4500  ..v.{.....'...E.
//   0x0010:  0038 a9b0 4000 3001 e56c 5680 a37d c0a8  .8..@.0..lV..}..
//   0x0020:  0102 0303 13a8 0000 0000 4500 002e 0000  ..........E.....
//   0x0030:  4000 3011 8f17 c0a8 0102 5680 a37d 8c96  @.0.......V..}..
//   0x0040:  6532 001a f771                           e2...q
const UNREACH_UDP = hex(`
000476967bda0016e3192715080045000038a9b040003001e56c5680a37dc0a8
0102030313a8000000004500002e0000400030118f17c0a801025680a37d8c96
6532001af771
`);

// ndpi/alexa-app.pcapng frame 115; tcpdump -XX -nn -r ndpi/alexa-app.pcapng -c 115 (last packet):
// 16:00:30.758514 IP 172.16.42.1 > 172.16.42.216: ICMP redirect 52.85.209.197 to host 172.16.42.42, length 60
//   0x0000:  78f8 82d3 fbc2 00c0 ca91 a3ef 0800 45c0  x.............E.
//   0x0010:  0050 6a52 0000 4001 62a1 ac10 2a01 ac10  .PjR..@.b...*...
//   0x0020:  2ad8 0501 01ee ac10 2a2a 4500 0034 c449  *.......**E..4.I
//   0x0030:  4000 3f06 9a77 ac10 2ad8 3455 d1c5 d7ca  @.?..w..*.4U....
//   0x0040:  01bb d3b2 9d96 8b84 2d92 8010 01a6 f46c  ........-......l
//   0x0050:  0000 0101 080a 00f6 4a53 6d09 e76e       ........JSm..n
const REDIRECT = hex(`
78f882d3fbc200c0ca91a3ef080045c000506a520000400162a1ac102a01ac10
2ad8050101eeac102a2a45000034c44940003f069a77ac102ad83455d1c5d7ca
01bbd3b29d968b842d92801001a6f46c00000101080a00f64a536d09e76e
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for mercury/capture2.pcap frame 281: icmp type 3 code 3 quoting 192.168.1.2 -> 86.128.163.125 udp 35990 -> 25906. */
const UNREACH_UDP_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 14, l3Length: 56, srcAddrOffset: 26, dstAddrOffset: 30,
  src: '86.128.163.125', dst: '192.168.1.2', ipProto: 1, ttl: 48, fragId: 0xa9b0,
  l4Offset: 34, l4Length: 36, icmpType: 3, icmpCode: 3, payloadOffset: 42, payloadLength: 28,
  icmpQuotedIpVersion: 4, icmpQuotedSrcOffset: 54, icmpQuotedDstOffset: 58,
  quotedSrc: '192.168.1.2', quotedDst: '86.128.163.125', icmpQuotedProto: 17,
  icmpQuotedSrcPort: 35990, icmpQuotedDstPort: 25906,
};

test('golden: echo request (tshark: icmp.type 8 code 0, 192.168.177.160 -> 10.64.11.49)', () => {
  const pkt = golden(ECHO, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 84, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '192.168.177.160', dst: '10.64.11.49', ipProto: 1, ttl: 255, fragId: 0x30a7,
    l4Offset: 34, l4Length: 64, icmpType: 8, icmpCode: 0, payloadOffset: 42, payloadLength: 56,
  });
  assert.is(pkt.counters[C_ICMPV4], 2);
});

test('golden: port unreachable quoting a UDP datagram', () => {
  golden(UNREACH_UDP, ETH, S_OK, UNREACH_UDP_FIELDS);
});

test('golden: redirect (type 5) quoting a TCP segment (tshark: 172.16.42.216 -> 52.85.209.197, 55242 -> 443)', () => {
  golden(REDIRECT, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 80, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '172.16.42.1', dst: '172.16.42.216', ipProto: 1, ttl: 64, fragId: 0x6a52,
    l4Offset: 34, l4Length: 60, icmpType: 5, icmpCode: 1, payloadOffset: 42, payloadLength: 52,
    icmpQuotedIpVersion: 4, icmpQuotedSrcOffset: 54, icmpQuotedDstOffset: 58,
    quotedSrc: '172.16.42.216', quotedDst: '52.85.209.197', icmpQuotedProto: 6,
    icmpQuotedSrcPort: 55242, icmpQuotedDstPort: 443,
  });
});

test('only error types (3, 4, 5, 11, 12) quote a header', () => {
  for (const type of [4, 11, 12]) golden(edit(UNREACH_UDP, [34, type]), ETH, S_OK, { ...UNREACH_UDP_FIELDS, icmpType: type });
  const { icmpQuotedIpVersion, icmpQuotedSrcOffset, icmpQuotedDstOffset, quotedSrc, quotedDst, icmpQuotedProto,
    icmpQuotedSrcPort, icmpQuotedDstPort, ...plain } = UNREACH_UDP_FIELDS;
  void [icmpQuotedIpVersion, icmpQuotedSrcOffset, icmpQuotedDstOffset, quotedSrc, quotedDst, icmpQuotedProto,
    icmpQuotedSrcPort, icmpQuotedDstPort];
  for (const type of [0, 8, 13]) golden(edit(UNREACH_UDP, [34, type]), ETH, S_OK, { ...plain, icmpType: type });
});

test('every field is reset: an error with a quoted tuple, then an echo', () => {
  assertResets({ bytes: UNREACH_UDP, linkType: ETH }, { bytes: ECHO, linkType: ETH });
  assertResets({ bytes: REDIRECT, linkType: ETH }, { bytes: UNREACH_UDP, linkType: ETH });
});

test('icmpv4.pkt_too_small: under 8 bytes; the same cut by the snap length is truncation', () => {
  expectEvent(put16(ECHO, 16, 27), ETH, EV_ICMPV4_PKT_TOO_SMALL);
  expectEvent(put16(ECHO, 16, 20), ETH, EV_ICMPV4_PKT_TOO_SMALL);
  for (const n of [34, 38, 41]) expectTruncated(ECHO.slice(0, n), ETH, ECHO.length);
});

test('icmpv4.ipv4_trunc_pkt: the quoted header does not fit or is not IP; counted, the message is still decoded (S_OK)', () => {
  for (const [what, bytes] of [
    ['19 quoted bytes', put16(UNREACH_UDP, 16, 20 + 8 + 19)],
    ['nothing quoted', put16(UNREACH_UDP, 16, 20 + 8)],
    ['quoted version 5', edit(UNREACH_UDP, [42, 0x55])],
  ] as const) {
    const pkt = expectEvent(bytes, ETH, EV_ICMPV4_IPV4_TRUNC_PKT, S_OK);
    assert.is(pkt.icmpType, 3, what);
  }
});

test('a quoted header cut by the snap length is truncation, not icmpv4.ipv4_trunc_pkt', () => {
  for (const n of [42, 50, 61]) {
    const pkt = new Packet();
    assert.is(decode(pkt, UNREACH_UDP.slice(0, n), ETH, n, UNREACH_UDP.length), S_OK, `cut at ${n}`);
    assert.is(pkt.icmpType, 3);
    assert.is(eventTotal(pkt), 0, `cut at ${n}: no event`);
    assert.is(pkt.lastEvent, -1);
    assert.is(pkt.counters[C_TRUNCATED], 1);
  }
});

test('truncation sweep: echo, unreachable, redirect (the ICMP header ends at 42; the quote is lenient)', () => {
  sweep({ bytes: ECHO, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 98);
  sweep({ bytes: UNREACH_UDP, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 70);
  sweep({ bytes: REDIRECT, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 94);
});

test.run();
