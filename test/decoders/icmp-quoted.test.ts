// The IP header quoted in ICMP/ICMPv6 errors: golden quoted TCP over IPv4 and IPv6, the lenient
// rules (header length, protocols with ports, short quotes), no recursion into tunnels, sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_TRUNCATED } from '../../decoders/counters.js';
import { decodeQuotedIp } from '../../decoders/icmp-quoted.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import { S_OK, S_TRUNCATED, assertResets, edit, eventTotal, fields, golden, hex, sweep } from './helpers.js';

// mercury/capture2.pcap frame 1849; tcpdump -XX -nn -r mercury/capture2.pcap -c 1849 (last packet):
// 19:35:54.241754 IP 74.134.3.114 > 192.168.1.2: ICMP host 74.134.164.121 unreachable, length 36
//   0x0000:  0004 7696 7bda 0016 e319 2715 0800 4500  ..v.{.....'...E.
//   0x0010:  0038 4c04 0000 2901 361f 4a86 0372 c0a8  .8L...).6.J..r..
//   0x0020:  0102 0301 d804 0000 0000 4500 003c 6a82  ..........E..<j.
//   0x0030:  4000 2906 3690 c0a8 0102 4a86 a479 0c1a  @.).6.....J..y..
//   0x0040:  0d46 e07c 2b1d                           .F.|+.
const UNREACH_TCP = hex(`
000476967bda0016e31927150800450000384c0400002901361f4a860372c0a8
01020301d804000000004500003c6a82400029063690c0a801024a86a4790c1a
0d46e07c2b1d
`);

// mercury/surfshark.pcap frame 3615; tcpdump -XX -nn -r mercury/surfshark.pcap -c 3615 (last packet):
// 22:23:25.321054 IP6 fe80::2 > fec0::f883:a853:7687:d617: ICMP6, destination unreachable, unreachable route 2404:6800:4009:800::200a, length 88
//   0x0000:  0215 b200 0000 5256 0000 0002 86dd 6000  ......RV......`.
//   0x0010:  0000 0058 3aff fe80 0000 0000 0000 0000  ...X:...........
//   0x0020:  0000 0000 0002 fec0 0000 0000 0000 f883  ................
//   0x0030:  a853 7687 d617 0100 4ce3 0000 0000 6003  .Sv.....L.....`.
//   0x0040:  38ba 2800 0640 fec0 0000 0000 0000 f883  8.(..@..........
//   0x0050:  a853 7687 d617 2404 6800 4009 0800 0000  .Sv...$.h.@.....
//   0x0060:  0000 0000 200a 864a 01bb 244a 62ea 0000  .......J..$Jb...
//   0x0070:  0000 a002 ffff 0c66 0000 0204 05a0 0402  .......f........
//   0x0080:  080a fa1d 5208 0000 0000 0103 0306       ....R.........
const UNREACH6_TCP = hex(`
0215b200000052560000000286dd6000000000583afffe800000000000000000
000000000002fec0000000000000f883a8537687d61701004ce3000000006003
38ba28000640fec0000000000000f883a8537687d61724046800400908000000
00000000200a864a01bb244a62ea00000000a002ffff0c660000020405a00402
080afa1d52080000000001030306
`);

const ETH = LINKTYPE_ETHERNET;

test('golden: host unreachable quoting IPv4 TCP (tshark: 192.168.1.2 -> 74.134.164.121, tcp 3098 -> 3398)', () => {
  golden(UNREACH_TCP, ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 56, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '74.134.3.114', dst: '192.168.1.2', ipProto: 1, ttl: 41, fragId: 0x4c04,
    l4Offset: 34, l4Length: 36, icmpType: 3, icmpCode: 1, payloadOffset: 42, payloadLength: 28,
    icmpQuotedIpVersion: 4, icmpQuotedSrcOffset: 54, icmpQuotedDstOffset: 58,
    quotedSrc: '192.168.1.2', quotedDst: '74.134.164.121', icmpQuotedProto: 6,
    icmpQuotedSrcPort: 3098, icmpQuotedDstPort: 3398,
  });
});

test('golden: ICMPv6 no route quoting IPv6 TCP (tshark: fec0::f883:a853:7687:d617 -> 2404:6800:4009:800::200a, 34378 -> 443)', () => {
  golden(UNREACH6_TCP, ETH, S_OK, {
    etherType: 0x86dd,
    ipVersion: 6, l3Offset: 14, l3Length: 128, srcAddrOffset: 22, dstAddrOffset: 38,
    src: 'fe80::2', dst: 'fec0::f883:a853:7687:d617', ipProto: 58, ttl: 255,
    l4Offset: 54, l4Length: 88, icmpType: 1, icmpCode: 0, payloadOffset: 58, payloadLength: 84,
    icmpQuotedIpVersion: 6, icmpQuotedSrcOffset: 70, icmpQuotedDstOffset: 86,
    quotedSrc: 'fec0::f883:a853:7687:d617', quotedDst: '2404:6800:4009:800::200a', icmpQuotedProto: 6,
    icmpQuotedSrcPort: 34378, icmpQuotedDstPort: 443,
  });
});

