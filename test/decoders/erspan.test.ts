// ERSPAN type I, II and III behind GRE: golden type II frame (with VXLAN inside the mirrored frame),
// types I and III built from it, both erspan events, too_many_layers, resets, truncation sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { C_ERSPAN, C_VXLAN } from '../../decoders/counters.js';
import { EV_ERSPAN_HEADER_TOO_SMALL, EV_ERSPAN_UNSUPPORTED_VERSION, EV_TOO_MANY_LAYERS } from '../../decoders/events.js';
import { LINKTYPE_ETHERNET } from '../../decoders/link-types.js';
import { DecoderConfig, TUN_ERSPAN } from '../../decoders/packet.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, assertResets, concat, edit, expectEvent, expectTruncated, golden, hex, put16, sweep,
} from './helpers.js';

// ja4/gre-erspan-vxlan.pcap frame 1; tcpdump -XX -nn -r ja4/gre-erspan-vxlan.pcap -c 1 (last packet):
// 08:46:45.864136 IP 100.20.9.2 > 100.20.9.1: GREv0, seq 0, length 120: gre-proto-0x88be
//   0x0000:  bbbb bbbb bbb1 aaaa aaaa aaa1 0800 4500  ..............E.
//   0x0010:  008c 0001 0000 402f a017 6414 0902 6414  ......@/..d...d.
//   0x0020:  0901 1000 88be 0000 0000 1000 0014 0000  ................
//   0x0030:  0001 ffdd ffff fff1 eeee eeee eee1 0800  ................
//   0x0040:  4500 005a 0001 0000 4011 eb75 ac10 1b83  E..Z....@..u....
//   0x0050:  ac10 1b79 12b5 12b6 0046 a3b7 0c00 0003  ...y.....F......
//   0x0060:  0000 0000 dddd dddd ddd1 aabb ccdd ccc1  ................
//   0x0070:  0800 4500 0028 0001 0000 4006 3021 0a10  ..E..(....@.0!..
//   0x0080:  1b0c 0a10 1b83 fe96 0050 0000 0000 0000  .........P......
//   0x0090:  0000 5002 2000 464d 0000                 ..P...FM..
const ERSPAN_II = hex(`
bbbbbbbbbbb1aaaaaaaaaaa108004500008c00010000402fa017641409026414
0901100088be000000001000001400000001ffddfffffff1eeeeeeeeeee10800
4500005a000100004011eb75ac101b83ac101b7912b512b60046a3b70c000003
00000000ddddddddddd1aabbccddccc108004500002800010000400630210a10
1b0c0a101b83fe960050000000000000000050022000464d0000
`);

const ETH = LINKTYPE_ETHERNET;

/**
 * tshark for ja4/gre-erspan-vxlan.pcap frame 1: GRE (S, 0x88be), erspan.version 1, spanid 20, then the
 * mirrored frame: 172.16.27.131:4789 -> 172.16.27.121:4790 VXLAN (matched by its source port), then
 * tcp 65174 -> 80 SYN. Inner offsets moved by `shift` for the I and III variants below.
 */
function want(shift: number, tunnelId: number) {
  const o = 114 + shift;
  return {
    etherType: 0x0800,
    ipVersion: 4, l3Offset: o, l3Length: 40, srcAddrOffset: o + 12, dstAddrOffset: o + 16,
    src: '10.16.27.12', dst: '10.16.27.131', ipProto: 6, ttl: 64, fragId: 1,
    l4Offset: o + 20, l4Length: 20, srcPort: 65174, dstPort: 80,
    tcpFlags: 0x002, tcpSeq: 0, tcpAck: 0, tcpWindow: 8192, payloadOffset: o + 40, payloadLength: 0,
    tunnelDepth: 2, tunnelType: TUN_ERSPAN, tunnelId,
    outerIpVersion: 4, outerSrcOffset: 26, outerDstOffset: 30, outerSrc: '100.20.9.2', outerDst: '100.20.9.1',
    outerProto: 47,
  };
}

const MIRRORED = ERSPAN_II.subarray(50); // the mirrored Ethernet frame

/** Outer Ethernet + IPv4 of the real frame around a new GRE + ERSPAN header. */
function wrap(greAndErspan: Uint8Array): Uint8Array {
  return put16(concat(ERSPAN_II.subarray(0, 34), greAndErspan, MIRRORED), 16, 20 + greAndErspan.length + MIRRORED.length);
}

