// Teredo (IPv6 in UDP 3544): golden frames (authentication header + router solicitation, bubble),
// origin indication, payloads that stay plain UDP, custom port, too_many_layers, resets, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_TEREDO } from '../../decoders/counters.js';
import { EV_TOO_MANY_LAYERS } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DecoderConfig, TUN_TEREDO } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, edit, expectEvent, golden, hex, put16, sweep,
} from './helpers.js';

// mercury/capture2.pcap frame 3524; tcpdump -XX -nn -r mercury/capture2.pcap -c 3524 (last packet):
// 01:02:04.414212 IP 192.168.1.101.59656 > 157.56.106.184.3544: UDP, length 61
//   0x0000:  d07a b596 cd0a 0014 0b33 3327 0800 4500  .z.......33'..E.
//   0x0010:  0059 3139 0000 8011 3f5d c0a8 0165 9d38  .Y19....?]...e.8
//   0x0020:  6ab8 e908 0dd8 0045 b6e0 0001 0000 12e3  j......E........
//   0x0030:  1df1 8842 08f2 0060 0000 0000 083a fffe  ...B...`.....:..
//   0x0040:  8000 0000 0000 0000 00ff ffff ffff feff  ................
//   0x0050:  0200 0000 0000 0000 0000 0000 0000 0285  ................
//   0x0060:  007d 3800 0000 00                        .}8....
const TEREDO_RS = hex(`
d07ab596cd0a00140b3333270800450000593139000080113f5dc0a801659d38
6ab8e9080dd80045b6e00001000012e31df1884208f2006000000000083afffe
800000000000000000fffffffffffeff02000000000000000000000000000285
007d3800000000
`);