/** decodeQuotedIp on `bytes[offset .. offset+length)` of an uncut (or cut, when origLen > capLen) frame. */
function quote(bytes: Uint8Array, offset: number, length: number, cut = false) {
  const pkt = new Packet();
  pkt.reset(bytes, 0, bytes.length, cut ? bytes.length + 1 : bytes.length, ETH);
  const ok = decodeQuotedIp(bytes, offset, length, pkt);
  return {
    ok, v: pkt.icmpQuotedIpVersion, proto: pkt.icmpQuotedProto, sport: pkt.icmpQuotedSrcPort, dport: pkt.icmpQuotedDstPort,
    src: fields(pkt).quotedSrc, truncated: pkt.counters[C_TRUNCATED], events: eventTotal(pkt),
  };
}

test('the quoted IPv4 header length says where the ports are', () => {
  const q = 42; // UNREACH_TCP quote: 20-byte header, then 8 bytes of TCP
  assert.equal(quote(UNREACH_TCP, q, 28), { ok: true, v: 4, proto: 6, sport: 3098, dport: 3398, src: '192.168.1.2', truncated: 0, events: 0 });
  // IHL 6: the "ports" are the 4 bytes after a 24-byte header (here the TCP sequence number).
  assert.equal(quote(edit(UNREACH_TCP, [q, 0x46]), q, 28).sport, 0xe07c);
  // IHL 7: the ports would start past the 28 quoted bytes: addresses only.
  assert.equal(quote(edit(UNREACH_TCP, [q, 0x47]), q, 28), { ok: true, v: 4, proto: 6, sport: 0, dport: 0, src: '192.168.1.2', truncated: 0, events: 0 });
  // IHL under 5: addresses only, still a quote.
  assert.equal(quote(edit(UNREACH_TCP, [q, 0x44]), q, 28).sport, 0);
  assert.is(quote(edit(UNREACH_TCP, [q, 0x44]), q, 28).ok, true);
});

test('ports only for TCP, UDP, SCTP and UDP-Lite; never a recursion into a quoted tunnel', () => {
  const q = 42;
  for (const proto of [6, 17, 132, 136]) assert.is(quote(edit(UNREACH_TCP, [q + 9, proto]), q, 28).sport, 3098, `proto ${proto}`);
  for (const proto of [1, 4, 41, 47, 58]) {
    const r = quote(edit(UNREACH_TCP, [q + 9, proto]), q, 28);
    assert.equal([r.ok, r.proto, r.sport, r.dport], [true, proto, 0, 0], `proto ${proto}`);
  }
  golden(edit(UNREACH_TCP, [q + 9, 4]), ETH, S_OK, {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: 14, l3Length: 56, srcAddrOffset: 26, dstAddrOffset: 30,
    src: '74.134.3.114', dst: '192.168.1.2', ipProto: 1, ttl: 41, fragId: 0x4c04,
    l4Offset: 34, l4Length: 36, icmpType: 3, icmpCode: 1, payloadOffset: 42, payloadLength: 28,
    icmpQuotedIpVersion: 4, icmpQuotedSrcOffset: 54, icmpQuotedDstOffset: 58,
    quotedSrc: '192.168.1.2', quotedDst: '74.134.164.121', icmpQuotedProto: 4,
  });
});

test('short quotes: addresses need 20 (IPv4) or 40 (IPv6) bytes, ports 4 more', () => {
  const q4 = 42;
  const q6 = 62;
  assert.equal(quote(UNREACH_TCP, q4, 23), { ok: true, v: 4, proto: 6, sport: 0, dport: 0, src: '192.168.1.2', truncated: 0, events: 0 });
  assert.equal(quote(UNREACH_TCP, q4, 24).dport, 3398);
  assert.is(quote(UNREACH6_TCP, q6, 43).sport, 0);
  assert.is(quote(UNREACH6_TCP, q6, 44).sport, 34378);
  for (const [bytes, q, n] of [[UNREACH_TCP, q4, 19], [UNREACH6_TCP, q6, 39], [UNREACH_TCP, q4, 0], [UNREACH_TCP, q4, -4]] as const) {
    assert.equal(quote(bytes, q, n), { ok: false, v: 0, proto: 0, sport: 0, dport: 0, src: '', truncated: 0, events: 0 }, `${n} bytes`);
    // The same short quote in a frame cut by the snap length is truncation.
    assert.equal(quote(bytes, q, n, true), { ok: true, v: 0, proto: 0, sport: 0, dport: 0, src: '', truncated: 1, events: 0 }, `${n} bytes, cut`);
  }
  // Not IP at all is malformed even in a cut frame.
  assert.is(quote(edit(UNREACH_TCP, [q4, 0x55]), q4, 28, true).ok, false);
});

test('every field is reset: a quoted IPv6 tuple, then a quoted IPv4 tuple', () => {
  assertResets({ bytes: UNREACH6_TCP, linkType: ETH }, { bytes: UNREACH_TCP, linkType: ETH });
});

test('truncation sweep: both quotes (the ICMP header is what must be complete)', () => {
  sweep({ bytes: UNREACH_TCP, linkType: ETH }, [[0, S_TRUNCATED], [42, S_OK]], 70);
  sweep({ bytes: UNREACH6_TCP, linkType: ETH }, [[0, S_TRUNCATED], [58, S_OK]], 142);
});

test.run();
