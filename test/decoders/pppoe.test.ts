// PPPoE session stage: golden frame (PPPoE, PPP, 6in4, TCP), the payload length, pppoe.pkt_too_small,
// resets, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_PPPOE } from '../../decoders/counters.js';
import { EV_IPV4_PKT_TOO_SMALL, EV_PPPOE_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { TUN_IPV6_IN_IPV4 } from '../../decoders/packet.js';
import {
  S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, concat, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// mercury/ip_encapsulation.pcap frame 5; tcpdump -XX -nn -r mercury/ip_encapsulation.pcap -c 5 (last packet):
// 15:59:41.792584 PPPoE  [ses 0x1dcd] IP 70.55.213.211 > 192.88.99.1: IP6 2002:4637:d5d3::4637:d5d3.1287 > 2001:4860:0:2001::68.80: Flags [.], ack 2917, win 16968, length 0
//   0x0000:  0090 1a41 6541 0016 cf41 9c20 8864 1100  ...AeA...A...d..
//   0x0010:  1dcd 0052 0021 4500 0050 935a 0000 8029  ...R.!E..P.Z...)
//   0x0020:  67c6 4637 d5d3 c058 6301 6000 0000 0014  g.F7...Xc.`.....
//   0x0030:  0680 2002 4637 d5d3 0000 0000 0000 4637  ....F7........F7
//   0x0040:  d5d3 2001 4860 0000 2001 0000 0000 0000  ....H`..........
//   0x0050:  0068 0507 0050 22ec 582e 3ac0 18c5 5010  .h...P".X.:...P.
//   0x0060:  4248 b8b3 0000                           BH....
const PPPOE_6IN4 = hex(`
00901a4165410016cf419c20886411001dcd0052002145000050935a00008029
67c64637d5d3c0586301600000000014068020024637d5d30000000000004637
d5d3200148600000200100000000000000680507005022ec582e3ac018c55010
4248b8b30000
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for mercury/ip_encapsulation.pcap frame 5: pppoes session 0x1dcd, ppp 0x0021, 6in4, tcp 1287 -> 80 ACK. */
const PPPOE_FIELDS = {
  etherType: 0x8864,
  ipVersion: 6, l3Offset: 42, l3Length: 60, srcAddrOffset: 50, dstAddrOffset: 66,
  src: '2002:4637:d5d3::4637:d5d3', dst: '2001:4860:0:2001::68', ipProto: 6, ttl: 128,
  l4Offset: 82, l4Length: 20, srcPort: 1287, dstPort: 80,
  tcpFlags: 0x010, tcpSeq: 585914414, tcpAck: 985667781, tcpWindow: 16968, payloadOffset: 102, payloadLength: 0,
  tunnelDepth: 1, tunnelType: TUN_IPV6_IN_IPV4, tunnelId: -1,
  outerIpVersion: 4, outerSrcOffset: 34, outerDstOffset: 38, outerSrc: '70.55.213.211', outerDst: '192.88.99.1',
  outerProto: 41,
};

test('golden: PPPoE session, PPP IPv4, 6in4, TCP', () => {
  const pkt = golden(PPPOE_6IN4, ETH, S_OK, PPPOE_FIELDS);
  assert.is(pkt.counters[C_PPPOE], 2);
});

test('the PPPoE payload length bounds the PPP frame', () => {
  // Length 2: the PPP protocol field and nothing else, so the IPv4 header is missing.
  expectEvent(put16(PPPOE_6IN4, 18, 2), ETH, EV_IPV4_PKT_TOO_SMALL);
  // A length past the frame is clipped to what is there.
  golden(put16(PPPOE_6IN4, 18, 1000), ETH, S_OK, PPPOE_FIELDS);
  // A PPP protocol other than IP (LCP) is not decoded.
  golden(put16(PPPOE_6IN4, 20, 0xc021), ETH, S_UNSUPPORTED, { etherType: 0x8864 });
});

test('every field is reset: PPPoE with a tunnel, then the same IPv4 packet straight on Ethernet', () => {
  const plain = concat(PPPOE_6IN4.subarray(0, 12), hex('0800'), PPPOE_6IN4.subarray(22));
  assertResets({ bytes: PPPOE_6IN4, linkType: ETH }, { bytes: plain, linkType: ETH });
});

test('pppoe.pkt_too_small: under 8 bytes (header and PPP protocol); the same cut by the snap length is truncation', () => {
  for (const n of [14, 19, 21]) {
    expectEvent(PPPOE_6IN4.slice(0, n), ETH, EV_PPPOE_PKT_TOO_SMALL);
    expectTruncated(PPPOE_6IN4.slice(0, n), ETH, PPPOE_6IN4.length);
  }
});

test('truncation sweep', () => {
  sweep({ bytes: PPPOE_6IN4, linkType: ETH }, [[0, S_TRUNCATED], [102, S_OK]], 102);
});

test.run();
