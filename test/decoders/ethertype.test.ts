// EtherType dispatch: golden 802.3 (LLC) frames with and without a VLAN tag, every EtherType the
// dispatch knows, unknown types, the etherType field, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  C_ARP, C_CMD, C_IPV4, C_PPPOE, C_UNKNOWN_ETHERTYPE, C_VLAN,
} from '../../decoders/counters.js';
import { EV_IPV6_WRONG_IP_VERSION } from '../../decoders/events.js';
import {
  decodeEtherType, ETHERTYPE_ARP, ETHERTYPE_CISCO_METADATA, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_PPPOE_SESSION,
  ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_TEB, ETHERTYPE_VLAN,
} from '../../decoders/ethertype.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, concat, expectEvent, golden, hex, sweep,
} from './helpers.js';

// tcpdump/various_gre.pcap frame 3; tcpdump -XX -nn -r tcpdump/various_gre.pcap -c 3 (last packet):
// 09:45:02.038883 STP 802.1d, Config, Flags [none], bridge-id 8001.aa:bb:cc:00:03:00.8002, length 35
//   0x0000:  0180 c200 0000 aabb cc00 0310 0026 4242  .............&BB
//   0x0010:  0300 0000 0000 8001 aabb cc00 0300 0000  ................
//   0x0020:  0000 8001 aabb cc00 0300 8002 0000 1400  ................
//   0x0030:  0200 0f00 0000 0000 0000 0000            ............
const STP_8023 = hex(`
0180c2000000aabbcc000310002642420300000000008001aabbcc0003000000
00008001aabbcc00030080020000140002000f000000000000000000
`);

// tcpdump/various_gre.pcap frame 2; tcpdump -XX -nn -r tcpdump/various_gre.pcap -c 2 (last packet):
// 09:45:01.623859 STP 802.1d, Config, Flags [none], bridge-id 84bd.aa:bb:cc:00:03:00.8002, length 42
//   0x0000:  0100 0ccc cccd aabb cc00 0310 8100 04bd  ................
//   0x0010:  0032 aaaa 0300 000c 010b 0000 0000 0084  .2..............
//   0x0020:  bdaa bbcc 0003 0000 0000 0084 bdaa bbcc  ................
//   0x0030:  0003 0080 0200 0014 0002 000f 0000 0000  ................
//   0x0040:  0002 04bd                                ....
const VLAN_STP = hex(`
01000ccccccdaabbcc000310810004bd0032aaaa0300000c010b000000000084
bdaabbcc0003000000000084bdaabbcc00030080020000140002000f00000000
000204bd
`);

// The IPv4 packet of arkime/dns-udp.pcap frame 1 (tcpdump -XX -nn -r arkime/dns-udp.pcap -c 1, from 0x000e):
// 17:30:47.217572 IP 10.180.156.141.62563 > 10.2.95.39.53: 57401+ A? www.github.com. (32)
const IP_PACKET = hex(`
4500003cb3bc00004011b68a0ab49c8d0a025f27f4630035002893abe0390100
0001000000000000037777770667697468756203636f6d0000010001
`);

const ETH = LINKTYPE_ETHERNET;

test('golden: an 802.3 length field (0x0026) is not an EtherType: unknown, unsupported (tshark: eth:llc:stp)', () => {
  const pkt = golden(STP_8023, ETH, S_UNSUPPORTED, { etherType: 0x0026 });
  assert.is(pkt.counters[C_UNKNOWN_ETHERTYPE], 2);
});

test('golden: a VLAN tag, then an 802.3 length (tshark: vlan.id 1213, llc)', () => {
  const pkt = golden(VLAN_STP, ETH, S_UNSUPPORTED, { etherType: 0x0032, vlanCount: 1, vlan: [1213] });
  assert.is(pkt.counters[C_VLAN], 2);
});

/** decodeEtherType on `payload` (a fresh packet over exactly those bytes). */
function dispatch(type: number, payload: Uint8Array): [number, Packet] {
  const pkt = new Packet();
  pkt.reset(payload, 0, payload.length, payload.length, ETH);
  return [decodeEtherType(type, payload, 0, payload.length, pkt), pkt];
}

test('every EtherType the dispatch knows', () => {
  let [s, pkt] = dispatch(ETHERTYPE_IPV4, IP_PACKET);
  assert.equal([s, pkt.etherType, pkt.ipVersion, pkt.srcPort, pkt.counters[C_IPV4]], [S_OK, 0x0800, 4, 62563, 1]);
  for (const tpid of [ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD]) {
    [s, pkt] = dispatch(tpid, concat(hex('0064 0800'), IP_PACKET));
    assert.equal([s, pkt.etherType, pkt.vlanCount, pkt.vlan[0], pkt.dstPort], [S_OK, 0x0800, 1, 100, 53], `TPID ${tpid}`);
  }
  [s, pkt] = dispatch(ETHERTYPE_PPPOE_SESSION, concat(hex('1100 0001 003e 0021'), IP_PACKET));
  assert.equal([s, pkt.etherType, pkt.dstPort, pkt.counters[C_PPPOE]], [S_OK, 0x8864, 53, 1]);
  [s, pkt] = dispatch(ETHERTYPE_CISCO_METADATA, concat(hex('0101 0001 0000 0800'), IP_PACKET));
  assert.equal([s, pkt.etherType, pkt.dstPort, pkt.counters[C_CMD]], [S_OK, 0x0800, 53, 1]);
  [s, pkt] = dispatch(ETHERTYPE_ARP, IP_PACKET);
  assert.equal([s, pkt.etherType, pkt.ipVersion, pkt.counters[C_ARP]], [S_UNSUPPORTED, 0x0806, 0, 1]);
  for (const other of [ETHERTYPE_TEB, 0x88cc, 0x0000, 0xffff]) {
    [s, pkt] = dispatch(other, IP_PACKET);
    assert.equal([s, pkt.etherType, pkt.ipVersion, pkt.counters[C_UNKNOWN_ETHERTYPE]], [S_UNSUPPORTED, other, 0, 1], `type ${other}`);
  }
});

test('0x86dd goes to IPv6 (an IPv4 packet there is ipv6.wrong_ip_version)', () => {
  expectEvent(concat(STP_8023.subarray(0, 12), hex('86dd'), IP_PACKET), ETH, EV_IPV6_WRONG_IP_VERSION);
  assert.is(ETHERTYPE_IPV6, 0x86dd);
});

test('every field is reset: a tagged frame, then an untagged one', () => {
  assertResets({ bytes: VLAN_STP, linkType: ETH }, { bytes: STP_8023, linkType: ETH });
});

test('truncation sweep: unsupported once the (VLAN and) Ethernet headers are complete', () => {
  sweep({ bytes: STP_8023, linkType: ETH }, [[0, S_TRUNCATED], [14, S_UNSUPPORTED]], 14);
  sweep({ bytes: VLAN_STP, linkType: ETH }, [[0, S_TRUNCATED], [18, S_UNSUPPORTED]], 18);
});

test.run();
