// VXLAN: golden frames with the outer tuple and VNI, both vxlan events, too_many_layers, the UDP
// ports from DecoderConfig (custom, source port, removed), resets, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_VXLAN } from '../../decoders/counters.js';
import { EV_TOO_MANY_LAYERS, EV_VXLAN_INVALID_FLAGS, EV_VXLAN_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DecoderConfig, TUN_VXLAN } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, edit, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// zeek/vxlan-encapsulated-http.pcap frame 10; tcpdump -XX -nn -r zeek/vxlan-encapsulated-http.pcap -c 10 (last packet):
// 15:44:34.112997 IP 10.1.200.131.50000 > 10.1.1.172.4789: VXLAN, flags [I] (0x08), vni 1
// IP 172.16.11.201.40354 > 54.86.237.188.80: Flags [F.], seq 88, ack 9213, win 501, options [nop,nop,TS val 3079526495 ecr 231008329], length 0
//   0x0000:  1242 cdc5 e822 1242 cdc5 e822 0800 4500  .B...".B..."..E.
//   0x0010:  0066 0000 0000 4011 9c56 0a01 c883 0a01  .f....@..V......
//   0x0020:  01ac c350 12b5 0052 9627 0800 0000 0000  ...P...R.'......
//   0x0030:  0100 74ac b93f d27d 48f1 7fa3 b6ff 0800  ..t..?.}H.......
//   0x0040:  4500 0034 199d 4000 4006 453b ac10 0bc9  E..4..@.@.E;....
//   0x0050:  3656 edbc 9da2 0050 5aaf e200 961d fd1a  6V.....PZ.......
//   0x0060:  8011 01f5 a504 0000 0101 080a b78d d85f  ..............._
//   0x0070:  0dc4 e849                                ...I
const VXLAN = hex(`
1242cdc5e8221242cdc5e8220800450000660000000040119c560a01c8830a01
01acc35012b500529627080000000000010074acb93fd27d48f17fa3b6ff0800
45000034199d40004006453bac100bc93656edbc9da200505aafe200961dfd1a
801101f5a50400000101080ab78dd85f0dc4e849
`);

