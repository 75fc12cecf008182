import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packet, DecoderConfig, S_TRUNCATED, S_INVALID, UDP_TUNNEL_VXLAN, UDP_TUNNEL_GENEVE, UDP_TUNNEL_TEREDO, TUN_IPV4_IN_IPV4, TUN_VXLAN } from '../../decoders/packet.js';
import { EV_IPV4_TRUNC_PKT, EV_TOO_MANY_LAYERS } from '../../decoders/events.js';
import { C_IPV4_IN_IPV4, C_TRUNCATED } from '../../decoders/counters.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { S_OK, concat, emptyFields, expectEvent, fields, golden, hex, put16 } from './helpers.js';

test('short(): snap-length cut is truncation, a lying length is an event', () => {
  const pkt = new Packet();
  pkt.reset(new Uint8Array(10), 0, 10, 100, 1);
  assert.is(pkt.short(EV_IPV4_TRUNC_PKT), S_TRUNCATED);
  assert.is(pkt.counters[C_TRUNCATED], 1);
  assert.is(pkt.events[EV_IPV4_TRUNC_PKT], 0);
  pkt.reset(new Uint8Array(10), 0, 10, 10, 1);
  assert.is(pkt.short(EV_IPV4_TRUNC_PKT), S_INVALID);
  assert.is(pkt.events[EV_IPV4_TRUNC_PKT], 1);
  assert.is(pkt.lastEvent, EV_IPV4_TRUNC_PKT);
});

test('DecoderConfig: default and custom UDP tunnel ports', () => {
  const d = new DecoderConfig();
  assert.is(d.udpTunnelByPort[4789], UDP_TUNNEL_VXLAN);
  assert.is(d.udpTunnelByPort[8472], UDP_TUNNEL_VXLAN);
  assert.is(d.udpTunnelByPort[6081], UDP_TUNNEL_GENEVE);
  const c = new DecoderConfig({ vxlanPorts: [9999], genevePorts: [] });
  assert.is(c.udpTunnelByPort[4789], 0);
  assert.is(c.udpTunnelByPort[9999], UDP_TUNNEL_VXLAN);
  assert.is(c.udpTunnelByPort[6081], 0);
});

test('markTruncated() counts decoder.truncated once per frame; reset() re-arms it', () => {
  const pkt = new Packet();
  pkt.reset(new Uint8Array(10), 0, 10, 100, 1);
  pkt.markTruncated();
  assert.is(pkt.short(EV_IPV4_TRUNC_PKT), S_TRUNCATED);
  pkt.markTruncated();
  assert.is(pkt.counters[C_TRUNCATED], 1);
  assert.is(pkt.truncated, true);
  pkt.reset(new Uint8Array(10), 0, 10, 100, 1);
  assert.is(pkt.truncated, false);
  pkt.markTruncated();
  assert.is(pkt.counters[C_TRUNCATED], 2);
});

test('reset() clears every field a decoder fills', () => {
  const pkt = new Packet();
  const dirty = pkt as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(pkt)) {
    if (typeof v === 'number') dirty[k] = 7;
    else if (typeof v === 'boolean') dirty[k] = true;
  }
  pkt.vlan.fill(9);
  pkt.reset(new Uint8Array(0), 0, 0, 0, 0);
  assert.equal(fields(pkt), emptyFields());
});

test('DecoderConfig: Teredo port and the default tunnel depth', () => {
  assert.is(new DecoderConfig().udpTunnelByPort[3544], UDP_TUNNEL_TEREDO);
  assert.is(new DecoderConfig({ teredoPorts: [] }).udpTunnelByPort[3544], 0);
  assert.is(new DecoderConfig().maxTunnelDepth, 4);
  assert.is(new DecoderConfig({ maxTunnelDepth: 6 }).maxTunnelDepth, 6);
});

test('enterTunnel(): the outer tuple is taken at the first tunnel only; false past the depth', () => {
  const pkt = new Packet(new DecoderConfig({ maxTunnelDepth: 2 }));
  pkt.reset(new Uint8Array(64), 0, 64, 64, 1);
  pkt.ipVersion = 4; pkt.srcAddrOffset = 26; pkt.dstAddrOffset = 30; pkt.ipProto = 17; pkt.srcPort = 1; pkt.dstPort = 4789;
  assert.ok(pkt.enterTunnel(TUN_VXLAN, 77));
  pkt.ipVersion = 6; pkt.srcAddrOffset = 70; pkt.dstAddrOffset = 86; pkt.ipProto = 4; pkt.srcPort = 0; pkt.dstPort = 0;
  assert.ok(pkt.enterTunnel(TUN_IPV4_IN_IPV4, -1));
  assert.not.ok(pkt.enterTunnel(TUN_IPV4_IN_IPV4, -1));
  assert.equal(
    [pkt.tunnelDepth, pkt.tunnelType, pkt.tunnelId, pkt.outerIpVersion, pkt.outerSrcOffset, pkt.outerDstOffset, pkt.outerProto, pkt.outerSrcPort, pkt.outerDstPort],
    [2, TUN_VXLAN, 77, 4, 26, 30, 17, 1, 4789],
  );
});

