// Geneve: golden frames (IP payload with options, Ethernet payload with 76 bytes of options, ARP
// inside), every geneve event, too_many_layers, custom port, resets, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_GENEVE } from '../../decoders/counters.js';
import {
  EV_GENEVE_INVALID_VERSION, EV_GENEVE_OPT_LEN_TOO_BIG, EV_GENEVE_PKT_TOO_SMALL, EV_GENEVE_UNKNOWN_PAYLOAD_TYPE,
  EV_IPV6_WRONG_IP_VERSION, EV_TOO_MANY_LAYERS,
} from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DecoderConfig, TUN_GENEVE } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, edit, expectEvent, expectTruncated, golden, hex, put16,
  sweep,
} from './helpers.js';

// tcpdump/geneve-gcp.pcap frame 1; tcpdump -XX -nn -r tcpdump/geneve-gcp.pcap -c 1 (last packet):
// 10:31:03.250708 IP 192.168.100.254.62974 > 192.168.100.3.6081: Geneve, Flags [none], vni 0x0, options [40 bytes]: IP 192.168.100.2.2905 > 192.168.100.1.8080: Flags [none], win 512, length 0
//   0x0000:  4201 c0a8 6403 4201 c0a8 64fe 0800 4500  B...d.B...d...E.
//   0x0010:  0074 0000 4000 0211 2e27 c0a8 64fe c0a8  .t..@....'..d...
//   0x0020:  6403 f5fe 17c1 0060 0000 0a00 0800 0000  d......`........
//   0x0030:  0000 0132 0101 8000 00d1 0132 0204 0800  ...2.......2....
//   0x0040:  000d c0a8 6402 0000 0000 0000 0000 0132  ....d..........2
//   0x0050:  0302 0000 0000 0000 1234 4500 0028 d944  .........4E..(.D
//   0x0060:  0000 4006 5837 c0a8 6402 c0a8 6401 0b59  ..@.X7..d...d..Y
//   0x0070:  1f90 2d5a de40 78e9 bfda 5000 0200 f547  ..-Z.@x...P....G
//   0x0080:  0000                                     ..
const GENEVE_IP = hex(`
4201c0a864034201c0a864fe0800450000740000400002112e27c0a864fec0a8
6403f5fe17c1006000000a0008000000000001320101800000d1013202040800
000dc0a86402000000000000000001320302000000000000123445000028d944
000040065837c0a86402c0a864010b591f902d5ade4078e9bfda50000200f547
0000
`);

// zeek/geneve-many-options.pcap frame 3; tcpdump -XX -nn -r zeek/geneve-many-options.pcap -c 3 (last packet):
// 21:29:59.084732 IP 192.168.33.179.6667 > 192.168.179.33.6081: Geneve, Flags [none], vni 0xc012e, options [76 bytes]: IP 10.0.0.226.39088 > 95.217.228.176.80: Flags [.], ack 1, win 507, options [nop,nop,TS val 3525715221 ecr 86924645], length 0
//   0x0000:  72c4 9448 56a8 0011 2233 4455 0800 4500  r..HV..."3DU..E.
//   0x0010:  00b2 0000 0000 4011 2416 c0a8 21b3 c0a8  ......@.$...!...
//   0x0020:  b321 1a0b 17c1 009e 62db 1300 6558 0c01  .!......b...eX..
//   0x0030:  2e00 0100 0104 3132 3334 3536 3738 3930  ......1234567890
//   0x0040:  6162 6364 6500 0100 0209 3031 3233 3435  abcde.....012345
//   0x0050:  3637 3839 6162 6364 6566 3031 3233 3435  6789abcdef012345
//   0x0060:  3637 3839 6162 6364 6566 3000 0000 0100  6789abcdef0.....
//   0x0070:  0303 3031 3233 3435 3637 3839 0000 6294  ..0123456789..b.
//   0x0080:  7530 e18f 26ed 54f8 c428 0800 4500 0034  u0..&.T..(..E..4
//   0x0090:  62e0 4000 4006 8878 0a00 00e2 5fd9 e4b0  b.@.@..x...._...
//   0x00a0:  98b0 0050 91ea d1ca d7d4 749c 8010 01fb  ...P......t.....
//   0x00b0:  4f92 0000 0101 080a d226 2515 052e 5d65  O........&%...]e
const GENEVE_OPTS = hex(`
72c4944856a80011223344550800450000b20000000040112416c0a821b3c0a8
b3211a0b17c1009e62db130065580c012e000100010431323334353637383930
6162636465000100020930313233343536373839616263646566303132333435
3637383961626364656630000000010003033031323334353637383900006294
7530e18f26ed54f8c42808004500003462e04000400688780a0000e25fd9e4b0
98b0005091ead1cad7d4749c801001fb4f9200000101080ad2262515052e5d65
`);