/** Type I: GRE 0x88be without a sequence number, no ERSPAN header. */
const TYPE_I = wrap(hex('0000 88be'));
/** Type III: GRE 0x22eb with a sequence number, 12-byte header (version 2, span id 20, O bit clear). */
const TYPE_III = wrap(hex('1000 22eb 00000000' + '2000 0014 11223344 0000 0000'));
/** Type III with the optional 8-byte platform sub-header (O bit set). */
const TYPE_III_O = wrap(hex('1000 22eb 00000000' + '2000 0014 11223344 0000 0001' + '0800000000000000'));

test('golden: type II, span id 20, VXLAN inside the mirrored frame (two tunnels, ERSPAN outermost)', () => {
  const pkt = golden(ERSPAN_II, ETH, S_OK, want(0, 20));
  assert.is(pkt.counters[C_ERSPAN], 2);
  assert.is(pkt.counters[C_VXLAN], 2);
});

test('type I (no sequence number, no header: no session id) and type III (with and without sub-header)', () => {
  golden(TYPE_I, ETH, S_OK, want(-12, -1));
  golden(TYPE_III, ETH, S_OK, want(4, 20));
  golden(TYPE_III_O, ETH, S_OK, want(12, 20));
  golden(put16(TYPE_III, 44, 0x03ff), ETH, S_OK, want(4, 0x3ff)); // 10-bit session id
});

test('every field is reset between ERSPAN types and a frame with no tunnel', () => {
  assertResets({ bytes: ERSPAN_II, linkType: ETH }, { bytes: TYPE_I, linkType: ETH });
  assertResets({ bytes: TYPE_III_O, linkType: ETH }, { bytes: MIRRORED, linkType: ETH });
});

test('erspan.header_too_small: type II under 8, type III under 12 or 20 bytes; snap-length cuts are truncation', () => {
  expectEvent(put16(ERSPAN_II, 16, 20 + 8 + 7), ETH, EV_ERSPAN_HEADER_TOO_SMALL);
  expectEvent(put16(TYPE_III, 16, 20 + 8 + 11), ETH, EV_ERSPAN_HEADER_TOO_SMALL);
  expectEvent(put16(TYPE_III_O, 16, 20 + 8 + 19), ETH, EV_ERSPAN_HEADER_TOO_SMALL);
  for (const n of [42, 49]) expectTruncated(ERSPAN_II.slice(0, n), ETH, ERSPAN_II.length);
  for (const n of [42, 53, 54, 61]) expectTruncated(TYPE_III_O.slice(0, n), ETH, TYPE_III_O.length);
});

test('erspan.unsupported_version: the version must match the type; a snap-length cut does not excuse it', () => {
  expectEvent(edit(ERSPAN_II, [42, 0x20]), ETH, EV_ERSPAN_UNSUPPORTED_VERSION);
  expectEvent(edit(ERSPAN_II, [42, 0x00]), ETH, EV_ERSPAN_UNSUPPORTED_VERSION);
  expectEvent(edit(TYPE_III, [42, 0x10]), ETH, EV_ERSPAN_UNSUPPORTED_VERSION);
  expectEvent(edit(ERSPAN_II, [42, 0x20]).slice(0, 60), ETH, EV_ERSPAN_UNSUPPORTED_VERSION, S_INVALID, 60, 154);
});

test('decoder.too_many_layers: from ERSPAN with no tunnel allowed, from the inner VXLAN with one', () => {
  expectEvent(ERSPAN_II, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 154, 154, new DecoderConfig({ maxTunnelDepth: 0 }));
  const pkt = expectEvent(ERSPAN_II, ETH, EV_TOO_MANY_LAYERS, S_INVALID, 154, 154, new DecoderConfig({ maxTunnelDepth: 1 }));
  assert.is(pkt.tunnelType, TUN_ERSPAN);
  assert.is(pkt.tunnelDepth, 1);
});

test('truncation sweep: types II, I, III, III with sub-header', () => {
  sweep({ bytes: ERSPAN_II, linkType: ETH }, [[0, S_TRUNCATED], [154, S_OK]], 154);
  sweep({ bytes: TYPE_I, linkType: ETH }, [[0, S_TRUNCATED], [142, S_OK]], 142);
  sweep({ bytes: TYPE_III, linkType: ETH }, [[0, S_TRUNCATED], [158, S_OK]], 158);
  sweep({ bytes: TYPE_III_O, linkType: ETH }, [[0, S_TRUNCATED], [166, S_OK]], 166);
});

test.run();