// suricata-verify/bug-7725-01.pcap frame 1; tcpdump -XX -nn -r suricata-verify/bug-7725-01.pcap -c 1 (last packet):
// 02:52:39.349394 IP 10.0.0.94 > 10.1.0.237: IP 192.168.0.94 > 192.168.0.237: ICMP echo request, id 26, seq 1, length 64
//   0x0000:  06da c06f b451 067c 3fe9 8b15 0800 4500  ...o.Q.|?.....E.
//   0x0010:  0068 f777 4000 7b04 f2ce 0a00 005e 0a01  .h.w@.{......^..
//   0x0020:  00ed 4500 0054 6c33 4000 7f01 0cda c0a8  ..E..Tl3@.......
//   0x0030:  005e c0a8 00ed 0800 f15f 001a 0001 f7f9  .^......._......
//   0x0040:  2768 0000 0000 2350 0500 0000 0000 1011  'h....#P........
//   0x0050:  1213 1415 1617 1819 1a1b 1c1d 1e1f 2021  ...............!
//   0x0060:  2223 2425 2627 2829 2a2b 2c2d 2e2f 3031  "#$%&'()*+,-./01
//   0x0070:  3233 3435 3637                           234567
const IPIP_ICMP = hex(`
06dac06fb451067c3fe98b15080045000068f77740007b04f2ce0a00005e0a01
00ed450000546c3340007f010cdac0a8005ec0a800ed0800f15f001a0001f7f9
2768000000002350050000000000101112131415161718191a1b1c1d1e1f2021
22232425262728292a2b2c2d2e2f3031323334353637
`);

/** IPIP_ICMP with the outer IPv4 header repeated so that `depth` IP-in-IP tunnels wrap the ICMP packet. */
function nested(depth: number): Uint8Array {
  const outer = IPIP_ICMP.subarray(14, 34);
  const inner = IPIP_ICMP.subarray(34);
  let packet: Uint8Array = inner;
  for (let i = 0; i < depth; i++) packet = concat(put16(outer, 2, 20 + packet.length), packet);
  return concat(IPIP_ICMP.subarray(0, 14), packet);
}

test('tunnel depth limit: IP-in-IP nested 5 deep is decoder.too_many_layers at the default depth 4', () => {
  const five = nested(5);
  const pkt = expectEvent(five, LINKTYPE_ETHERNET, EV_TOO_MANY_LAYERS);
  assert.is(pkt.tunnelDepth, 4);
  assert.is(pkt.counters[C_IPV4_IN_IPV4], 4);
  // Four deep is still within the limit.
  assert.is(golden(nested(4), LINKTYPE_ETHERNET, S_OK, innermost(4)).tunnelDepth, 4);
});

test('tunnel depth limit: new DecoderConfig({ maxTunnelDepth: 6 }) decodes the 5-deep packet', () => {
  const pkt = golden(nested(5), LINKTYPE_ETHERNET, S_OK, innermost(5), new DecoderConfig({ maxTunnelDepth: 6 }));
  assert.is(pkt.counters[C_IPV4_IN_IPV4], 2 * 5);
  golden(nested(5), LINKTYPE_ETHERNET, S_OK, innermost(5), new DecoderConfig({ maxTunnelDepth: 5 }));
});

/** tshark for suricata-verify/bug-7725-01.pcap frame 1 (inner ICMP echo), behind `depth` outer headers. */
function innermost(depth: number) {
  const l3 = 14 + 20 * depth;
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: l3, l3Length: 84, srcAddrOffset: l3 + 12, dstAddrOffset: l3 + 16,
    src: '192.168.0.94', dst: '192.168.0.237', ipProto: 1, ttl: 127, fragId: 0x6c33,
    l4Offset: l3 + 20, l4Length: 64, icmpType: 8, icmpCode: 0, payloadOffset: l3 + 28, payloadLength: 56,
    tunnelDepth: depth, tunnelType: TUN_IPV4_IN_IPV4, tunnelId: -1,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '10.0.0.94', outerDst: '10.1.0.237', outerProto: 4,
  };
}

test.run();
