// 802.1Q / 802.1ad VLAN tags: golden single, QinQ and QinQinQ frames, the TPIDs, both vlan events, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_VLAN, C_VLAN_QINQ, C_VLAN_QINQINQ } from '../../decoders/counters.js';
import { EV_VLAN_HEADER_TOO_SMALL, EV_VLAN_TOO_MANY_LAYERS } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// zeek/http-qinq-0.pcap frame 1; tcpdump -XX -nn -r zeek/http-qinq-0.pcap -c 1 (last packet):
// 21:42:06.869344 IP 141.142.228.5.59856 > 192.150.187.43.80: Flags [S], seq 4263588410, win 65535, options [mss 1460,nop,wscale 4,nop,nop,TS val 374005024 ecr 0,sackOK,eol], length 0
//   0x0000:  0010 db88 d2ef c8bc c896 d2a0 8100 b000  ................
//   0x0010:  8100 b000 0800 4500 0040 df8e 4000 4006  ......E..@..@.@.
//   0x0020:  6dd3 8d8e e405 c096 bb2b e9d0 0050 fe21  m........+...P.!
//   0x0030:  323a 0000 0000 b002 ffff 3bc0 0000 0204  2:........;.....
//   0x0040:  05b4 0103 0304 0101 080a 164a dd20 0000  ...........J....
//   0x0050:  0000 0402 0000                           ......
const QINQ = hex(`
0010db88d2efc8bcc896d2a08100b0008100b000080045000040df8e40004006
6dd38d8ee405c096bb2be9d00050fe21323a00000000b002ffff3bc000000204
05b4010303040101080a164add200000000004020000
`);

// ndpi/smtp-starttls.pcap frame 37; tcpdump -XX -nn -r ndpi/smtp-starttls.pcap -c 37 (last packet):
// 12:49:28.365832 IP6 2003:de:2016:125:fc36:8317:4e86:cb72.7562 > 2003:de:2016:120::a08:53.25: Flags [S], seq 1510339772, win 8192, options [mss 1440,nop,wscale 2,nop,nop,sackOK], length 0
//   0x0000:  b40c 2505 8e13 000c 29c1 34dc 8100 007d  ..%.....).4....}
//   0x0010:  86dd 6000 0000 0020 0640 2003 00de 2016  ..`......@......
//   0x0020:  0125 fc36 8317 4e86 cb72 2003 00de 2016  .%.6..N..r......
//   0x0030:  0120 0000 0000 0a08 0053 1d8a 0019 5a05  .........S....Z.
//   0x0040:  f4bc 0000 0000 8002 2000 baef 0000 0204  ................
//   0x0050:  05a0 0103 0302 0101 0402                 ..........
const VLAN_IPV6 = hex(`
b40c25058e13000c29c134dc8100007d86dd6000000000200640200300de2016
0125fc3683174e86cb72200300de20160120000000000a0800531d8a00195a05
f4bc0000000080022000baef0000020405a00103030201010402
`);

// zeek/vlan-qinqinq.pcap frame 1; tcpdump -XX -nn -r zeek/vlan-qinqinq.pcap -c 1 (last packet):
// 21:42:06.869344 IP 141.142.228.5.59856 > 192.150.187.43.80: Flags [S], seq 4263588410, win 65535, options [mss 1460,nop,wscale 4,nop,nop,TS val 374005024 ecr 0,sackOK,eol], length 0
//   0x0000:  0010 db88 d2ef c8bc c896 d2a0 8100 001e  ................
//   0x0010:  8100 0014 8100 000a 0800 4500 0040 df8e  ..........E..@..
//   0x0020:  4000 4006 6dd3 8d8e e405 c096 bb2b e9d0  @.@.m........+..
//   0x0030:  0050 fe21 323a 0000 0000 b002 ffff 3bc0  .P.!2:........;.
//   0x0040:  0000 0204 05b4 0103 0304 0101 080a 164a  ...............J
//   0x0050:  dd20 0000 0000 0402 0000                 ..........
const QINQINQ = hex(`
0010db88d2efc8bcc896d2a08100001e810000148100000a080045000040df8e
400040066dd38d8ee405c096bb2be9d00050fe21323a00000000b002ffff3bc0
0000020405b4010303040101080a164add200000000004020000
`);

const ETH = LINKTYPE_ETHERNET;

