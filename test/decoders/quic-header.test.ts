import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  HDR_CUT, HDR_INVALID, HDR_OK, HDR_SHORT, HDR_VERSION, LT_0RTT, LT_HANDSHAKE, LT_INITIAL, LT_RETRY,
  QUIC_V1, QUIC_V2, QV_DRAFT22, QV_DRAFT23, QV_DRAFT29, QV_NONE, QV_T050, QV_T051, QV_V1, QV_V2,
  QuicLongHeader, longPacketType, looksLikeQuicInitial, parseLongHeader, quicVersionProfile, readVarint, varintLength,
} from '../../decoders/quic-header.js';
import { concat, edit, hex } from './helpers.js';

// arkime/quicietfooo.pcap frame 1, the first 91 bytes of the UDP payload (a 1230-byte client Initial
// with a 70-byte token); tcpdump -XX -nn -r arkime/quicietfooo.pcap -c 1:
// 21:48:32.034228 IP6 2001:4998:ef5e:35::1044.53730 > 2607:f8b0:4005:80e::2003.443: UDP, length 1230
//   0x0030:  0000 0000 2003 d1e2 01bb 04d6 5796 c200  ............W...
//   0x0040:  0000 0108 296b eed9 55e8 abe9 0040 4600  ....)k..U....@F.
//   0x0050:  fcc8 998c f762 9415 67e6 0cb5 7173 6658  .....b..g...qsfX
//   ...
// tshark: Initial, version 1, DCID 296beed955e8abe9, SCID empty, token length 70, Length 1141, PN 1.
const HEAD = hex(`
c20000000108296beed955e8abe900404600fcc8998cf762941567e60cb57173
665802ea8dbd1a7a9df48a09aaa8450e157339f9ef8c9734b861efa35cb7e2a5
5dfc08a0f8356db619d720c1d30c3bb71fe72acc8eae0244750e8e
`);
/** The datagram with its protected payload replaced by zeros: the header parser never reads it. */
const DATAGRAM = concat(HEAD, new Uint8Array(1230 - HEAD.length));

const WANT = {
  offset: 0, firstByte: 0xc2, version: QUIC_V1, profile: QV_V1, type: LT_INITIAL,
  dcidOffset: 6, dcidLength: 8, scidOffset: 15, scidLength: 0, tokenOffset: 17, tokenLength: 70,
  pnOffset: 89, packetEnd: 1230,
};

function snapshot(h: QuicLongHeader): Record<string, number> {
  return { ...h };
}

test('parseLongHeader: real v1 Initial with a token (arkime/quicietfooo.pcap #1), twice into one record', () => {
  const h = new QuicLongHeader();
  for (const round of ['first', 'second']) {
    assert.is(parseLongHeader(DATAGRAM, 0, DATAGRAM.length, h), HDR_OK, `${round}: status`);
    assert.equal(snapshot(h), WANT, `${round}: fields`);
  }
  assert.equal(Array.from(DATAGRAM.subarray(h.dcidOffset, h.dcidOffset + h.dcidLength)), Array.from(hex('296beed955e8abe9')));
});

test('parseLongHeader: every field is reset (a different packet in between)', () => {
  const h = new QuicLongHeader();
  const other = hex('e1 00000001 04 aabbccdd 02 eeff 05 0102030405'); // Handshake, Length 5
  assert.is(parseLongHeader(other, 0, other.length, h), HDR_OK);
  const between = snapshot(h);
  assert.equal(between, {
    offset: 0, firstByte: 0xe1, version: 1, profile: QV_V1, type: LT_HANDSHAKE, dcidOffset: 6, dcidLength: 4,
    scidOffset: 11, scidLength: 2, tokenOffset: 0, tokenLength: 0, pnOffset: 14, packetEnd: 19,
  });
  assert.is(parseLongHeader(DATAGRAM, 0, DATAGRAM.length, h), HDR_OK);
  assert.equal(snapshot(h), WANT);
  assert.is(parseLongHeader(hex('40'), 0, 1, h), HDR_SHORT);
  assert.equal(snapshot(h), { ...snapshot(new QuicLongHeader()), firstByte: 0x40 });
});

test('parseLongHeader: at an offset inside a larger buffer', () => {
  const buf = concat(hex('deadbeef'), DATAGRAM, hex('ffff'));
  const h = new QuicLongHeader();
  assert.is(parseLongHeader(buf, 4, 4 + DATAGRAM.length, h), HDR_OK);
  assert.equal(snapshot(h), {
    ...WANT, offset: 4, dcidOffset: 10, scidOffset: 19, tokenOffset: 21, pnOffset: 93, packetEnd: 1234,
  });
});

test('parseLongHeader: truncation sweep over every prefix of the real datagram (exact status, no throw)', () => {
  const h = new QuicLongHeader();
  for (let n = 0; n <= DATAGRAM.length; n++) {
    const cut = DATAGRAM.slice(0, n); // reads past n see undefined
    const want = n < 89 ? HDR_INVALID : n < 1230 ? HDR_CUT : HDR_OK;
    assert.is(parseLongHeader(cut, 0, n, h), want, `prefix ${n}`);
    if (want === HDR_CUT) assert.is(h.packetEnd, 1230, `prefix ${n}: packetEnd is the claim`);
  }
});

