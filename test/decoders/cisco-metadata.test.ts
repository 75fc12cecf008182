// Cisco MetaData (EtherType 0x8909): golden frames in GRE (ICMP inside; a GRE keepalive inside),
// the Ethernet layout, cmd.pkt_too_small, resets, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_CMD, C_UNKNOWN_ETHERTYPE } from '../../decoders/counters.js';
import { EV_CMD_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { TUN_GRE } from '../../decoders/packet.js';
import {
  S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, concat, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// tcpdump/various_gre.pcap frame 25; tcpdump -XX -nn -r tcpdump/various_gre.pcap -c 25 (last packet):
// 09:45:13.293327 IP 10.172.64.6 > 10.172.64.7: GREv0, key=0x28, length 116: gre-proto-0x8909
//   0x0000:  aabb cc00 0200 aabb cc00 0100 8100 04bd  ................
//   0x0010:  0800 4500 0088 0091 0000 ff2f 2551 0aac  ..E......../%Q..
//   0x0020:  4006 0aac 4007 2000 8909 0000 0028 0800  @...@........(..
//   0x0030:  0101 0001 0000 4500 0064 0005 0000 ff01  ......E..d......
//   0x0040:  6104 ac11 0136 ac11 0137 0800 64fe 0001  a....6...7..d...
//   0x0050:  0000 0000 0000 000c 193f abcd abcd abcd  .........?......
//   0x0060:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0070:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0080:  abcd abcd abcd abcd abcd abcd abcd abcd  ................
//   0x0090:  abcd abcd abcd abcd abcd                 ..........
const CMD_GRE_ICMP = hex(`
aabbcc000200aabbcc000100810004bd08004500008800910000ff2f25510aac
40060aac4007200089090000002808000101000100004500006400050000ff01
6104ac110136ac110137080064fe0001000000000000000c193fabcdabcdabcd
abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd
abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd
`);

// tcpdump/various_gre.pcap frame 11; tcpdump -XX -nn -r tcpdump/various_gre.pcap -c 11 (last packet):
// 09:45:07.471682 IP 10.172.64.7 > 10.172.64.6: GREv0, key=0x28, length 44: gre-proto-0x8909
//   0x0000:  aabb cc00 0100 aabb cc00 0200 8100 04bd  ................
//   0x0010:  0800 45c0 0040 00a4 0000 ff2f 24c6 0aac  ..E..@...../$...
//   0x0020:  4007 0aac 4006 2000 8909 0000 0028 0800  @...@........(..
//   0x0030:  0101 0001 0000 45c0 001c 00a3 0000 ff2f  ......E......../
//   0x0040:  24eb 0aac 4006 0aac 4007 2000 0000 0000  $...@...@.......
//   0x0050:  0028                                     .(
const CMD_GRE_KEEPALIVE = hex(`
aabbcc000100aabbcc000200810004bd080045c0004000a40000ff2f24c60aac
40070aac40062000890900000028080001010001000045c0001c00a30000ff2f
24eb0aac40060aac40072000000000000028
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for tcpdump/various_gre.pcap frame 25: vlan 1213, GRE key 0x28 proto 0x8909, cmd.type 0x0800 first, inner ICMP echo. */
const CMD_GRE_ICMP_FIELDS = {
  etherType: 0x0800, vlanCount: 1, vlan: [1213],
  ipVersion: 4, l3Offset: 54, l3Length: 100, srcAddrOffset: 66, dstAddrOffset: 70,
  src: '172.17.1.54', dst: '172.17.1.55', ipProto: 1, ttl: 255, fragId: 5,
  l4Offset: 74, l4Length: 80, icmpType: 8, icmpCode: 0, payloadOffset: 82, payloadLength: 72,
  tunnelDepth: 1, tunnelType: TUN_GRE, tunnelId: 0x28,
  outerIpVersion: 4, outerSrcOffset: 30, outerDstOffset: 34, outerSrc: '10.172.64.6', outerDst: '10.172.64.7', outerProto: 47,
};

test('golden: Cisco MetaData in GRE, then IPv4 ICMP', () => {
  const pkt = golden(CMD_GRE_ICMP, ETH, S_OK, CMD_GRE_ICMP_FIELDS);
  assert.is(pkt.counters[C_CMD], 2);
});

test('golden: Cisco MetaData in GRE, then IPv4 carrying a GRE keepalive (protocol 0: unsupported)', () => {
  const pkt = golden(CMD_GRE_KEEPALIVE, ETH, S_UNSUPPORTED, {
    etherType: 0x0000, vlanCount: 1, vlan: [1213],
    ipVersion: 4, l3Offset: 54, l3Length: 28, srcAddrOffset: 66, dstAddrOffset: 70,
    src: '10.172.64.6', dst: '10.172.64.7', ipProto: 47, ttl: 255, fragId: 0xa3,
    tunnelDepth: 2, tunnelType: TUN_GRE, tunnelId: 0x28,
    outerIpVersion: 4, outerSrcOffset: 30, outerDstOffset: 34, outerSrc: '10.172.64.7', outerDst: '10.172.64.6', outerProto: 47,
  });
  assert.is(pkt.counters[C_UNKNOWN_ETHERTYPE], 2);
});

/** The inner IPv4 packet of frame 25 behind Ethernet type 0x8909 and the Ethernet CMD layout (EtherType last). */
const CMD_ETH = concat(CMD_GRE_ICMP.subarray(0, 12), hex('8909 01 01 0001 0000 0800'), CMD_GRE_ICMP.subarray(54));

test('Ethernet layout: version, length, option, SGT, then the EtherType', () => {
  golden(CMD_ETH, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 22, l3Length: 100, srcAddrOffset: 34, dstAddrOffset: 38,
    src: '172.17.1.54', dst: '172.17.1.55', ipProto: 1, ttl: 255, fragId: 5,
    l4Offset: 42, l4Length: 80, icmpType: 8, icmpCode: 0, payloadOffset: 50, payloadLength: 72,
  });
});

test('every field is reset: CMD in GRE, then GRE in CMD in GRE, then CMD on Ethernet', () => {
  assertResets({ bytes: CMD_GRE_ICMP, linkType: ETH }, { bytes: CMD_GRE_KEEPALIVE, linkType: ETH });
  assertResets({ bytes: CMD_GRE_KEEPALIVE, linkType: ETH }, { bytes: CMD_ETH, linkType: ETH });
});

test('cmd.pkt_too_small: fewer than 8 bytes; the same cut by the snap length is truncation', () => {
  expectEvent(put16(CMD_GRE_ICMP, 20, 20 + 8 + 7), ETH, EV_CMD_PKT_TOO_SMALL);
  expectEvent(CMD_ETH.slice(0, 21), ETH, EV_CMD_PKT_TOO_SMALL);
  for (const n of [46, 53]) expectTruncated(CMD_GRE_ICMP.slice(0, n), ETH, CMD_GRE_ICMP.length);
  for (const n of [14, 21]) expectTruncated(CMD_ETH.slice(0, n), ETH, CMD_ETH.length);
});

test('truncation sweep: in GRE, GRE inside, on Ethernet', () => {
  sweep({ bytes: CMD_GRE_ICMP, linkType: ETH }, [[0, S_TRUNCATED], [82, S_OK]], 154);
  sweep({ bytes: CMD_GRE_KEEPALIVE, linkType: ETH }, [[0, S_TRUNCATED], [82, S_UNSUPPORTED]], 82);
  sweep({ bytes: CMD_ETH, linkType: ETH }, [[0, S_TRUNCATED], [50, S_OK]], 122);
});

test.run();
