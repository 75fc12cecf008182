// UDP header: golden frames over IPv4 and IPv6, every udp event, a datagram shorter than its IP
// payload, snap-length cuts in the payload, truncation sweep. Tunnel ports: vxlan/geneve/teredo tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_TRUNCATED, C_UDP } from '../../decoders/counters.js';
import { EV_UDP_HLEN_INVALID, EV_UDP_HLEN_TOO_SMALL, EV_UDP_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, decode, eventTotal, expectEvent, expectTruncated, golden, hex, put16,
  sweep,
} from './helpers.js';

// mercury/mdns_capture.pcap frame 106; tcpdump -XX -nn -r mercury/mdns_capture.pcap -c 106 (last packet):
// 00:00:00.000000 IP6 fe80::c1c6:2a21:bdb5:deeb.5353 > ff02::fb.5353: 0 [2q] PTR (QM)? _ipps._tcp.local. PTR (QM)? _ipp._tcp.local. (45)
//   0x0000:  3333 0000 00fb dca6 3225 52a4 86dd 600a  33......2%R...`.
//   0x0010:  7482 0035 11ff fe80 0000 0000 0000 c1c6  t..5............
//   0x0020:  2a21 bdb5 deeb ff02 0000 0000 0000 0000  *!..............
//   0x0030:  0000 0000 00fb 14e9 14e9 0035 4d2f 0000  ...........5M/..
//   0x0040:  0000 0002 0000 0000 0000 055f 6970 7073  ..........._ipps
//   0x0050:  045f 7463 7005 6c6f 6361 6c00 000c 0001  ._tcp.local.....
//   0x0060:  045f 6970 70c0 1200 0c00 01              ._ipp......
const MDNS6 = hex(`
3333000000fbdca6322552a486dd600a7482003511fffe80000000000000c1c6
2a21bdb5deebff0200000000000000000000000000fb14e914e900354d2f0000
00000002000000000000055f69707073045f746370056c6f63616c00000c0001
045f697070c012000c0001
`);

// pcapplusplus/DnsPackets.pcap frame 22; tcpdump -XX -nn -r pcapplusplus/DnsPackets.pcap -c 22 (last packet):
// 19:17:21.109787 IP 10.0.0.1.57828 > 224.0.0.252.5355: UDP, length 22
//   0x0000:  0100 5e00 00fc 6cf0 49b2 de6e 0800 4500  ..^...l.I..n..E.
//   0x0010:  0032 774c 0000 0111 5772 0a00 0001 e000  .2wL....Wr......
//   0x0020:  00fc e1e4 14eb 001e 9e02 a706 0000 0001  ................
//   0x0030:  0000 0000 0000 0477 7061 6400 0001 0001  .......wpad.....
const LLMNR4 = hex(`
01005e0000fc6cf049b2de6e080045000032774c0000011157720a000001e000
00fce1e414eb001e9e02a7060000000100000000000004777061640000010001
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for pcapplusplus/DnsPackets.pcap frame 22: 10.0.0.1 -> 224.0.0.252, udp 57828 -> 5355, length 30. */
const LLMNR4_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 14, l3Length: 50, srcAddrOffset: 26, dstAddrOffset: 30,
  src: '10.0.0.1', dst: '224.0.0.252', ipProto: 17, ttl: 1, fragId: 0x774c,
  l4Offset: 34, l4Length: 30, srcPort: 57828, dstPort: 5355, payloadOffset: 42, payloadLength: 22,
};

test('golden: UDP over IPv6 (tshark: fe80::c1c6:2a21:bdb5:deeb -> ff02::fb, 5353 -> 5353, length 53)', () => {
  const pkt = golden(MDNS6, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 93, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::c1c6:2a21:bdb5:deeb', dst: 'ff02::fb', ipProto: 17, ttl: 255,
    l4Offset: 54, l4Length: 53, srcPort: 5353, dstPort: 5353, payloadOffset: 62, payloadLength: 45,
  });
  assert.is(pkt.counters[C_UDP], 2);
});

test('golden: UDP over IPv4', () => {
  golden(LLMNR4, ETH, S_OK, LLMNR4_FIELDS);
});

test('a UDP length shorter than the IP payload bounds the datagram', () => {
  golden(put16(LLMNR4, 38, 20), ETH, S_OK, { ...LLMNR4_FIELDS, l4Length: 20, payloadLength: 12 });
  golden(put16(LLMNR4, 38, 8), ETH, S_OK, { ...LLMNR4_FIELDS, l4Length: 8, payloadLength: 0 });
});

test('every field is reset between frames', () => {
  assertResets({ bytes: MDNS6, linkType: ETH }, { bytes: LLMNR4, linkType: ETH });
});

test('udp.pkt_too_small: fewer than 8 bytes of IP payload; the same cut by the snap length is truncation', () => {
  expectEvent(put16(LLMNR4, 16, 27), ETH, EV_UDP_PKT_TOO_SMALL);
  expectEvent(put16(LLMNR4, 16, 20), ETH, EV_UDP_PKT_TOO_SMALL);
  for (const n of [34, 37, 41]) expectTruncated(LLMNR4.slice(0, n), ETH, LLMNR4.length);
});

test('udp.hlen_too_small: a UDP length under 8; a snap-length cut does not excuse it', () => {
  for (const ulen of [0, 1, 7]) expectEvent(put16(LLMNR4, 38, ulen), ETH, EV_UDP_HLEN_TOO_SMALL);
  expectEvent(put16(MDNS6, 58, 7), ETH, EV_UDP_HLEN_TOO_SMALL);
  expectEvent(put16(LLMNR4, 38, 7).slice(0, 50), ETH, EV_UDP_HLEN_TOO_SMALL, S_INVALID, 50, 64);
});

test('udp.hlen_invalid: a UDP length past the IP payload of an uncut frame', () => {
  expectEvent(put16(LLMNR4, 38, 31), ETH, EV_UDP_HLEN_INVALID);
  expectEvent(put16(MDNS6, 58, 0xffff), ETH, EV_UDP_HLEN_INVALID);
});

test('a snap-length cut in the payload: headers decoded, payload as far as captured, truncated once', () => {
  const pkt = new Packet();
  assert.is(decode(pkt, LLMNR4.slice(0, 50), ETH, 50, 64), S_OK);
  assert.is(pkt.dstPort, 5355);
  assert.is(pkt.l4Length, 16);
  assert.is(pkt.payloadLength, 8);
  assert.is(pkt.counters[C_TRUNCATED], 1);
  assert.is(eventTotal(pkt), 0);
});

test('truncation sweep: IPv6 mDNS, IPv4 LLMNR', () => {
  sweep({ bytes: MDNS6, linkType: ETH }, [[0, S_TRUNCATED], [62, S_OK]], 107);
  sweep({ bytes: LLMNR4, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 64);
});

test.run();