test('parseLongHeader: connection ID lengths over 20 and token lengths past the datagram are HDR_INVALID', () => {
  const h = new QuicLongHeader();
  const big = concat(hex('c0 00000001 15'), new Uint8Array(21), hex('00 00 01 00'));
  assert.is(parseLongHeader(big, 0, big.length, h), HDR_INVALID, 'DCID 21');
  const scid = concat(hex('c0 00000001 00 15'), new Uint8Array(21), hex('00 01 00'));
  assert.is(parseLongHeader(scid, 0, scid.length, h), HDR_INVALID, 'SCID 21');
  const cid20 = concat(hex('c0 00000001 14'), new Uint8Array(20), hex('14'), new Uint8Array(20), hex('00 01 00'));
  assert.is(parseLongHeader(cid20, 0, cid20.length, h), HDR_OK, 'CIDs of 20');
  assert.is(h.pnOffset, 49);
  const token = hex('c0 00000001 00 00 4010 aabb');
  assert.is(parseLongHeader(token, 0, token.length, h), HDR_INVALID, 'token of 16 bytes in 2');
  const token8 = hex('c0 00000001 00 00 c00000000000ffff 00 00');
  assert.is(parseLongHeader(token8, 0, token8.length, h), HDR_INVALID, '8-byte token length past the end');
});

test('parseLongHeader: Length beyond 2^31 is HDR_CUT with a bounded packetEnd', () => {
  const h = new QuicLongHeader();
  const b = hex('c0 00000001 00 00 00 c0000000ffffffff 00');
  assert.is(parseLongHeader(b, 0, b.length, h), HDR_CUT);
  assert.ok(h.packetEnd > b.length && h.packetEnd < 2 ** 32);
});

test('parseLongHeader: short header, unsupported version, Version Negotiation, empty input', () => {
  const h = new QuicLongHeader();
  assert.is(parseLongHeader(hex('4312345678'), 0, 5, h), HDR_SHORT);
  const q050 = hex('c3 51303530 08 0102030405060708 00 00 05 0000000000');
  assert.is(parseLongHeader(q050, 0, q050.length, h), HDR_VERSION);
  assert.is(h.version, 0x51303530);
  const vn = hex('80 00000000 00 00 00000001');
  assert.is(parseLongHeader(vn, 0, vn.length, h), HDR_VERSION);
  assert.is(h.version, 0);
  assert.is(parseLongHeader(new Uint8Array(0), 0, 0, h), HDR_INVALID);
  assert.is(parseLongHeader(hex('c0000000'), 0, 4, h), HDR_INVALID);
});

test('coalesced packets are walked by Length: Initial, 0-RTT, Handshake, then a short header', () => {
  const initial = hex('c0 00000001 04 01020304 00 00 03 aabbcc');
  const zeroRtt = hex('d0 00000001 04 01020304 00 02 aabb');
  const handshake = hex('e0 00000001 04 01020304 00 01 aa');
  const short = hex('40 01020304 aabbccdd');
  const d = concat(initial, zeroRtt, handshake, short);
  const h = new QuicLongHeader();
  const types: number[] = [];
  let p = 0;
  while (p < d.length) {
    const st = parseLongHeader(d, p, d.length, h);
    if (st === HDR_SHORT) break;
    assert.is(st, HDR_OK);
    types.push(h.type);
    p = h.packetEnd;
  }
  assert.equal(types, [LT_INITIAL, LT_0RTT, LT_HANDSHAKE]);
  assert.is(p, initial.length + zeroRtt.length + handshake.length);
});

test('QUIC v2 type bits (RFC 9369 §3.2): Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00', () => {
  assert.is(longPacketType(0xd0, QV_V2), LT_INITIAL);
  assert.is(longPacketType(0xe0, QV_V2), LT_0RTT);
  assert.is(longPacketType(0xf0, QV_V2), LT_HANDSHAKE);
  assert.is(longPacketType(0xc0, QV_V2), LT_RETRY);
  assert.is(longPacketType(0xc0, QV_V1), LT_INITIAL);
  assert.is(longPacketType(0xf0, QV_V1), LT_RETRY);
  const v2 = hex('d3 6b3343cf 08 8394c8f03e515708 00 00 02 0000');
  const h = new QuicLongHeader();
  assert.is(parseLongHeader(v2, 0, v2.length, h), HDR_OK);
  assert.is(h.type, LT_INITIAL);
  assert.is(h.tokenOffset, 16);
  assert.is(h.pnOffset, 17);
  assert.is(h.packetEnd, 19);
  // The same bits under v1 read as 0-RTT: no token field.
  const v1 = edit(v2, [1, 0], [2, 0], [3, 0], [4, 1]);
  assert.is(parseLongHeader(v1, 0, v1.length, h), HDR_OK);
  assert.is(h.type, LT_0RTT);
  assert.is(h.pnOffset, 16);
});

