// BSD loopback (LINKTYPE_NULL, host byte order) and OpenBSD LINKTYPE_LOOP (network byte order):
// golden frames, every address-family value, both null events, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_NULL } from '../../decoders/counters.js';
import { EV_NULL_PKT_TOO_SMALL, EV_NULL_UNSUPPORTED_TYPE } from '../../decoders/events.js';
import { LINKTYPE_LOOP, LINKTYPE_NULL } from '../../decoders/link-types.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, expectEvent, expectTruncated, golden, hex, sweep,
} from './helpers.js';

// gopacket/test_loopback.pcap frame 2; tcpdump -XX -nn -r gopacket/test_loopback.pcap -c 2 (last packet):
// 17:22:32.275178 IP6 ::1.8080 > ::1.58799: Flags [.], ack 484, win 8962, options [nop,nop,TS val 96505084 ecr 96505084], length 0
//   0x0000:  1e00 0000 6001 8891 0020 0640 0000 0000  ....`......@....
//   0x0010:  0000 0000 0000 0000 0000 0001 0000 0000  ................
//   0x0020:  0000 0000 0000 0000 0000 0001 1f90 e5af  ................
//   0x0030:  0a65 66ef 0897 184a 8010 2302 0028 0000  .ef....J..#..(..
//   0x0040:  0101 080a 05c0 8cfc 05c0 8cfc            ............
const NULL_IPV6 = hex(`
1e00000060018891002006400000000000000000000000000000000100000000
0000000000000000000000011f90e5af0a6566ef0897184a8010230200280000
0101080a05c08cfc05c08cfc
`);

// gopacket/be_test006.pcapng frame 2 (LINKTYPE_NULL interface of a big-endian pcapng; tcpdump cannot
// read files mixing link types, so this is tshark -r gopacket/be_test006.pcapng -Y frame.number==2 -x):
// 0000  02 00 00 00 45 00 00 a4 c6 ce 00 00 40 11 f1 47   ....E.......@..G
// 0010  c0 a8 01 8b ff ff ff ff 44 5c 44 5c 00 90 ba 03   ........D\D\....
// 0020  7b 22 68 6f 73 74 5f 69 6e 74 22 3a 20 34 30 39   {"host_int": 409
// 0030  34 35 31 34 34 38 33 2c 20 22 76 65 72 73 69 6f   4514483, "versio
// 0040  6e 22 3a 20 5b 31 2c 20 38 5d 2c 20 22 64 69 73   n": [1, 8], "dis
// 0050  70 6c 61 79 6e 61 6d 65 22 3a 20 22 22 2c 20 22   playname": "", "
// 0060  70 6f 72 74 22 3a 20 31 37 35 30 30 2c 20 22 6e   port": 17500, "n
// 0070  61 6d 65 73 70 61 63 65 73 22 3a 20 5b 32 30 35   amespaces": [205
// 0080  32 34 32 35 37 2c 20 36 33 39 35 33 39 30 37 32   24257, 639539072
// 0090  2c 20 36 33 39 35 33 39 33 33 37 2c 20 36 33 39   , 639539337, 639
// 00a0  35 33 39 35 35 35 5d 7d                           539555]}
const NULL_IPV4 = hex(`
02000000450000a4c6ce00004011f147c0a8018bffffffff445c445c0090ba03
7b22686f73745f696e74223a20343039343531343438332c202276657273696f
6e223a205b312c20385d2c2022646973706c61796e616d65223a2022222c2022
706f7274223a2031373530302c20226e616d65737061636573223a205b323035
32343235372c203633393533393037322c203633393533393333372c20363339
3533393535355d7d
`);

const NULL = LINKTYPE_NULL;
const LOOP = LINKTYPE_LOOP;

/** The same frame behind another 4-byte address-family header. */
function withFamily(frame: Uint8Array, header: number[]): Uint8Array {
  return concat(Uint8Array.from(header), frame.subarray(4));
}

/** tshark for gopacket/test_loopback.pcap frame 2: null.family 30, ::1.8080 -> ::1.58799, ACK. */
const NULL_IPV6_FIELDS = {
  ipVersion: 6, l3Offset: 4, l3Length: 72, srcAddrOffset: 12, dstAddrOffset: 28,
  src: '::1', dst: '::1', ipProto: 6, ttl: 64,
  l4Offset: 44, l4Length: 32, srcPort: 8080, dstPort: 58799,
  tcpFlags: 0x010, tcpSeq: 174417647, tcpAck: 144119882, tcpWindow: 8962,
  payloadOffset: 76, payloadLength: 0,
};

