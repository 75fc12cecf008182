// Ethernet II decoder: golden frames from real captures, ethernet.pkt_too_small, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_ARP, C_ETHERNET, C_IPV4, C_TCP } from '../../decoders/counters.js';
import { EV_ETHERNET_PKT_TOO_SMALL } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, S_UNSUPPORTED, assertResets, decode, expectEvent, expectTruncated, golden, hex, sweep,
} from './helpers.js';

// arkime/dns-tcp.pcap frame 1; tcpdump -XX -nn -r arkime/dns-tcp.pcap -c 1 (last packet):
// 16:07:58.892062 IP 10.180.156.141.49342 > 10.2.95.39.53: Flags [S], seq 147461651, win 65535, options [mss 1460,nop,wscale 4,nop,nop,TS val 2913831265 ecr 0,sackOK,eol], length 0
//   0x0000:  0000 0c07 ac01 001f 5bff 51cb 0800 4500  ........[.Q...E.
//   0x0010:  0040 30eb 4000 4006 f962 0ab4 9c8d 0a02  .@0.@.@..b......
//   0x0020:  5f27 c0be 0035 08ca 1613 0000 0000 b002  _'...5..........
//   0x0030:  ffff 0fb4 0000 0204 05b4 0103 0304 0101  ................
//   0x0040:  080a adad 8961 0000 0000 0402 0000       .....a........
const SYN = hex(`
00000c07ac01001f5bff51cb08004500004030eb40004006f9620ab49c8d0a02
5f27c0be003508ca161300000000b002ffff0fb40000020405b4010303040101
080aadad89610000000004020000
`);

// arkime/dns-udp.pcap frame 1; tcpdump -XX -nn -r arkime/dns-udp.pcap -c 1 (last packet):
// 17:30:47.217572 IP 10.180.156.141.62563 > 10.2.95.39.53: 57401+ A? www.github.com. (32)
//   0x0000:  0000 0c07 ac01 001f 5bff 51cb 0800 4500  ........[.Q...E.
//   0x0010:  003c b3bc 0000 4011 b68a 0ab4 9c8d 0a02  .<....@.........
//   0x0020:  5f27 f463 0035 0028 93ab e039 0100 0001  _'.c.5.(...9....
//   0x0030:  0000 0000 0000 0377 7777 0667 6974 6875  .......www.githu
//   0x0040:  6203 636f 6d00 0001 0001                 b.com.....
const DNS_QUERY = hex(`
00000c07ac01001f5bff51cb08004500003cb3bc00004011b68a0ab49c8d0a02
5f27f4630035002893abe0390100000100000000000003777777066769746875
6203636f6d0000010001
`);

// ja4/latest.pcapng frame 61; tcpdump -XX -nn -r ja4/latest.pcapng -c 61 (last packet):
// 21:25:47.124432 ARP, Reply 172.16.225.48 is-at 68:ec:c5:b4:5a:9b, length 28
//   0x0000:  683a 1e20 05cc 68ec c5b4 5a9b 0806 0001  h:....h...Z.....
//   0x0010:  0800 0604 0002 68ec c5b4 5a9b ac10 e130  ......h...Z....0
//   0x0020:  683a 1e20 05cc ac10 e001                 h:........
const ARP = hex(`
683a1e2005cc68ecc5b45a9b0806000108000604000268ecc5b45a9bac10e130
683a1e2005ccac10e001
`);

const ETH = LINKTYPE_ETHERNET;

test('golden: IPv4 TCP SYN (tshark: eth.type 0x0800, ip 10.180.156.141 -> 10.2.95.39, tcp 49342 -> 53, hdr_len 44)', () => {
  const pkt = golden(SYN, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 64, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.180.156.141', dst: '10.2.95.39', ipProto: 6, ttl: 64, fragId: 0x30eb,
    l4Offset: 34, l4Length: 44, srcPort: 49342, dstPort: 53,
    tcpFlags: 0x002, tcpSeq: 147461651, tcpAck: 0, tcpWindow: 65535,
    payloadOffset: 78, payloadLength: 0,
  });
  assert.is(pkt.counters[C_ETHERNET], 2);
  assert.is(pkt.counters[C_IPV4], 2);
  assert.is(pkt.counters[C_TCP], 2);
});

test('golden: IPv4 UDP DNS query (tshark: udp 62563 -> 53, length 40)', () => {
  golden(DNS_QUERY, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 60, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '10.180.156.141', dst: '10.2.95.39', ipProto: 17, ttl: 64, fragId: 0xb3bc,
    l4Offset: 34, l4Length: 40, srcPort: 62563, dstPort: 53,
    payloadOffset: 42, payloadLength: 32,
  });
});

test('golden: ARP is counted and unsupported, nothing else is filled', () => {
  const pkt = golden(ARP, ETH, S_UNSUPPORTED, { etherType: 0x0806 });
  assert.is(pkt.counters[C_ARP], 2);
});

test('every field is reset between frames (TCP, UDP, ARP)', () => {
  assertResets({ bytes: SYN, linkType: ETH }, { bytes: DNS_QUERY, linkType: ETH });
  assertResets({ bytes: DNS_QUERY, linkType: ETH }, { bytes: ARP, linkType: ETH });
});

test('ethernet.pkt_too_small: 13 bytes; the same 13 bytes cut by the snap length are truncation', () => {
  expectEvent(SYN.slice(0, 13), ETH, EV_ETHERNET_PKT_TOO_SMALL);
  expectEvent(new Uint8Array(0), ETH, EV_ETHERNET_PKT_TOO_SMALL);
  expectTruncated(SYN.slice(0, 13), ETH, SYN.length);
  expectTruncated(new Uint8Array(0), ETH, SYN.length);
  const pkt = new Packet();
  assert.is(decode(pkt, SYN.slice(0, 14), ETH, 14, 14), S_INVALID, 'a bare header with an IPv4 type is an invalid IPv4 packet');
});

test('truncation sweep: TCP SYN (header ends at 78), DNS query (UDP header ends at 42)', () => {
  sweep({ bytes: SYN, linkType: ETH }, [[0, S_TRUNCATED], [78, S_OK]], 78);
  sweep({ bytes: DNS_QUERY, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 74);
});

test('truncation sweep: ARP is unsupported once the Ethernet header is complete', () => {
  // ARP is not decoded: no IP end, a cut past the Ethernet header is not noticed.
  sweep({ bytes: ARP, linkType: ETH }, [[0, S_TRUNCATED], [14, S_UNSUPPORTED]], 14);
});

test.run();
