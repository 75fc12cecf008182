// Linux cooked capture v1 (LINKTYPE_LINUX_SLL): golden frames, sll.pkt_too_small, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_SLL } from '../../decoders/counters.js';
import { EV_SLL_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_LINUX_SLL } from '../../decoders/link-types.js';
import { S_OK, S_TRUNCATED, assertResets, expectEvent, expectTruncated, golden, hex, sweep } from './helpers.js';

// tcpdump/tcp-handshake-nano.pcap frame 1; tcpdump -XX -nn -r tcpdump/tcp-handshake-nano.pcap -c 1 (last packet):
// 17:16:09.924505 IP 131.155.215.69.46656 > 137.116.81.94.80: Flags [S], seq 797190859, win 27200, options [mss 1360,sackOK,TS val 1131021154 ecr 0,nop,wscale 7], length 0
//   0x0000:  0004 0200 0000 0000 0000 0000 0000 0800  ................
//   0x0010:  4500 003c 29a9 4000 4006 db5f 839b d745  E..<).@.@.._...E
//   0x0020:  8974 515e b640 0050 2f84 2acb 0000 0000  .tQ^.@.P/.*.....
//   0x0030:  a002 6a40 50c4 0000 0204 0550 0402 080a  ..j@P......P....
//   0x0040:  436a 0362 0000 0000 0103 0307            Cj.b........
const SLL_SYN = hex(`
000402000000000000000000000008004500003c29a940004006db5f839bd745
8974515eb64000502f842acb00000000a0026a4050c40000020405500402080a
436a03620000000001030307
`);

// ndpi/KakaoTalk_chat.pcap frame 1; tcpdump -XX -nn -r ndpi/KakaoTalk_chat.pcap -c 1 (last packet):
// 17:23:41.959113 IP 10.24.82.188.38448 > 10.188.1.1.53: 34541+ A? auth.kakao.com. (32)
//   0x0000:  0004 0212 0000 0000 0000 0000 0000 0800  ................
//   0x0010:  4500 003c 0000 4000 4011 d220 0a18 52bc  E..<..@.@.....R.
//   0x0020:  0abc 0101 9630 0035 0028 80a6 86ed 0100  .....0.5.(......
//   0x0030:  0001 0000 0000 0000 0461 7574 6805 6b61  .........auth.ka
//   0x0040:  6b61 6f03 636f 6d00 0001 0001            kao.com.....
const SLL_DNS = hex(`
000402120000000000000000000008004500003c000040004011d2200a1852bc
0abc010196300035002880a686ed010000010000000000000461757468056b61
6b616f03636f6d0000010001
`);

const SLL = LINKTYPE_LINUX_SLL;

test('golden: IPv4 TCP SYN (tshark: sll.etype 0x0800, 131.155.215.69 -> 137.116.81.94, tcp 46656 -> 80, hdr_len 40)', () => {
  const pkt = golden(SLL_SYN, SLL, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 16, l3Length: 60, srcAddrOffset: 28, dstAddrOffset: 32,
    src: '131.155.215.69', dst: '137.116.81.94', ipProto: 6, ttl: 64, fragId: 0x29a9,
    l4Offset: 36, l4Length: 40, srcPort: 46656, dstPort: 80,
    tcpFlags: 0x002, tcpSeq: 797190859, tcpAck: 0, tcpWindow: 27200,
    payloadOffset: 76, payloadLength: 0,
  });
  assert.is(pkt.counters[C_SLL], 2);
});

test('golden: IPv4 UDP DNS query (tshark: 10.24.82.188 -> 10.188.1.1, udp 38448 -> 53, length 40)', () => {
  golden(SLL_DNS, SLL, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 16, l3Length: 60, srcAddrOffset: 28, dstAddrOffset: 32,
    src: '10.24.82.188', dst: '10.188.1.1', ipProto: 17, ttl: 64, fragId: 0,
    l4Offset: 36, l4Length: 40, srcPort: 38448, dstPort: 53,
    payloadOffset: 44, payloadLength: 32,
  });
});

test('every field is reset between frames', () => {
  assertResets({ bytes: SLL_SYN, linkType: SLL }, { bytes: SLL_DNS, linkType: SLL });
});

test('sll.pkt_too_small: fewer than 16 bytes; the same cut by the snap length is truncation', () => {
  for (const n of [0, 1, 14, 15]) {
    expectEvent(SLL_SYN.slice(0, n), SLL, EV_SLL_PKT_TOO_SMALL);
    expectTruncated(SLL_SYN.slice(0, n), SLL, SLL_SYN.length);
  }
});

test('truncation sweep: TCP SYN (TCP header ends at 76), DNS query (UDP header ends at 44)', () => {
  sweep({ bytes: SLL_SYN, linkType: SLL }, [[0, S_TRUNCATED], [76, S_OK]], 76);
  sweep({ bytes: SLL_DNS, linkType: SLL }, [[0, S_TRUNCATED], [44, S_OK]], 76);
});

test.run();