// suricata-verify/geneve-decoder.pcap frame 1; tcpdump -XX -nn -r suricata-verify/geneve-decoder.pcap -c 1 (last packet):
// 16:31:38.802497 IP 192.168.56.11.16613 > 192.168.56.12.6081: Geneve, Flags [none], vni 0x7b: ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
//   0x0000:  0800 27f2 1d8c 0800 27ae 4d62 0800 4500  ..'.....'.Mb..E.
//   0x0010:  004e 9ba8 4000 4011 ad8e c0a8 380b c0a8  .N..@.@.....8...
//   0x0020:  380c 40e5 17c1 003a 0000 0000 6558 0000  8.@....:....eX..
//   0x0030:  7b00 ffff ffff ffff ba09 2b6e f8be 0806  {.........+n....
//   0x0040:  0001 0800 0604 0001 ba09 2b6e f8be 0a00  ..........+n....
//   0x0050:  0001 0000 0000 0000 0a00 0002            ............
const GENEVE_ARP = hex(`
080027f21d8c080027ae4d6208004500004e9ba840004011ad8ec0a8380bc0a8
380c40e517c1003a00000000655800007b00ffffffffffffba092b6ef8be0806
0001080006040001ba092b6ef8be0a0000010000000000000a000002
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for tcpdump/geneve-gcp.pcap frame 1: geneve proto_type 0x0800, 40 bytes of options, vni 0. */
const GENEVE_IP_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 90, l3Length: 40, srcAddrOffset: 102, dstAddrOffset: 106,
  src: '192.168.100.2', dst: '192.168.100.1', ipProto: 6, ttl: 64, fragId: 0xd944,
  l4Offset: 110, l4Length: 20, srcPort: 2905, dstPort: 8080,
  tcpFlags: 0x000, tcpSeq: 760929856, tcpAck: 2028584922, tcpWindow: 512, payloadOffset: 130, payloadLength: 0,
  tunnelDepth: 1, tunnelType: TUN_GENEVE, tunnelId: 0,
  outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '192.168.100.254', outerDst: '192.168.100.3',
  outerProto: 17, outerSrcPort: 62974, outerDstPort: 6081,
};

test('golden: IPv4 payload after 40 bytes of options', () => {
  const pkt = golden(GENEVE_IP, ETH, S_OK, GENEVE_IP_FIELDS);
  assert.is(pkt.counters[C_GENEVE], 2);
});

test('golden: Ethernet payload after 76 bytes of options (tshark: vni 0x0c012e, inner tcp 39088 -> 80)', () => {
  golden(GENEVE_OPTS, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 140, l3Length: 52, srcAddrOffset: 152, dstAddrOffset: 156,
    src: '10.0.0.226', dst: '95.217.228.176', ipProto: 6, ttl: 64, fragId: 0x62e0,
    l4Offset: 160, l4Length: 32, srcPort: 39088, dstPort: 80,
    tcpFlags: 0x010, tcpSeq: 2448085450, tcpAck: 3621024924, tcpWindow: 507, payloadOffset: 192, payloadLength: 0,
    tunnelDepth: 1, tunnelType: TUN_GENEVE, tunnelId: 0x0c012e,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '192.168.33.179', outerDst: '192.168.179.33',
    outerProto: 17, outerSrcPort: 6667, outerDstPort: 6081,
  });
});

test('golden: ARP inside Geneve is unsupported; the tunnel is entered, the innermost IP layer is the outer one', () => {
  golden(GENEVE_ARP, ETH, S_UNSUPPORTED, {
    etherType: 0x0806,
    ipVersion: 4, l3Offset: 14, l3Length: 78, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '192.168.56.11', dst: '192.168.56.12', ipProto: 17, ttl: 64, fragId: 0x9ba8,
    l4Offset: 34, l4Length: 58, srcPort: 16613, dstPort: 6081, payloadOffset: 42, payloadLength: 50,
    tunnelDepth: 1, tunnelType: TUN_GENEVE, tunnelId: 0x7b,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '192.168.56.11', outerDst: '192.168.56.12',
    outerProto: 17, outerSrcPort: 16613, outerDstPort: 6081,
  });
});

test('protocol type 0x86dd goes to IPv6 (here the bytes are IPv4: ipv6.wrong_ip_version)', () => {
  const pkt = expectEvent(put16(GENEVE_IP, 44, 0x86dd), ETH, EV_IPV6_WRONG_IP_VERSION);
  assert.is(pkt.tunnelType, TUN_GENEVE);
});

test('custom Geneve port via DecoderConfig', () => {
  const custom = new DecoderConfig({ genevePorts: [7000] });
  golden(put16(GENEVE_IP, 36, 7000), ETH, S_OK, { ...GENEVE_IP_FIELDS, outerDstPort: 7000 }, custom);
  const pkt = golden(GENEVE_IP, ETH, S_OK, {
    etherType: 0x0800, ipVersion: 4, l3Offset: 14, l3Length: 116, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '192.168.100.254', dst: '192.168.100.3', ipProto: 17, ttl: 2,
    l4Offset: 34, l4Length: 96, srcPort: 62974, dstPort: 6081, payloadOffset: 42, payloadLength: 88,
  }, custom);
  assert.is(pkt.counters[C_GENEVE], 0);
});

test('every field is reset: Geneve with IP inside, Ethernet inside, ARP inside', () => {
  assertResets({ bytes: GENEVE_IP, linkType: ETH }, { bytes: GENEVE_OPTS, linkType: ETH });
  assertResets({ bytes: GENEVE_OPTS, linkType: ETH }, { bytes: GENEVE_ARP, linkType: ETH });
});

test('geneve.pkt_too_small: fewer than 8 bytes after UDP; the same cut by the snap length is truncation', () => {
  expectEvent(put16(put16(GENEVE_ARP, 38, 15), 16, 35), ETH, EV_GENEVE_PKT_TOO_SMALL);
  for (const n of [42, 49]) expectTruncated(GENEVE_ARP.slice(0, n), ETH, GENEVE_ARP.length);
});

test('geneve.invalid_version: version bits not 0; a snap-length cut does not excuse it', () => {
  for (const b of [0x40, 0x8a, 0xc0]) expectEvent(edit(GENEVE_ARP, [42, b]), ETH, EV_GENEVE_INVALID_VERSION);
  expectEvent(edit(GENEVE_ARP, [42, 0x40]).slice(0, 55), ETH, EV_GENEVE_INVALID_VERSION, S_INVALID, 55, 92);
});

test('geneve.opt_len_too_big: options past the datagram; the same cut by the snap length is truncation', () => {
  expectEvent(edit(GENEVE_IP, [42, 0x3f]), ETH, EV_GENEVE_OPT_LEN_TOO_BIG); // 252 bytes of options
  expectEvent(edit(GENEVE_ARP, [42, 0x0b]), ETH, EV_GENEVE_OPT_LEN_TOO_BIG); // 44 > 42 after the base header
  for (const n of [50, 60, 89]) expectTruncated(GENEVE_IP.slice(0, n), ETH, GENEVE_IP.length);
});

test('geneve.unknown_payload_type: not Ethernet, IPv4 or IPv6', () => {
  expectEvent(put16(GENEVE_ARP, 44, 0x1234), ETH, EV_GENEVE_UNKNOWN_PAYLOAD_TYPE);
  expectEvent(put16(GENEVE_IP, 44, 0x0806), ETH, EV_GENEVE_UNKNOWN_PAYLOAD_TYPE);
});

test('decoder.too_many_layers: Geneve with no tunnel allowed', () => {
  expectEvent(GENEVE_OPTS, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 192, 192, new DecoderConfig({ maxTunnelDepth: 0 }));
});

test('truncation sweep: IP payload, Ethernet payload with options, ARP', () => {
  sweep({ bytes: GENEVE_IP, linkType: ETH }, [[0, S_TRUNCATED], [130, S_OK]], 130);
  sweep({ bytes: GENEVE_OPTS, linkType: ETH }, [[0, S_TRUNCATED], [192, S_OK]], 192);
  sweep({ bytes: GENEVE_ARP, linkType: ETH }, [[0, S_TRUNCATED], [64, S_UNSUPPORTED]], 92);
});

test.run();
