// TCP header: golden frames (data with timestamps, SYN-ACK with ECE), every tcp event, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_TCP } from '../../decoders/counters.js';
import { EV_TCP_HLEN_TOO_SMALL, EV_TCP_INVALID_OPTLEN, EV_TCP_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { TCP_ACK, TCP_ECE, TCP_PSH, TCP_SYN } from '../../decoders/tcp.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, edit, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// zeek/get-to-ssh-server.pcap frame 6; tcpdump -XX -nn -r zeek/get-to-ssh-server.pcap -c 6 (last packet):
// 13:47:05.898127 IP 130.74.164.231.22 > 136.216.42.40.44338: Flags [P.], seq 1:22, ack 606, win 505, options [nop,nop,TS val 2381625250 ecr 654612844], length 21: SSH: SSH-2.0-OpenSSH_8.7
//   0x0000:  b070 0d05 f6d8 409e a44f 5671 0800 4500  .p....@..OVq..E.
//   0x0010:  0049 7dc9 4000 3b06 e7b3 824a a4e7 88d8  .I}.@.;....J....
//   0x0020:  2a28 0016 ad32 d461 3005 d3b4 c0f6 8018  *(...2.a0.......
//   0x0030:  01f9 98c8 0000 0101 080a 8df4 b7a2 2704  ..............'.
//   0x0040:  996c 5353 482d 322e 302d 4f70 656e 5353  .lSSH-2.0-OpenSS
//   0x0050:  485f 382e 370d 0a                        H_8.7..
const SSH_DATA = hex(`
b0700d05f6d8409ea44f56710800450000497dc940003b06e7b3824aa4e788d8
2a280016ad32d4613005d3b4c0f6801801f998c800000101080a8df4b7a22704
996c5353482d322e302d4f70656e5353485f382e370d0a
`);

// mercury/geneve.pcap frame 350; tcpdump -XX -nn -r mercury/geneve.pcap -c 350 (last packet):
// 06:14:06.437401 IP 50.57.31.206.443 > 10.3.30.122.63964: Flags [S.E], seq 424272779, ack 8332836, win 14600, options [mss 1440,nop,wscale 0,sackOK,eol], length 0
//   0x0000:  1246 a5dc 6c87 12e7 f962 b863 0800 4500  .F..l....b.c..E.
//   0x0010:  0034 20fc 4000 ea06 f543 3239 1fce 0a03  .4..@....C29....
//   0x0020:  1e7a 01bb f9dc 1949 e38b 007f 2624 8052  .z.....I....&$.R
//   0x0030:  3908 9d41 0000 0204 05a0 0103 0300 0402  9..A............
//   0x0040:  0000                                     ..
const SYNACK_ECE = hex(`
1246a5dc6c8712e7f962b86308004500003420fc4000ea06f54332391fce0a03
1e7a01bbf9dc1949e38b007f2624805239089d410000020405a0010303000402
0000
`);

const ETH = LINKTYPE_ETHERNET;

/** tshark for zeek/get-to-ssh-server.pcap frame 6: tcp 22 -> 44338, [P.], hdr_len 32, tcp.len 21. */
const SSH_FIELDS = {
  etherType: 0x0800,
  ipVersion: 4, l3Offset: 14, l3Length: 73, srcAddrOffset: 26, dstAddrOffset: 30,
  src: '130.74.164.231', dst: '136.216.42.40', ipProto: 6, ttl: 59, fragId: 0x7dc9,
  l4Offset: 34, l4Length: 53, srcPort: 22, dstPort: 44338,
  tcpFlags: 0x018, tcpSeq: 3563139077, tcpAck: 3551838454, tcpWindow: 505,
  payloadOffset: 66, payloadLength: 21,
};

test('golden: PSH-ACK with 21 bytes of data; sequence numbers above 2^31 stay unsigned', () => {
  const pkt = golden(SSH_DATA, ETH, S_OK, SSH_FIELDS);
  assert.is(pkt.tcpFlags, TCP_PSH | TCP_ACK);
  assert.is(pkt.counters[C_TCP], 2);
});

test('golden: SYN-ACK with ECE (tshark: tcp.flags 0x052, 443 -> 63964, hdr_len 32)', () => {
  const pkt = golden(SYNACK_ECE, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 52, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '50.57.31.206', dst: '10.3.30.122', ipProto: 6, ttl: 234, fragId: 0x20fc,
    l4Offset: 34, l4Length: 32, srcPort: 443, dstPort: 63964,
    tcpFlags: 0x052, tcpSeq: 424272779, tcpAck: 8332836, tcpWindow: 14600,
    payloadOffset: 66, payloadLength: 0,
  });
  assert.is(pkt.tcpFlags, TCP_SYN | TCP_ACK | TCP_ECE);
});

test('every field is reset between frames', () => {
  assertResets({ bytes: SSH_DATA, linkType: ETH }, { bytes: SYNACK_ECE, linkType: ETH });
});

test('tcp.pkt_too_small: under 20 bytes, or fewer than the data offset says; snap-length cuts are truncation', () => {
  expectEvent(put16(SSH_DATA, 16, 20 + 19), ETH, EV_TCP_PKT_TOO_SMALL); // IP says 19 bytes of TCP
  expectEvent(put16(SSH_DATA, 16, 20 + 31), ETH, EV_TCP_PKT_TOO_SMALL); // data offset 32
  expectEvent(put16(SSH_DATA, 16, 20), ETH, EV_TCP_PKT_TOO_SMALL);
  for (const n of [34, 40, 53, 54, 65]) expectTruncated(SSH_DATA.slice(0, n), ETH, SSH_DATA.length);
});

test('tcp.hlen_too_small: data offset under 5 words; a snap-length cut does not excuse it', () => {
  for (const off of [0, 1, 4]) expectEvent(edit(SSH_DATA, [46, off << 4]), ETH, EV_TCP_HLEN_TOO_SMALL);
  expectEvent(edit(SSH_DATA, [46, 0x40]).slice(0, 60), ETH, EV_TCP_HLEN_TOO_SMALL, S_INVALID, 60, 87);
});

test('tcp.invalid_optlen: counted, the header is still decoded (S_OK)', () => {
  // SSH_DATA options at 54..65: 01 01 08 0a <TS val> <TS ecr>.
  for (const [what, bytes] of [
    ['length 1', edit(SSH_DATA, [57, 1])],
    ['length 0', edit(SSH_DATA, [57, 0])],
    ['length past the header', edit(SSH_DATA, [57, 11])],
    ['kind with no room for a length', edit(SSH_DATA, [56, 1], [57, 1], [58, 1], [59, 1], [60, 1], [61, 1], [62, 1], [63, 1], [64, 1], [65, 8])],
  ] as const) {
    const pkt = expectEvent(bytes, ETH, EV_TCP_INVALID_OPTLEN, S_OK);
    assert.is(pkt.srcPort, 22, what);
    assert.is(pkt.payloadLength, 21, what);
  }
  golden(edit(SSH_DATA, [56, 0]), ETH, S_OK, SSH_FIELDS); // end of option list: the rest is not parsed
});

test('truncation sweep: data segment, SYN-ACK', () => {
  sweep({ bytes: SSH_DATA, linkType: ETH }, [[0, S_TRUNCATED], [66, S_OK]], 87);
  sweep({ bytes: SYNACK_ECE, linkType: ETH }, [[0, S_TRUNCATED], [66, S_OK]], 66);
});

test.run();
