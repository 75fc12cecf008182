// Raw IP link types (LINKTYPE_RAW, DLT_RAW 12/14, LINKTYPE_IPV4/IPV6): golden frames,
// raw.invalid_ip_version, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_RAW } from '../../decoders/counters.js';
import { EV_RAW_INVALID_IP_VERSION } from '../../decoders/events.js';
import { DLT_RAW_12, DLT_RAW_14, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_RAW } from '../../decoders/link-types.js';
import { S_OK, S_TRUNCATED, assertResets, edit, expectEvent, expectTruncated, golden, hex, sweep } from './helpers.js';

// ndpi/codm.pcap frame 1; tcpdump -XX -nn -r ndpi/codm.pcap -c 1 (last packet):
// 21:46:15.038105 IP 10.215.173.1.45028 > 49.51.177.25.8013: Flags [S], seq 3538928268, win 65535, options [mss 9960,sackOK,TS val 2176357211 ecr 0,nop,wscale 9], length 0
//   0x0000:  4500 003c f620 4000 4006 aa76 0ad7 ad01  E..<..@.@..v....
//   0x0010:  3133 b119 afe4 1f4d d2ef c28c 0000 0000  13.....M........
//   0x0020:  a002 ffff 12e3 0000 0204 26e8 0402 080a  ..........&.....
//   0x0030:  81b8 935b 0000 0000 0103 0309            ...[........
const RAW_SYN = hex(`
4500003cf62040004006aa760ad7ad013133b119afe41f4dd2efc28c00000000
a002ffff12e30000020426e80402080a81b8935b0000000001030309
`);

// ndpi/codm.pcap frame 11; tcpdump -XX -nn -r ndpi/codm.pcap -c 11 (last packet):
// 22:17:25.698836 IP 43.131.34.20.7948 > 10.215.173.1.38704: UDP, length 8
//   0x0000:  4500 0024 0000 4000 4011 355a 2b83 2214  E..$..@.@.5Z+.".
//   0x0010:  0ad7 ad01 1f0c 9730 0010 0000 0e02 c000  .......0........
//   0x0020:  0001 0001                                ....
const RAW_UDP = hex(`
45000024000040004011355a2b8322140ad7ad011f0c9730001000000e02c000
00010001
`);

// The IPv6 packet of gopacket/test_loopback.pcap frame 2 without its 4-byte loopback header (there
// is no raw IPv6 capture in the corpus); tcpdump -XX -nn -r gopacket/test_loopback.pcap -c 2:
// 17:22:32.275178 IP6 ::1.8080 > ::1.58799: Flags [.], ack 484, win 8962, options [nop,nop,TS val 96505084 ecr 96505084], length 0
//   0x0000:  1e00 0000 6001 8891 0020 0640 0000 0000  ....`......@....
//   0x0010:  0000 0000 0000 0000 0000 0001 0000 0000  ................
//   0x0020:  0000 0000 0000 0000 0000 0001 1f90 e5af  ................
//   0x0030:  0a65 66ef 0897 184a 8010 2302 0028 0000  .ef....J..#..(..
//   0x0040:  0101 080a 05c0 8cfc 05c0 8cfc            ............
const RAW_IPV6 = hex(`
60018891002006400000000000000000000000000000000100000000
0000000000000000000000011f90e5af0a6566ef0897184a8010230200280000
0101080a05c08cfc05c08cfc
`);

/** tshark for ndpi/codm.pcap frame 1: 10.215.173.1 -> 49.51.177.25, tcp 45028 -> 8013 SYN, hdr_len 40. */
const RAW_SYN_FIELDS = {
  ipVersion: 4, l3Offset: 0, l3Length: 60, srcAddrOffset: 12, dstAddrOffset: 16,
  src: '10.215.173.1', dst: '49.51.177.25', ipProto: 6, ttl: 64, fragId: 0xf620,
  l4Offset: 20, l4Length: 40, srcPort: 45028, dstPort: 8013,
  tcpFlags: 0x002, tcpSeq: 3538928268, tcpAck: 0, tcpWindow: 65535,
  payloadOffset: 60, payloadLength: 0,
};

test('golden: IPv4 TCP SYN on LINKTYPE_RAW and every other raw link type', () => {
  for (const lt of [LINKTYPE_RAW, DLT_RAW_12, DLT_RAW_14, LINKTYPE_IPV4, LINKTYPE_IPV6]) {
    const pkt = golden(RAW_SYN, lt, S_OK, RAW_SYN_FIELDS);
    assert.is(pkt.counters[C_RAW], 2);
  }
});

test('golden: IPv4 UDP (tshark: 43.131.34.20 -> 10.215.173.1, udp 7948 -> 38704, length 16)', () => {
  golden(RAW_UDP, LINKTYPE_RAW, S_OK, {
    ipVersion: 4, l3Offset: 0, l3Length: 36, srcAddrOffset: 12, dstAddrOffset: 16,
    src: '43.131.34.20', dst: '10.215.173.1', ipProto: 17, ttl: 64, fragId: 0,
    l4Offset: 20, l4Length: 16, srcPort: 7948, dstPort: 38704,
    payloadOffset: 28, payloadLength: 8,
  });
});

test('golden: IPv6 TCP, version from the first nibble', () => {
  golden(RAW_IPV6, LINKTYPE_RAW, S_OK, {
    ipVersion: 6, l3Offset: 0, l3Length: 72, srcAddrOffset: 8, dstAddrOffset: 24,
    src: '::1', dst: '::1', ipProto: 6, ttl: 64,
    l4Offset: 40, l4Length: 32, srcPort: 8080, dstPort: 58799,
    tcpFlags: 0x010, tcpSeq: 174417647, tcpAck: 144119882, tcpWindow: 8962,
    payloadOffset: 72, payloadLength: 0,
  });
});

test('every field is reset between frames', () => {
  assertResets({ bytes: RAW_SYN, linkType: LINKTYPE_RAW }, { bytes: RAW_UDP, linkType: LINKTYPE_RAW });
  assertResets({ bytes: RAW_UDP, linkType: LINKTYPE_RAW }, { bytes: RAW_IPV6, linkType: LINKTYPE_RAW });
});

test('raw.invalid_ip_version: first nibble not 4 or 6, or no byte at all; an empty snap-cut frame is truncation', () => {
  for (const v of [0x05, 0x00, 0x7f, 0xf0]) expectEvent(edit(RAW_SYN, [0, v]), LINKTYPE_RAW, EV_RAW_INVALID_IP_VERSION);
  expectEvent(new Uint8Array(0), LINKTYPE_RAW, EV_RAW_INVALID_IP_VERSION);
  expectTruncated(new Uint8Array(0), LINKTYPE_RAW, RAW_SYN.length);
});

test('truncation sweep: IPv4 TCP, IPv4 UDP, IPv6 TCP', () => {
  sweep({ bytes: RAW_SYN, linkType: LINKTYPE_RAW }, [[0, S_TRUNCATED], [60, S_OK]], 60);
  sweep({ bytes: RAW_UDP, linkType: LINKTYPE_RAW }, [[0, S_TRUNCATED], [28, S_OK]], 36);
  sweep({ bytes: RAW_IPV6, linkType: LINKTYPE_RAW }, [[0, S_TRUNCATED], [72, S_OK]], 72);
});

test.run();