test('Retry has no Length: it runs to the end of the datagram', () => {
  const retry = hex('f0 00000001 00 08 0102030405060708 aabbccdd 00112233445566778899aabbccddeeff');
  const h = new QuicLongHeader();
  assert.is(parseLongHeader(retry, 0, retry.length, h), HDR_OK);
  assert.is(h.type, LT_RETRY);
  assert.is(h.packetEnd, retry.length);
});

test('quicVersionProfile: v1, v2, drafts 22-34, mvfst, Google T050/T051, forced-negotiation versions', () => {
  const cases: Array<[number, number]> = [
    [QUIC_V1, QV_V1], [QUIC_V2, QV_V2], [0x709a50c4, QV_NONE], [0, QV_NONE],
    [0xff000015, QV_NONE], [0xff000016, QV_DRAFT22], [0xff000017, QV_DRAFT23], [0xff00001b, QV_DRAFT23],
    [0xff00001c, QV_DRAFT23], [0xff00001d, QV_DRAFT29], [0xff000020, QV_DRAFT29], [0xff000021, QV_V1],
    [0xff000022, QV_V1], [0xff000023, QV_NONE], [0xfaceb001, QV_DRAFT22], [0xfaceb002, QV_DRAFT23],
    [0xfaceb00e, QV_DRAFT23], [0x54303530, QV_T050], [0x54303531, QV_T051], [0x51303530, QV_NONE],
    [0x51303436, QV_NONE], [0x0a0a0a0a, QV_DRAFT29], [0x1a2a3a4a, QV_DRAFT29], [0xfafafafa, QV_DRAFT29],
    [0x0a0a0a0b, QV_NONE],
  ];
  for (const [v, p] of cases) assert.is(quicVersionProfile(v), p, `0x${v.toString(16)}`);
});

test('looksLikeQuicInitial: the real Initial, v2, drafts; not short headers, other types, unknown versions', () => {
  assert.ok(looksLikeQuicInitial(DATAGRAM, 0, DATAGRAM.length));
  assert.ok(looksLikeQuicInitial(concat(hex('00'), DATAGRAM), 1, DATAGRAM.length), 'at an offset');
  assert.ok(looksLikeQuicInitial(hex('d3 6b3343cf 08 8394c8f03e515708 00 00'), 0, 16), 'v2 Initial');
  assert.not.ok(looksLikeQuicInitial(hex('c3 6b3343cf 08 8394c8f03e515708 00 00'), 0, 16), 'v2 Retry bits');
  assert.ok(looksLikeQuicInitial(hex('c3 ff00001d 08 8394c8f03e515708 00 00'), 0, 16), 'draft-29');
  assert.ok(looksLikeQuicInitial(hex('c3 0a0a0a0a 08 8394c8f03e515708 00 00'), 0, 16), 'forced negotiation');
  assert.not.ok(looksLikeQuicInitial(edit(DATAGRAM, [0, 0xe2]), 0, DATAGRAM.length), 'Handshake');
  assert.not.ok(looksLikeQuicInitial(edit(DATAGRAM, [0, 0x82]), 0, DATAGRAM.length), 'fixed bit clear');
  assert.not.ok(looksLikeQuicInitial(edit(DATAGRAM, [0, 0x42]), 0, DATAGRAM.length), 'short header');
  assert.not.ok(looksLikeQuicInitial(edit(DATAGRAM, [4, 2]), 0, DATAGRAM.length), 'version 2 (not v2)');
  assert.not.ok(looksLikeQuicInitial(hex('c3 51303530 08 0102030405060708 00'), 0, 15), 'Q050');
  assert.not.ok(looksLikeQuicInitial(hex('c3 00000001 15'), 0, 7), 'DCID 21');
  assert.not.ok(looksLikeQuicInitial(DATAGRAM, 0, 14), 'SCID length not captured');
  assert.ok(looksLikeQuicInitial(DATAGRAM, 0, 15), 'both CIDs within the bytes');
  for (let n = 0; n < 7; n++) assert.not.ok(looksLikeQuicInitial(DATAGRAM.slice(0, n), 0, n), `${n} bytes`);
  // DNS, STUN, DTLS, RTP first bytes.
  for (const b of ['1234010000010000', '000100082112a442', '16fefd0000000000', '80e1000100000000']) {
    const x = hex(b);
    assert.not.ok(looksLikeQuicInitial(x, 0, x.length), b);
  }
});

test('varints (RFC 9000 §A.1 examples)', () => {
  const cases: Array<[string, number]> = [
    ['c2197c5eff14e88c', 151288809941952652], ['9d7f3e7d', 494878333], ['7bbd', 15293], ['25', 37], ['4025', 37],
    ['00', 0], ['3f', 63], ['7fff', 16383], ['bfffffff', 1073741823],
  ];
  for (const [h, v] of cases) {
    const b = hex(h);
    assert.is(varintLength(b[0]), b.length, `${h} length`);
    assert.is(readVarint(b, 0, b.length), v, h);
  }
});

test.run();
