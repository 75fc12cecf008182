// ICMPv6: golden neighbor solicitation and port unreachable (quoted tuple), both icmpv6 events, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_ICMPV6, C_TRUNCATED } from '../../decoders/counters.js';
import { EV_ICMPV6_IPV6_TRUNC_PKT, EV_ICMPV6_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_OK, S_TRUNCATED, assertResets, decode, edit, eventTotal, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// mercury/surfshark.pcap frame 3920; tcpdump -XX -nn -r mercury/surfshark.pcap -c 3920 (last packet):
// 22:23:30.339959 IP6 fe80::15:b2ff:fe00:0 > fe80::2: ICMP6, neighbor solicitation, who has fe80::2, length 32
//   0x0000:  5256 0000 0002 0215 b200 0000 86dd 6000  RV............`.
//   0x0010:  0000 0020 3aff fe80 0000 0000 0000 0015  ....:...........
//   0x0020:  b2ff fe00 0000 fe80 0000 0000 0000 0000  ................
//   0x0030:  0000 0000 0002 8700 16f2 0000 0000 fe80  ................
//   0x0040:  0000 0000 0000 0000 0000 0000 0002 0101  ................
//   0x0050:  0215 b200 0000                           ......
const NEIGHBOR_SOLICIT = hex(`
5256000000020215b200000086dd6000000000203afffe800000000000000015
b2fffe000000fe800000000000000000000000000002870016f200000000fe80
000000000000000000000000000201010215b2000000
`);

// ndpi/quic_interop_V.pcapng frame 150; tcpdump -XX -nn -r ndpi/quic_interop_V.pcapng -c 150 (last packet):
// 16:33:55.011267 IP6 2001:b07:ac9:d5ae:a4d3:fe47:691e:807d > 2400:8902::f03c:91ff:fe69:a454: ICMP6, destination unreachable, unreachable port, 2001:b07:ac9:d5ae:a4d3:fe47:691e:807d udp port 56213, length 91
//   0x0000:  a491 b182 3439 3ca9 f4a8 1fec 86dd 6009  ....49<.......`.
//   0x0010:  30f4 005b 3a40 2001 0b07 0ac9 d5ae a4d3  0..[:@..........
//   0x0020:  fe47 691e 807d 2400 8902 0000 0000 f03c  .Gi..}$........<
//   0x0030:  91ff fe69 a454 0104 1156 0000 0000 6009  ...i.T...V....`.
//   0x0040:  11af 002b 1134 2400 8902 0000 0000 f03c  ...+.4$........<
//   0x0050:  91ff fe69 a454 2001 0b07 0ac9 d5ae a4d3  ...i.T..........
//   0x0060:  fe47 691e 807d 1151 db95 002b 3f10 a400  .Gi..}.Q...+?...
//   0x0070:  0000 0000 08fd 5287 1e53 c8a2 40da 7a1a  ......R..S..@.z.
//   0x0080:  4aff 0000 1dff 0000 1eff 0000 1fff 0000  J...............
//   0x0090:  20                                       .
const UNREACH6_UDP = hex(`
a491b18234393ca9f4a81fec86dd600930f4005b3a4020010b070ac9d5aea4d3
fe47691e807d2400890200000000f03c91fffe69a45401041156000000006009
11af002b11342400890200000000f03c91fffe69a45420010b070ac9d5aea4d3
fe47691e807d1151db95002b3f10a4000000000008fd52871e53c8a240da7a1a
4aff00001dff00001eff00001fff000020
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for ndpi/quic_interop_V.pcapng frame 150: icmpv6 type 1 code 4 quoting 2400:8902::... udp 4433 -> 56213. */
const UNREACH6_FIELDS = {
  etherType: 0x86dd,
  ipVersion: 6, l3Offset: 14, l3Length: 131, srcAddrOffset: 22, dstAddrOffset: 38,
  src: '2001:b07:ac9:d5ae:a4d3:fe47:691e:807d', dst: '2400:8902::f03c:91ff:fe69:a454', ipProto: 58, ttl: 64,
  l4Offset: 54, l4Length: 91, icmpType: 1, icmpCode: 4, payloadOffset: 58, payloadLength: 87,
  icmpQuotedIpVersion: 6, icmpQuotedSrcOffset: 70, icmpQuotedDstOffset: 86,
  quotedSrc: '2400:8902::f03c:91ff:fe69:a454', quotedDst: '2001:b07:ac9:d5ae:a4d3:fe47:691e:807d',
  icmpQuotedProto: 17, icmpQuotedSrcPort: 4433, icmpQuotedDstPort: 56213,
};

test('golden: neighbor solicitation (tshark: icmpv6.type 135 code 0, fe80::15:b2ff:fe00:0 -> fe80::2)', () => {
  const pkt = golden(NEIGHBOR_SOLICIT, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 72, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::15:b2ff:fe00:0', dst: 'fe80::2', ipProto: 58, ttl: 255,
    l4Offset: 54, l4Length: 32, icmpType: 135, icmpCode: 0, payloadOffset: 58, payloadLength: 28,
  });
  assert.is(pkt.counters[C_ICMPV6], 2);
});

test('golden: port unreachable quoting a UDP datagram', () => {
  golden(UNREACH6_UDP, ETH, S_OK, UNREACH6_FIELDS);
});

test('only error types 1-4 quote a header', () => {
  for (const type of [2, 3, 4]) golden(edit(UNREACH6_UDP, [54, type]), ETH, S_OK, { ...UNREACH6_FIELDS, icmpType: type });
  const pkt = new Packet();
  for (const type of [0, 5, 128, 129]) {
    assert.is(decode(pkt, edit(UNREACH6_UDP, [54, type]), ETH), S_OK);
    assert.is(pkt.icmpType, type);
    assert.is(pkt.icmpQuotedIpVersion, 0, `type ${type}`);
    assert.is(pkt.icmpQuotedSrcPort, 0);
  }
});

test('every field is reset: an error with a quoted tuple, then a neighbor solicitation', () => {
  assertResets({ bytes: UNREACH6_UDP, linkType: ETH }, { bytes: NEIGHBOR_SOLICIT, linkType: ETH });
});

test('icmpv6.pkt_too_small: under 4 bytes; the same cut by the snap length is truncation', () => {
  expectEvent(put16(NEIGHBOR_SOLICIT, 18, 3), ETH, EV_ICMPV6_PKT_TOO_SMALL);
  expectEvent(put16(NEIGHBOR_SOLICIT, 18, 0).slice(0, 54), ETH, EV_ICMPV6_PKT_TOO_SMALL); // jumbo, nothing after
  for (const n of [54, 55, 57]) expectTruncated(NEIGHBOR_SOLICIT.slice(0, n), ETH, NEIGHBOR_SOLICIT.length);
});

test('icmpv6.ipv6_trunc_pkt: an error without room for the quoted header; counted, decoded on (S_OK)', () => {
  for (const [what, bytes] of [
    ['4-byte message', put16(UNREACH6_UDP, 18, 4)],
    ['7-byte message', put16(UNREACH6_UDP, 18, 7)],
    ['39 quoted bytes', put16(UNREACH6_UDP, 18, 8 + 39)],
    ['quoted version 5', edit(UNREACH6_UDP, [62, 0x50])],
  ] as const) {
    const pkt = expectEvent(bytes, ETH, EV_ICMPV6_IPV6_TRUNC_PKT, S_OK);
    assert.is(pkt.icmpType, 1, what);
  }
});

test('a quoted header cut by the snap length is truncation, not icmpv6.ipv6_trunc_pkt', () => {
  for (const n of [58, 61, 62, 100, 101]) {
    const pkt = new Packet();
    assert.is(decode(pkt, UNREACH6_UDP.slice(0, n), ETH, n, UNREACH6_UDP.length), S_OK, `cut at ${n}`);
    assert.is(eventTotal(pkt), 0, `cut at ${n}: no event`);
    assert.is(pkt.counters[C_TRUNCATED], 1);
  }
});

test('truncation sweep: neighbor solicitation, unreachable (the 4-byte ICMPv6 header ends at 58)', () => {
  sweep({ bytes: NEIGHBOR_SOLICIT, linkType: ETH }, [[0, S_TRUNCATED], [58, S_OK]], 86);
  sweep({ bytes: UNREACH6_UDP, linkType: ETH }, [[0, S_TRUNCATED], [58, S_OK]], 145);
});

test.run();