/** The TCP SYN that all three zeek QinQ frames carry (tshark), with its offsets shifted by `tags` VLAN tags. */
function zeekSyn(tags: number, vlan: number[]) {
  const ip = 14 + 4 * tags;
  return {
    etherType: 0x0800, vlanCount: vlan.length, vlan,
    ipVersion: 4, l3Offset: ip, l3Length: 64, srcAddrOffset: ip + 12, dstAddrOffset: ip + 16,
    src: '141.142.228.5', dst: '192.150.187.43', ipProto: 6, ttl: 64, fragId: 0xdf8e,
    l4Offset: ip + 20, l4Length: 44, srcPort: 59856, dstPort: 80,
    tcpFlags: 0x002, tcpSeq: 4263588410, tcpAck: 0, tcpWindow: 65535,
    payloadOffset: ip + 64, payloadLength: 0,
  };
}

test('golden: QinQ, both TCIs b000 (tshark: vlan.id 0 and 0, priority bits masked off)', () => {
  const pkt = golden(QINQ, ETH, S_OK, zeekSyn(2, [0, 0]));
  assert.is(pkt.counters[C_VLAN], 2);
  assert.is(pkt.counters[C_VLAN_QINQ], 2);
  assert.is(pkt.counters[C_VLAN_QINQINQ], 0);
});

test('golden: QinQinQ (tshark: vlan.id 30, 20, 10)', () => {
  const pkt = golden(QINQINQ, ETH, S_OK, zeekSyn(3, [30, 20, 10]));
  assert.is(pkt.counters[C_VLAN_QINQINQ], 2);
});

test('golden: one tag, IPv6 TCP SYN (tshark: vlan.id 125, 2003:de:2016:125:... -> 2003:de:2016:120::a08:53, 7562 -> 25)', () => {
  golden(VLAN_IPV6, ETH, S_OK, {
    etherType: 0x86dd, vlanCount: 1, vlan: [125],
    ipVersion: 6, l3Offset: 18, l3Length: 72, srcAddrOffset: 26, dstAddrOffset: 42,
    src: '2003:de:2016:125:fc36:8317:4e86:cb72', dst: '2003:de:2016:120::a08:53', ipProto: 6, ttl: 64,
    l4Offset: 58, l4Length: 32, srcPort: 7562, dstPort: 25,
    tcpFlags: 0x002, tcpSeq: 1510339772, tcpAck: 0, tcpWindow: 8192,
    payloadOffset: 90, payloadLength: 0,
  });
});

test('802.1ad TPID 0x88a8 and the old 0x9100 decode like 0x8100', () => {
  golden(put16(QINQ, 12, 0x88a8), ETH, S_OK, zeekSyn(2, [0, 0]));
  golden(put16(put16(QINQ, 12, 0x9100), 16, 0x88a8), ETH, S_OK, zeekSyn(2, [0, 0]));
});

test('every field is reset: three tags, then one, then an untagged frame', () => {
  const untagged = concat(QINQ.slice(0, 12), QINQ.slice(20)); // the same SYN without its two tags
  golden(untagged, ETH, S_OK, zeekSyn(0, []));
  assertResets({ bytes: QINQINQ, linkType: ETH }, { bytes: VLAN_IPV6, linkType: ETH });
  assertResets({ bytes: QINQ, linkType: ETH }, { bytes: untagged, linkType: ETH });
});

test('vlan.header_too_small: a tag cut inside; the same cut by the snap length is truncation', () => {
  for (const n of [14, 15, 17, 18, 21]) {
    expectEvent(QINQ.slice(0, n), ETH, EV_VLAN_HEADER_TOO_SMALL);
    expectTruncated(QINQ.slice(0, n), ETH, QINQ.length);
  }
});

test('vlan.too_many_layers: a fourth tag; the first three are kept; a snap-length cut does not excuse it', () => {
  const four = concat(QINQINQ.slice(0, 24), hex('8100 0005'), QINQINQ.slice(24));
  const pkt = expectEvent(four, ETH, EV_VLAN_TOO_MANY_LAYERS);
  assert.equal(Array.from(pkt.vlan.subarray(0, pkt.vlanCount)), [30, 20, 10]);
  expectEvent(four.slice(0, 40), ETH, EV_VLAN_TOO_MANY_LAYERS, S_INVALID, 40, four.length);
});

test('truncation sweep: QinQ, QinQinQ, one tag over IPv6', () => {
  sweep({ bytes: QINQ, linkType: ETH }, [[0, S_TRUNCATED], [86, S_OK]], 86);
  sweep({ bytes: QINQINQ, linkType: ETH }, [[0, S_TRUNCATED], [90, S_OK]], 90);
  sweep({ bytes: VLAN_IPV6, linkType: ETH }, [[0, S_TRUNCATED], [90, S_OK]], 90);
});

test.run();