// mercury/capture2.pcap frame 4660; tcpdump -XX -nn -r mercury/capture2.pcap -c 4660 (last packet):
// 01:02:25.208329 IP 192.168.1.101.59656 > 157.56.144.215.3544: UDP, length 60
//   0x0000:  d07a b596 cd0a 0014 0b33 3327 0800 4500  .z.......33'..E.
//   0x0010:  0058 3239 0000 8011 183f c0a8 0165 9d38  .X29.....?...e.8
//   0x0020:  90d7 e908 0dd8 0044 fa66 6000 0000 0000  .......D.f`.....
//   0x0030:  3b15 2001 0000 9d38 6ab8 2428 d67b 3a62  ;......8j.$(.{:b
//   0x0040:  ffee 2001 0000 9d38 90d7 04d2 26a2 bc03  .......8....&...
//   0x0050:  7cc1 0104 6908 dbf5 0308 0000 c0a8 0165  |...i..........e
//   0x0060:  e908 0502 7a96                           ....z.
const TEREDO_BUBBLE = hex(`
d07ab596cd0a00140b333327080045000058323900008011183fc0a801659d38
90d7e9080dd80044fa666000000000003b15200100009d386ab82428d67b3a62
ffee200100009d3890d704d226a2bc037cc101046908dbf503080000c0a80165
e90805027a96
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for mercury/capture2.pcap frame 3524: 13-byte teredo.auth, then IPv6 fe80::ffff:ffff:fffe -> ff02::2, ICMPv6 133. */
const TEREDO_RS_FIELDS = {
  etherType: 0x0800,
  ipVersion: 6, l3Offset: 55, l3Length: 48, srcAddrOffset: 63, dstAddrOffset: 79,
  src: 'fe80::ffff:ffff:fffe', dst: 'ff02::2', ipProto: 58, ttl: 255,
  l4Offset: 95, l4Length: 8, icmpType: 133, icmpCode: 0, payloadOffset: 99, payloadLength: 4,
  tunnelDepth: 1, tunnelType: TUN_TEREDO, tunnelId: -1,
  outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '192.168.1.101', outerDst: '157.56.106.184',
  outerProto: 17, outerSrcPort: 59656, outerDstPort: 3544,
};

/** tshark for mercury/capture2.pcap frame 4660: a bubble, IPv6 payload length 0, next header 59, 20 trailing bytes. */
function bubble(shift: number) {
  return {
    etherType: 0x0800,
    ipVersion: 6, l3Offset: 42 + shift, l3Length: 40, srcAddrOffset: 50 + shift, dstAddrOffset: 66 + shift,
    src: '2001:0:9d38:6ab8:2428:d67b:3a62:ffee', dst: '2001:0:9d38:90d7:4d2:26a2:bc03:7cc1', ipProto: 59, ttl: 21,
    tunnelDepth: 1, tunnelType: TUN_TEREDO, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '192.168.1.101', outerDst: '157.56.144.215',
    outerProto: 17, outerSrcPort: 59656, outerDstPort: 3544,
  };
}

/** The bubble's UDP datagram, as plain UDP (not decapsulated). */
function bubbleAsUdp(udpLength: number, dstPort = 3544) {
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 20 + udpLength, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '192.168.1.101', dst: '157.56.144.215', ipProto: 17, ttl: 128, fragId: 0x3239,
    l4Offset: 34, l4Length: udpLength, srcPort: 59656, dstPort, payloadOffset: 42, payloadLength: udpLength - 8,
  };
}

/** TEREDO_BUBBLE with `extra` bytes inserted before the IPv6 header (UDP and IP lengths fixed up). */
function bubbleWith(extra: Uint8Array): Uint8Array {
  const b = concat(TEREDO_BUBBLE.subarray(0, 42), extra, TEREDO_BUBBLE.subarray(42));
  return put16(put16(b, 16, 88 + extra.length), 38, 68 + extra.length);
}

test('golden: authentication indicator, then IPv6 ICMPv6 router solicitation', () => {
  const pkt = golden(TEREDO_RS, ETH, S_OK, TEREDO_RS_FIELDS);
  assert.is(pkt.counters[C_TEREDO], 2);
});

test('golden: a bubble (payload length 0, no next header): the IPv6 packet is its 40-byte header', () => {
  golden(TEREDO_BUBBLE, ETH, S_OK, bubble(0));
});

test('origin indication (8 bytes), alone and after an authentication indicator', () => {
  const origin = hex('0000 f6f7 3ac762ff');
  golden(bubbleWith(origin), ETH, S_OK, bubble(8));
  const auth = hex('0001 0000 0102030405060708 00');
  golden(bubbleWith(concat(auth, origin)), ETH, S_OK, bubble(21));
});

test('a payload that is not a complete IPv6 packet stays plain UDP (S_OK, no tunnel)', () => {
  golden(edit(TEREDO_BUBBLE, [42, 0x45]), ETH, S_OK, bubbleAsUdp(68)); // version 4
  golden(put16(put16(TEREDO_BUBBLE, 16, 20 + 8 + 39), 38, 8 + 39), ETH, S_OK, bubbleAsUdp(47)); // 39 bytes
  golden(put16(TEREDO_BUBBLE, 46, 21), ETH, S_OK, bubbleAsUdp(68)); // payload length past the datagram
});

test('Teredo ports via DecoderConfig', () => {
  golden(TEREDO_BUBBLE, ETH, S_OK, bubbleAsUdp(68), new DecoderConfig({ teredoPorts: [] }));
  golden(put16(TEREDO_BUBBLE, 36, 3545), ETH, S_OK, { ...bubble(0), outerDstPort: 3545 }, new DecoderConfig({ teredoPorts: [3545] }));
});

test('every field is reset: Teredo, then the same datagram on another port', () => {
  assertResets({ bytes: TEREDO_RS, linkType: ETH }, { bytes: put16(TEREDO_RS, 36, 3545), linkType: ETH });
  assertResets({ bytes: TEREDO_BUBBLE, linkType: ETH }, { bytes: TEREDO_RS, linkType: ETH });
});

test('decoder.too_many_layers: Teredo with no tunnel allowed', () => {
  expectEvent(TEREDO_RS, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 103, 103, new DecoderConfig({ maxTunnelDepth: 0 }));
});

test('truncation sweep: a cut before the inner IPv6 header is complete leaves plain UDP (S_OK)', () => {
  sweep({ bytes: TEREDO_RS, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK], [95, S_TRUNCATED], [99, S_OK]], 103);
  sweep({ bytes: TEREDO_BUBBLE, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 102);
});

test.run();