/** tshark for gopacket/be_test006.pcapng frame 2: null.family 2, 192.168.1.139 -> 255.255.255.255, udp 17500 -> 17500, length 144. */
const NULL_IPV4_FIELDS = {
  ipVersion: 4, l3Offset: 4, l3Length: 164, srcAddrOffset: 16, dstAddrOffset: 20,
  src: '192.168.1.139', dst: '255.255.255.255', ipProto: 17, ttl: 64, fragId: 0xc6ce,
  l4Offset: 24, l4Length: 144, srcPort: 17500, dstPort: 17500,
  payloadOffset: 32, payloadLength: 136,
};

test('golden: macOS AF_INET6 (30) TCP over ::1', () => {
  const pkt = golden(NULL_IPV6, NULL, S_OK, NULL_IPV6_FIELDS);
  assert.is(pkt.counters[C_NULL], 2);
});

test('golden: AF_INET (2) UDP broadcast', () => {
  golden(NULL_IPV4, NULL, S_OK, NULL_IPV4_FIELDS);
});

test('LINKTYPE_NULL: every AF_INET6 value, in either byte order of the writing host', () => {
  for (const af of [10, 24, 28, 30]) {
    golden(withFamily(NULL_IPV6, [af, 0, 0, 0]), NULL, S_OK, NULL_IPV6_FIELDS);
    golden(withFamily(NULL_IPV6, [0, 0, 0, af]), NULL, S_OK, NULL_IPV6_FIELDS);
  }
  golden(withFamily(NULL_IPV4, [0, 0, 0, 2]), NULL, S_OK, NULL_IPV4_FIELDS);
});

test('LINKTYPE_LOOP: the family is always big-endian (OpenBSD AF_INET6 is 24)', () => {
  // No LINKTYPE_LOOP capture in the corpus: the real frames above behind a big-endian header.
  golden(withFamily(NULL_IPV4, [0, 0, 0, 2]), LOOP, S_OK, NULL_IPV4_FIELDS);
  golden(withFamily(NULL_IPV6, [0, 0, 0, 24]), LOOP, S_OK, NULL_IPV6_FIELDS);
  expectEvent(NULL_IPV4, LOOP, EV_NULL_UNSUPPORTED_TYPE); // 02 00 00 00 is 0x02000000 big-endian
});

test('every field is reset between frames', () => {
  assertResets({ bytes: NULL_IPV6, linkType: NULL }, { bytes: NULL_IPV4, linkType: NULL });
});

test('null.pkt_too_small: fewer than 4 bytes; the same cut by the snap length is truncation', () => {
  for (const n of [0, 1, 3]) {
    expectEvent(NULL_IPV6.slice(0, n), NULL, EV_NULL_PKT_TOO_SMALL);
    expectTruncated(NULL_IPV6.slice(0, n), NULL, NULL_IPV6.length);
    expectEvent(NULL_IPV6.slice(0, n), LOOP, EV_NULL_PKT_TOO_SMALL);
  }
});

test('null.unsupported_type: an unknown family (7, and 0) is invalid even when cut by the snap length', () => {
  expectEvent(withFamily(NULL_IPV4, [7, 0, 0, 0]), NULL, EV_NULL_UNSUPPORTED_TYPE);
  expectEvent(withFamily(NULL_IPV4, [0, 0, 0, 0]), NULL, EV_NULL_UNSUPPORTED_TYPE);
  expectEvent(withFamily(NULL_IPV4, [7, 0, 0, 0]).slice(0, 4), NULL, EV_NULL_UNSUPPORTED_TYPE, S_INVALID, 4, 168);
});

test('truncation sweep: IPv6 TCP (header ends at 76), IPv4 UDP (header ends at 32)', () => {
  sweep({ bytes: NULL_IPV6, linkType: NULL }, [[0, S_TRUNCATED], [76, S_OK]], 76);
  sweep({ bytes: NULL_IPV4, linkType: NULL }, [[0, S_TRUNCATED], [32, S_OK]], 168);
  sweep({ bytes: withFamily(NULL_IPV6, [0, 0, 0, 24]), linkType: LOOP }, [[0, S_TRUNCATED], [76, S_OK]], 76);
});

test.run();