// ndpi/vxlan.pcap frame 54; tcpdump -XX -nn -r ndpi/vxlan.pcap -c 54 (last packet):
// 10:27:23.097770 IP 192.168.22.4.60230 > 192.168.22.5.4789: VXLAN, flags [I] (0x08), vni 1111
// IP 10.10.20.4.45226 > 157.240.224.35.443: Flags [R], seq 1181472275, win 0, length 0
//   0x0000:  000c bd06 3a74 000c bd06 3a75 8100 0005  ....:t....:u....
//   0x0010:  0800 4500 005a 0388 0000 4011 c9b1 c0a8  ..E..Z....@.....
//   0x0020:  1604 c0a8 1605 eb46 12b5 0046 daa0 0800  .......F...F....
//   0x0030:  0000 0004 5700 667a 50aa ff9a 1eea 692a  ....W.fzP.....i*
//   0x0040:  6fcf 0800 4508 0028 0000 4000 4006 9ea6  o...E..(..@.@...
//   0x0050:  0a0a 1404 9df0 e023 b0aa 01bb 466b d613  .......#....Fk..
//   0x0060:  0000 0000 5004 0000 44da 0000            ....P...D...
const VXLAN_VLAN = hex(`
000cbd063a74000cbd063a758100000508004500005a038800004011c9b1c0a8
1604c0a81605eb4612b50046daa00800000000045700667a50aaff9a1eea692a
6fcf0800450800280000400040069ea60a0a14049df0e023b0aa01bb466bd613
000000005004000044da0000
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for zeek/vxlan-encapsulated-http.pcap frame 10: vxlan.vni 1; inner tcp 40354 -> 80 [F.]. */
const VXLAN_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 64, l3Length: 52, srcAddrOffset: 76, dstAddrOffset: 80,
  src: '172.16.11.201', dst: '54.86.237.188', ipProto: 6, ttl: 64, fragId: 0x199d,
  l4Offset: 84, l4Length: 32, srcPort: 40354, dstPort: 80,
  tcpFlags: 0x011, tcpSeq: 1521476096, tcpAck: 2518547738, tcpWindow: 501, payloadOffset: 116, payloadLength: 0,
  tunnelDepth: 1, tunnelType: TUN_VXLAN, tunnelId: 1,
  outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.1.200.131', outerDst: '10.1.1.172',
  outerProto: 17, outerSrcPort: 50000, outerDstPort: 4789,
};

/** The outer UDP datagram as the innermost layer (not decapsulated). */
function outerOnly(dstPort: number) {
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 102, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.1.200.131', dst: '10.1.1.172', ipProto: 17, ttl: 64, fragId: 0,
    l4Offset: 34, l4Length: 82, srcPort: 50000, dstPort, payloadOffset: 42, payloadLength: 74,
  };
}

test('golden: VXLAN on 4789, inner TCP FIN-ACK', () => {
  const pkt = golden(VXLAN, ETH, S_OK, VXLAN_FIELDS);
  assert.is(pkt.counters[C_VXLAN], 2);
});

test('golden: VXLAN under an outer VLAN tag (tshark: vlan.id 5, vxlan.vni 1111, inner tcp 45226 -> 443 RST)', () => {
  golden(VXLAN_VLAN, ETH, S_OK, {
    etherType: 0x0800, vlanCount: 1, vlan: [5],
    ipVersion: 4, l3Offset: 68, l3Length: 40, srcAddrOffset: 80, dstAddrOffset: 84,
    src: '10.10.20.4', dst: '157.240.224.35', ipProto: 6, ttl: 64, fragId: 0,
    l4Offset: 88, l4Length: 20, srcPort: 45226, dstPort: 443,
    tcpFlags: 0x004, tcpSeq: 1181472275, tcpAck: 0, tcpWindow: 0, payloadOffset: 108, payloadLength: 0,
    tunnelDepth: 1, tunnelType: TUN_VXLAN, tunnelId: 1111,
    outerIpVersion: 4, outerSrcOffset: 30, outerDstOffset: 34, outerSrc: '192.168.22.4', outerDst: '192.168.22.5',
    outerProto: 17, outerSrcPort: 60230, outerDstPort: 4789,
  });
});

test('UDP ports: 8472 by default, a custom port, the source port, a removed default', () => {
  golden(put16(VXLAN, 36, 8472), ETH, S_OK, { ...VXLAN_FIELDS, outerDstPort: 8472 });
  golden(put16(VXLAN, 36, 9999), ETH, S_OK, outerOnly(9999));
  const custom = new DecoderConfig({ vxlanPorts: [9999] });
  golden(put16(VXLAN, 36, 9999), ETH, S_OK, { ...VXLAN_FIELDS, outerDstPort: 9999 }, custom);
  golden(VXLAN, ETH, S_OK, outerOnly(4789), custom); // 4789 is no longer VXLAN
  // Source port 4789 towards an unknown destination port is VXLAN too (Wireshark and Suricata agree).
  golden(put16(put16(VXLAN, 36, 9999), 34, 4789), ETH, S_OK, { ...VXLAN_FIELDS, outerSrcPort: 4789, outerDstPort: 9999 });
});

test('every field is reset: a VXLAN frame, then the same UDP datagram on a plain port', () => {
  assertResets({ bytes: VXLAN, linkType: ETH }, { bytes: put16(VXLAN, 36, 9999), linkType: ETH });
  assertResets({ bytes: VXLAN_VLAN, linkType: ETH }, { bytes: VXLAN, linkType: ETH });
});

test('vxlan.pkt_too_small: fewer than 8 bytes after UDP; the same cut by the snap length is truncation', () => {
  expectEvent(put16(put16(VXLAN, 38, 8 + 7), 16, 20 + 8 + 7), ETH, EV_VXLAN_PKT_TOO_SMALL);
  expectEvent(put16(put16(VXLAN, 38, 8), 16, 28), ETH, EV_VXLAN_PKT_TOO_SMALL);
  for (const n of [42, 45, 49]) expectTruncated(VXLAN.slice(0, n), ETH, VXLAN.length);
});

test('vxlan.invalid_flags: without the I flag it is not VXLAN; the UDP datagram stays innermost (S_OK)', () => {
  const pkt = expectEvent(edit(VXLAN, [42, 0x00]), ETH, EV_VXLAN_INVALID_FLAGS, S_OK);
  assert.is(pkt.tunnelDepth, 0);
  assert.is(pkt.dstPort, 4789);
  assert.is(pkt.l4Offset, 34);
});

test('decoder.too_many_layers: VXLAN with no tunnel allowed', () => {
  const pkt = expectEvent(VXLAN, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 116, 116, new DecoderConfig({ maxTunnelDepth: 0 }));
  assert.is(pkt.tunnelDepth, 0);
});

test('truncation sweep: VXLAN, VXLAN under VLAN (every header up to the inner TCP is required)', () => {
  sweep({ bytes: VXLAN, linkType: ETH }, [[0, S_TRUNCATED], [116, S_OK]], 116);
  sweep({ bytes: VXLAN_VLAN, linkType: ETH }, [[0, S_TRUNCATED], [108, S_OK]], 108);
});

test.run();
