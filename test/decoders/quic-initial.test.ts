// quicInitial(): client UDP payloads → the ClientHello. Golden real Initials, one negative test per
// event, coalescing, connection-ID and version changes, snap-length cuts, the captures with split and
// reordered CRYPTO data, and fuzzing (mutated packets, and mutated plaintext re-protected).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv } from 'node:crypto';
import { join } from 'node:path';
import { APP_DONE, APP_EVENT_NAMES, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId } from '../../decoders/app-layer.js';
import { QUIC_V1, QUIC_V2, QV_V2, QuicLongHeader, parseLongHeader, quicVersionProfile } from '../../decoders/quic-header.js';
import { QuicInitialKeys, QuicPlaintext, UNPROTECT_OK, unprotectInitial } from '../../decoders/quic-initial-keys.js';
import { QUIC_MAX_INITIALS_PER_DATAGRAM, QuicConnState, quicInitial } from '../../decoders/quic-initial.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ja3Hash } from '../../decoders/ja3.js';
import { ja4 } from '../../decoders/ja4.js';
import { decodeFrame } from '../../decoders/frame.js';
import { Packet } from '../../decoders/packet.js';
import { openCapture } from '../../engine/capture/open.js';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { QUIC_CRYPTO_MAX_BYTES, QUIC_CRYPTO_MAX_RANGES } from '../../engine/reassembly/quic-crypto.js';
import { SHARED_FILES } from '../helpers/paths.js';
import { concat, edit, hex } from './helpers.js';
import { rng } from '../helpers/rng.js';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];

// ── An Initial encoder for synthetic packets (checked against RFC 9001 §A.2 below) ──

function varint(v: number): Uint8Array {
  if (v < 64) return Uint8Array.of(v);
  if (v < 16384) return Uint8Array.of(0x40 | (v >> 8), v & 0xff);
  return Uint8Array.of(0x80 | (v >>> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

interface Protect {
  payload: Uint8Array;
  version?: number;
  dcid?: Uint8Array;
  /** DCID the keys come from (default: dcid). */
  keysDcid?: Uint8Array;
  scid?: Uint8Array;
  token?: Uint8Array;
  pn?: number;
  pnLen?: number;
  /** Long-header type bits (default: this version's Initial). */
  typeBits?: number;
}

/** A protected client Initial (RFC 9001 §5.3, §5.4) carrying `payload` (frames, unencrypted). */
function protect(o: Protect): Uint8Array {
  const version = o.version ?? QUIC_V1;
  const profile = quicVersionProfile(version);
  const dcid = o.dcid ?? DCID;
  const kd = o.keysDcid ?? dcid;
  const keys = new QuicInitialKeys();
  keys.derive(kd, 0, kd.length, version, profile);
  const pnLen = o.pnLen ?? 4;
  const pn = o.pn ?? 0;
  const typeBits = o.typeBits ?? (profile === QV_V2 ? 1 : 0);
  const scid = o.scid ?? new Uint8Array(0);
  const isInitial = typeBits === (profile === QV_V2 ? 1 : 0);
  const token = o.token ?? new Uint8Array(0);
  const pnBytes = new Uint8Array(pnLen);
  for (let i = 0; i < pnLen; i++) pnBytes[pnLen - 1 - i] = Math.floor(pn / 256 ** i) & 0xff;
  const length = pnLen + o.payload.length + 16;
  const header = concat(
    Uint8Array.of(0xc0 | (typeBits << 4) | (pnLen - 1), version >>> 24, (version >> 16) & 0xff, (version >> 8) & 0xff, version & 0xff),
    Uint8Array.of(dcid.length), dcid, Uint8Array.of(scid.length), scid,
    isInitial ? concat(varint(token.length), token) : new Uint8Array(0),
    length < 16384 ? Uint8Array.of(0x40 | (length >> 8), length & 0xff) : varint(length),
    pnBytes,
  );
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(pn / 256 ** i) & 0xff;
  const c = createCipheriv('aes-128-gcm', keys.key, nonce);
  c.setAAD(header);
  const ct = concat(c.update(o.payload), c.final(), c.getAuthTag());
  const pkt = concat(header, ct);
  const pnOffset = header.length - pnLen;
  const hp = createCipheriv('aes-128-ecb', keys.hp, null);
  hp.setAutoPadding(false);
  const mask = hp.update(pkt.subarray(pnOffset + 4, pnOffset + 20));
  pkt[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < pnLen; i++) pkt[pnOffset + i] ^= mask[1 + i];
  return pkt;
}

/** CRYPTO frame carrying bytes [s, e) of `data` at stream offset s. */
function cryptoFrame(data: Uint8Array, s: number, e: number): Uint8Array {
  return concat(Uint8Array.of(0x06), varint(s), varint(e - s), data.subarray(s, e));
}

const pad = (n: number) => new Uint8Array(n);

const DCID = hex('8394c8f03e515708');

/** RFC 9001 §A.2 payload: CRYPTO (offset 0, 241 bytes: a ClientHello for example.com) + PADDING to 1162. */
const RFC_PAYLOAD = concat(hex(`
060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
616d706c652e636f6dff01000100000a00080006001d00170018001000070005
04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
0d0010000e0403050306030203080408050806002d00020101001c0002400100
3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
75300901100f088394c8f03e51570806048000ffff`), pad(917));
/** The ClientHello handshake message inside it. */
const CH = RFC_PAYLOAD.slice(4, 4 + 241);

// arkime/quicietfooo.pcap frame 1: Chrome's v1 Initial (1230 bytes, a 70-byte token), whole UDP payload.
// tcpdump -XX -nn -r arkime/quicietfooo.pcap -c 1:
// 21:48:32.034228 IP6 2001:4998:ef5e:35::1044.53730 > 2607:f8b0:4005:80e::2003.443: UDP, length 1230
//   0x0000:  0010 dbff 1001 f80f 6fa1 9b1c 86dd 600f  ........o.....`.
//   0x0010:  0700 04d6 1140 2001 4998 ef5e 0035 0000  .....@..I..^.5..
//   0x0020:  0000 0000 1044 2607 f8b0 4005 080e 0000  .....D&...@.....
//   0x0030:  0000 0000 2003 d1e2 01bb 04d6 5796 c200  ............W...
//   0x0040:  0000 0108 296b eed9 55e8 abe9 0040 4600  ....)k..U....@F.
//   ...
// tshark: PN 1; CRYPTO; SNI ssl.gstatic.com, ALPN h3, JA3 994befbc7d0879ee9be4b570e03a5284.
const GOLDEN = hex(`
c20000000108296beed955e8abe900404600fcc8998cf762941567e60cb57173
665802ea8dbd1a7a9df48a09aaa8450e157339f9ef8c9734b861efa35cb7e2a5
5dfc08a0f8356db619d720c1d30c3bb71fe72acc8eae0244750e8e1609865ca9
3bdccca70b0520a7253e138d3170d361198e3f863b76bc9d82a31421cd6ccdde
05255fc15edaa8a2a9277d221343f9ba269ed268d3056fde3362c3f6bc2cdbef
3d38bf861a8131dd5c5550964157746ba11af383f431540f2cc640b76508cd4d
0045799dfac01c0d52d1fcf33cb5d5a8380587cefc7f42e48942763ef4ce7de2
a057da726cb57c4b0c6ac1b3f941739e176fc04137b71c32dea1eeb6d21710ee
1c0bd0846e6b4e5d6bc72155bc81af3a19cbe7e9bb699397e811cc2a269c4207
f98f8c9b556fabe7558fbdacd4c1d38c924ac9218e1b7e1b92c5251b832c32ac
54cd9df053f4c584c9d8ef7f450c6a267ba482dfe6a7a15b319a5bcca4f5b380
ed4e55a6a72dc0881944f951ce55e1e62a129dc8098c63f9572897f32521b290
9095d501e10d43efb4bf3ae7d0ac28657abc90e0ce7eccb142077176f760bb70
4c5cd7e90ef0ddeef47c22ba59b1ca21766791b2ebaa76a0d2d3215a093f3cf0
2c710477098ee308dcbc3eab0878c569fa0f793a646f4ce75a7e920aa002481a
97cca88694b0321cbe59a9dd0425aec0b05472a619a60bb8f88393eeb669fcaf
f133a29ce2d51690bbcf038d74b6fc8105ed74214a0110e480aa970da9d221be
1586736fd5320ed474cea0ca5dc768ced04fcf6c00c735f0aa41f641eed661b2
c2c5d22ee5fc7fd567df5a7b692cece2ce5bc9843769ef4b716d41aaedd97fa3
3f54ac4ca395a67fa75341310334347f52ed6b8f128071d425fb195bf266eb90
04f98f084ed7365d26cbbaac5f12f0304f5500a6223727086d642fe145ae8d00
dbff4830b0ab4ff23ee62a6ad3ac60fe284d6a4d2e0474822eb53803d3b30be0
4e359b53f5651c1a22aebd0114d4cb06393858338598893470c57edfac55a8eb
f37b05e19329b76cbef7378ca9eaa73938e5d5223a296f2ffe6a36f3611f17cf
f3688bb7dc2d38967bc4fda82460d7c63c1b5427d14d7adf5d332a2bc3e4e0ef
b0e7bdcd77a02c7e5daf54ed84d76f5f1ec99349612bc7c5dc3af5353371b86e
4c2f980ca6d086f39db4c877e79e92c9a4216aa0eadbfd4f3cb48326693ccbff
a9f0c707d187dac60f16d8f6119fc5f0f100e454a9a3f3e6d12141d3b33ec9fd
4ca4a9b459f9a78589c5cf3dba81d79005e24236d8ec5225f6b6bd3c5506bcd2
a0144f528dcc43b2b60ccc5d79935df420b8d6db87ff4715ce25980f69382acd
083893795a269c4842f072a03d93be5f6be0ba33ab0ef644cf29e71dc1b5a00c
c23a53465162e3a019d951559ea654f5dd93b16a6f2a9b7fb0be645a1d5ca596
119789b0fb773c0450d42b2673d6d9a81144acb7fef4ca6f3ea69025612029dd
fc85cf72fddcfa56b9f444ae53f3016aa0dbef16a9b0af502f57bc108f1a0958
528b5c72c8967f9db3529a742942398088f27c583c336ccbc8fd88065868ed3f
628f6343342edf54c003f79c277f813333f0ac5f7a90f5a8d5b9d549634c51f1
1ec1f89de50d42c2ee2a55b18de6e1d85b183125d147587ac18e777935609a09
d9f8e3af2a60b34cf63a8b1de9225595b80c61dd60ca9028459708bcad8d4945
e42867cd9fa163316d1a8d464e9e`);

function run(state: QuicConnState, d: Uint8Array, truncated = false): number {
  return quicInitial(d, 0, d.length, state, truncated);
}

function parsedHello(state: QuicConnState): ClientHello {
  const ch = new ClientHello();
  assert.is(parseClientHello(state.chBytes, state.chOffset, state.chLength, ch), APP_DONE, 'parseClientHello');
  return ch;
}

const text = (b: Uint8Array, off: number, len: number) => Buffer.from(b.subarray(off, off + len)).toString('latin1');
function sni(ch: ClientHello): string {
  return ch.sniLength === 0 ? '-' : text(ch.bytes, ch.sniOffset, ch.sniLength);
}
function alpn(ch: ClientHello): string {
  const out: string[] = [];
  for (let i = 0; i < ch.alpnCount; i++) out.push(text(ch.bytes, ch.alpnOffsets[i], ch.alpnLengths[i]));
  return out.join(',');
}

function expectInvalid(state: QuicConnState, d: Uint8Array, event: string, truncated = false): void {
  const s = run(state, d, truncated);
  assert.is(STATUS[s], 'APP_INVALID', `${event}: status`);
  assert.is(APP_EVENT_NAMES[state.event], event);
}

// ── the encoder, golden packets ──

test('protect() reproduces the RFC 9001 §A.2 client Initial (header, sample, tag)', () => {
  const pkt = protect({ payload: RFC_PAYLOAD, pn: 2, pnLen: 4 });
  assert.is(pkt.length, 1200);
  assert.is(toHex(pkt.subarray(0, 38)), 'c000000001088394c8f03e5157080000449e7b9aec34' + 'd1b1c98dd7689fb8ec11d242b123dc9b');
  assert.is(toHex(pkt.subarray(1184)), 'e221af44860018ab0856972e194cd934');
});

test('RFC 9001 §A.2 Initial: APP_DONE with the 241-byte ClientHello (example.com, ALPN "alpn")', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: RFC_PAYLOAD, pn: 2 })), APP_DONE);
  assert.is(state.event, -1);
  assert.is(state.chLength, 241);
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(CH));
  assert.equal([state.version, state.largestPn, state.initialPackets, state.done, state.repeat, state.hellos], [QUIC_V1, 2, 1, true, false, 1]);
  const ch = parsedHello(state);
  assert.is(sni(ch), 'example.com');
  assert.is(alpn(ch), 'alpn');
});

test('RFC 9369 (QUIC v2) Initial: APP_DONE with the same ClientHello', () => {
  const state = new QuicConnState();
  const pkt = protect({ payload: RFC_PAYLOAD, pn: 2, version: QUIC_V2 });
  assert.is(pkt[0] & 0x30, 0x10, 'v2 Initial type bits 0b01');
  assert.is(run(state, pkt), APP_DONE);
  assert.is(state.version, QUIC_V2);
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(CH));
});

test('real Initial (arkime/quicietfooo.pcap #1): SNI, ALPN, JA3 and JA4 as tshark and ja4 give them; twice into one state', () => {
  const state = new QuicConnState();
  for (const round of ['first', 'second']) {
    assert.is(run(state, GOLDEN), APP_DONE, round);
    assert.equal([state.version, state.largestPn, state.keys.dcidLength], [QUIC_V1, 1, 8], round);
    const ch = parsedHello(state);
    assert.is(sni(ch), 'ssl.gstatic.com');
    assert.is(alpn(ch), 'h3');
    assert.is(ja3Hash(ch), '994befbc7d0879ee9be4b570e03a5284');
    assert.ok(ja4(ch, 'q').startsWith('q13d'), ja4(ch, 'q'));
  }
  assert.is(state.initialPackets, 2);
  assert.is(toHex(GOLDEN.subarray(0, 8)), 'c20000000108296b', 'the payload is not modified');
});

// ── one negative test per event ──

test('quic.invalid_header: CID length over 20; Length past the datagram; too short for the sample', () => {
  expectInvalid(new QuicConnState(), edit(GOLDEN, [5, 21]), 'quic.invalid_header');
  expectInvalid(new QuicConnState(), GOLDEN.slice(0, 1000), 'quic.invalid_header');
  // Length 10: packet number + 9 bytes, no room for the 16-byte sample.
  expectInvalid(new QuicConnState(), hex('c0 00000001 08 8394c8f03e515708 00 00 0a 00000000000000000000'), 'quic.invalid_header');
});

test('quic.unsupported_version: a long header with a version we cannot open (Google Q050)', () => {
  expectInvalid(new QuicConnState(), edit(GOLDEN, [1, 0x51], [2, 0x30], [3, 0x35], [4, 0x30]), 'quic.unsupported_version');
});

test('quic.decrypt_failed: one flipped ciphertext bit; a server Initial (RFC 9001 §A.3, server keys)', () => {
  expectInvalid(new QuicConnState(), edit(GOLDEN, [700, GOLDEN[700] ^ 0x10]), 'quic.decrypt_failed');
  const server = hex(`
cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a
5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3
dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84
022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4
2158407dd074ee`);
  expectInvalid(new QuicConnState(), server, 'quic.decrypt_failed');
});

test('quic.invalid_frame: a STREAM frame, a cut CRYPTO frame, inside an Initial', () => {
  expectInvalid(new QuicConnState(), protect({ payload: concat(hex('0a 00 03 aabbcc'), pad(1100)) }), 'quic.invalid_frame');
  expectInvalid(new QuicConnState(), protect({ payload: concat(pad(1100), hex('06 00 44 00 01')) }), 'quic.invalid_frame');
});

test('quic.crypto_overlap_conflict: the same stream bytes twice with different values (one packet, and across two)', () => {
  const other = CH.slice();
  other[100] ^= 0xff;
  expectInvalid(new QuicConnState(), protect({ payload: concat(cryptoFrame(CH, 0, 150), cryptoFrame(other, 90, 110), pad(1000)) }),
    'quic.crypto_overlap_conflict');
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 150), pad(1000)), pn: 0 })), APP_NEED_MORE);
  expectInvalid(state, protect({ payload: concat(cryptoFrame(other, 100, 241), pad(1000)), pn: 1 }), 'quic.crypto_overlap_conflict');
});

test('quic.crypto_too_large: a frame past 64 KiB; a ClientHello declaring more than 64 KiB', () => {
  expectInvalid(new QuicConnState(), protect({ payload: concat(hex('06 80010000 01 aa'), pad(1100)) }), 'quic.crypto_too_large');
  const big = concat(hex('01 010000'), CH.subarray(4));
  expectInvalid(new QuicConnState(), protect({ payload: concat(cryptoFrame(big, 0, big.length), pad(900)) }), 'quic.crypto_too_large');
  assert.is(QUIC_CRYPTO_MAX_BYTES, 65536);
});

test(`quic.crypto_too_fragmented: ${QUIC_CRYPTO_MAX_RANGES + 1} separate pieces waiting for their gaps`, () => {
  const frames: Uint8Array[] = [];
  for (let i = 0; i <= QUIC_CRYPTO_MAX_RANGES; i++) frames.push(cryptoFrame(CH, 10 + 4 * i, 12 + 4 * i));
  expectInvalid(new QuicConnState(), protect({ payload: concat(...frames, pad(900)) }), 'quic.crypto_too_fragmented');
  frames.pop();
  assert.is(run(new QuicConnState(), protect({ payload: concat(...frames, pad(900)) })), APP_NEED_MORE, 'one fewer fits');
});

test('tls.invalid_handshake_message: the first CRYPTO message is not a ClientHello (type 2)', () => {
  const sh = edit(CH, [0, 2]);
  expectInvalid(new QuicConnState(), protect({ payload: concat(cryptoFrame(sh, 0, 4), pad(1100)) }), 'tls.invalid_handshake_message');
  assert.is(appEventId('tls.invalid_handshake_message'), APP_EVENT_NAMES.indexOf('tls.invalid_handshake_message'));
});

// ── statuses without events ──

test('APP_NOT_THIS on a fresh flow: short header, Version Negotiation, empty, Handshake/0-RTT only, a snap-length cut', () => {
  const state = new QuicConnState();
  assert.is(run(state, hex('4300112233445566778899aabbccddeeff')), APP_NOT_THIS);
  assert.is(run(state, hex('80 00000000 08 0102030405060708 00 00000001 6b3343cf')), APP_NOT_THIS);
  assert.is(run(state, new Uint8Array(0)), APP_NOT_THIS);
  assert.is(run(state, protect({ payload: pad(1100), typeBits: 2 })), APP_NOT_THIS, 'Handshake');
  assert.is(run(state, protect({ payload: pad(1100), typeBits: 1 })), APP_NOT_THIS, '0-RTT');
  assert.is(run(state, GOLDEN.slice(0, 600), true), APP_NOT_THIS, 'cut by the snap length');
  assert.is(state.truncatedPackets, 1);
  assert.is(state.event, -1);
  assert.not.ok(state.started);
});

test('APP_NEED_MORE once started: ACK-only Initials, short headers, Handshake packets, a snap-length cut', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 100), pad(1000)), pn: 0 })), APP_NEED_MORE);
  assert.is(run(state, protect({ payload: concat(hex('02 00 00 00 00'), pad(1100)), pn: 1 })), APP_NEED_MORE, 'ACK only');
  assert.is(run(state, hex('4300112233445566778899aabbccddeeff')), APP_NEED_MORE, 'short header');
  assert.is(run(state, protect({ payload: pad(1100), typeBits: 2 })), APP_NEED_MORE, 'Handshake');
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 100, 241), pad(1000)), pn: 2 }).slice(0, 900), true), APP_NEED_MORE, 'cut');
  assert.is(state.truncatedPackets, 1);
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 100, 241), pad(1000)), pn: 3 })), APP_DONE);
  assert.is(state.largestPn, 3);
  assert.is(state.initialPackets, 3);
});

// ── coalescing ──

test('coalesced: two Initials (each half of the hello), then 0-RTT, Handshake and a short header', () => {
  const a = protect({ payload: concat(cryptoFrame(CH, 120, 241), pad(20)), pn: 0 });
  const b = protect({ payload: concat(cryptoFrame(CH, 0, 120), pad(20)), pn: 1 });
  const zeroRtt = protect({ payload: pad(30), typeBits: 1 });
  const hs = protect({ payload: pad(30), typeBits: 2 });
  const short = hex('4300112233445566778899aabbccddeeff');
  const state = new QuicConnState();
  assert.is(run(state, concat(a, b, zeroRtt, hs, short)), APP_DONE);
  assert.is(state.initialPackets, 2);
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(CH));
});

test('coalesced: trailing zero padding after the Initial is ignored (RFC 9000 §14.1 datagram padding)', () => {
  const state = new QuicConnState();
  assert.is(run(state, concat(protect({ payload: cryptoFrame(CH, 0, 241) }), pad(900))), APP_DONE);
});

test('coalesced: a second packet with another DCID is ignored (RFC 9000 §12.2); garbage after the first packet too', () => {
  const a = protect({ payload: concat(cryptoFrame(CH, 0, 120), pad(20)), pn: 0 });
  const b = protect({ payload: concat(cryptoFrame(CH, 120, 241), pad(20)), pn: 1, dcid: hex('0102030405060708') });
  const state = new QuicConnState();
  assert.is(run(state, concat(a, b)), APP_NEED_MORE);
  assert.is(state.initialPackets, 1);
  assert.is(run(new QuicConnState(), concat(a, hex('c0 00000001 15 00'))), APP_NEED_MORE, 'a malformed coalesced header');
  assert.is(run(new QuicConnState(), concat(a, hex('c0 51303530 08 00'))), APP_NEED_MORE, 'another version');
  assert.is(run(new QuicConnState(), concat(a, hex('c0 00000001 00 00 00 4400 00'))), APP_NEED_MORE, 'a Length past the end');
});

test(`at most ${QUIC_MAX_INITIALS_PER_DATAGRAM} Initials are opened per datagram; the rest are counted and skipped`, () => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i <= QUIC_MAX_INITIALS_PER_DATAGRAM; i++) {
    const s = Math.floor((241 * i) / (QUIC_MAX_INITIALS_PER_DATAGRAM + 1));
    const e = Math.floor((241 * (i + 1)) / (QUIC_MAX_INITIALS_PER_DATAGRAM + 1));
    parts.push(protect({ payload: concat(cryptoFrame(CH, s, e), pad(10)), pn: i }));
  }
  const state = new QuicConnState();
  assert.is(run(state, concat(...parts)), APP_NEED_MORE);
  assert.is(state.initialPackets, QUIC_MAX_INITIALS_PER_DATAGRAM);
  assert.is(state.initialsOverLimit, 1);
  assert.is(run(state, parts[QUIC_MAX_INITIALS_PER_DATAGRAM]), APP_DONE, 'the skipped one, alone');
});

// ── across packets, out of order ──

test('a ClientHello in three packets, arriving 3, 1, 2, frames reversed inside each', () => {
  const p = (pn: number, s: number, e: number) => {
    const mid = (s + e) >> 1;
    return protect({ payload: concat(cryptoFrame(CH, mid, e), hex('01'), cryptoFrame(CH, s, mid), pad(900)), pn });
  };
  const state = new QuicConnState();
  assert.is(run(state, p(2, 160, 241)), APP_NEED_MORE);
  assert.is(run(state, p(0, 0, 80)), APP_NEED_MORE);
  assert.is(state.crypto.contiguous, 80);
  assert.is(run(state, p(1, 80, 160)), APP_DONE);
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(CH));
  assert.is(sni(parsedHello(state)), 'example.com');
});

test('packet numbers: 1-byte encodings decode past 255 against the largest seen (the nonce depends on it)', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(hex('01'), pad(1100)), pn: 255, pnLen: 1 })), APP_NEED_MORE);
  assert.is(state.largestPn, 255);
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 241), pad(900)), pn: 256, pnLen: 1 })), APP_DONE);
  assert.is(state.largestPn, 256);
  assert.is(run(state, protect({ payload: concat(hex('01'), pad(1100)), pn: 0x1_01ff, pnLen: 4 })), APP_NEED_MORE);
  assert.is(run(state, protect({ payload: concat(hex('01'), pad(1100)), pn: 0x1_0203, pnLen: 2 })), APP_NEED_MORE);
  assert.is(state.largestPn, 0x1_0203);
  // A 2-byte encoding too far from the largest decodes to another number: wrong nonce, the tag fails.
  expectInvalid(state, protect({ payload: concat(hex('01'), pad(1100)), pn: 0x3_0000, pnLen: 2 }), 'quic.decrypt_failed');
});

// ── connection IDs, Retry, versions, retransmissions ──

test('the client switches to the server\'s CID but keeps the original keys: the hello completes', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 150), pad(1000)), pn: 0 })), APP_NEED_MORE);
  const serverCid = hex('f067a5502a4262b5');
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 150, 241), pad(1000)), pn: 1, dcid: serverCid, keysDcid: DCID })), APP_DONE);
  assert.is(toHex(state.keys.dcid.subarray(0, state.keys.dcidLength)), toHex(DCID), 'keys not re-derived');
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(CH));
});

test('Retry (a new DCID with its own keys): the half-collected hello is dropped, the new one completes', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 150), pad(1000)), pn: 0 })), APP_NEED_MORE);
  const retryCid = hex('0011223344556677889900');
  const other = edit(CH, [200, CH[200] ^ 1]); // would conflict with the first stream, not with a fresh one
  assert.is(run(state, protect({ payload: concat(cryptoFrame(other, 0, 241), pad(900)), pn: 0, dcid: retryCid, token: hex('aabbccdd') })), APP_DONE);
  assert.is(toHex(state.keys.dcid.subarray(0, state.keys.dcidLength)), toHex(retryCid));
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), toHex(other));
  // The first connection's keys are not in use any more; its packets fail both key slots.
  expectInvalid(state, protect({ payload: concat(hex('01'), pad(1100)), pn: 5, dcid: hex('aaaaaaaaaaaaaaaa'), keysDcid: DCID }), 'quic.decrypt_failed');
});

test('Version Negotiation then a v2 Initial with the same DCID: keys re-derived for v2', () => {
  const state = new QuicConnState();
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 100), pad(1000)) })), APP_NEED_MORE);
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 241), pad(900)), version: QUIC_V2 })), APP_DONE);
  assert.is(state.keys.version, QUIC_V2);
  assert.is(state.version, QUIC_V2);
});

test('after APP_DONE the next call starts a new hello: a retransmission completes again with the same bytes', () => {
  const state = new QuicConnState();
  const pkt = protect({ payload: concat(cryptoFrame(CH, 0, 241), pad(900)), pn: 0 });
  assert.is(run(state, pkt), APP_DONE);
  const first = toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength));
  assert.is(run(state, protect({ payload: concat(hex('02 00 00 00 00'), pad(1100)), pn: 1 })), APP_NEED_MORE);
  assert.not.ok(state.done);
  assert.is(state.chLength, 0, 'the previous hello is released');
  assert.not.ok(state.repeat, 'the first hello');
  assert.is(run(state, protect({ payload: concat(cryptoFrame(CH, 0, 241), pad(900)), pn: 2 })), APP_DONE);
  assert.is(toHex(state.chBytes.subarray(state.chOffset, state.chOffset + state.chLength)), first);
  assert.ok(state.repeat, 'a retransmission');
  assert.is(state.hellos, 2);
  const other = edit(CH, [100, CH[100] ^ 1]);
  assert.is(run(state, protect({ payload: concat(cryptoFrame(other, 0, 241), pad(900)), pn: 3 })), APP_DONE);
  assert.not.ok(state.repeat, 'different bytes');
  // New keys (Retry / a new connection on the 5-tuple): the same bytes are a new hello.
  assert.is(run(state, protect({ payload: concat(cryptoFrame(other, 0, 241), pad(900)), dcid: hex('0102030405060708') })), APP_DONE);
  assert.not.ok(state.repeat, 'new keys');
  assert.is(state.hellos, 1);
});

test('reset(): one state object reused for another flow', () => {
  const state = new QuicConnState();
  assert.is(run(state, GOLDEN), APP_DONE);
  state.reset();
  assert.equal([state.started, state.done, state.keys.ready, state.chLength, state.largestPn, state.event, state.hellos, state.repeat],
    [false, false, false, 0, -1, -1, 0, false]);
  assert.is(run(state, protect({ payload: RFC_PAYLOAD, pn: 2 })), APP_DONE);
  assert.is(sni(parsedHello(state)), 'example.com');
});

// ── real captures with the ClientHello split or reordered ──

interface Udp { payload: Uint8Array; truncated: boolean }

/** UDP payloads (copies) of the given frames of a capture. */
async function udpPayloads(file: string, frames: number[]): Promise<Map<number, Udp>> {
  const want = new Set(frames);
  const out = new Map<number, Udp>();
  const reader = await openCapture(join(SHARED_FILES, file));
  const pkt = new Packet();
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      for (let i = 0; i < b.count; i++) {
        if (!want.has(b.firstFrame + i)) continue;
        const m = i * META_STRIDE;
        pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
        decodeFrame(pkt);
        assert.is(pkt.ipProto, 17, `${file} #${b.firstFrame + i} is UDP`);
        out.set(b.firstFrame + i, { payload: b.data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength), truncated: pkt.truncated });
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Feed the frames in order into one state; the statuses, and the hello parsed at the end. */
async function feedFrames(file: string, frames: number[]): Promise<{ statuses: string[]; state: QuicConnState }> {
  const p = await udpPayloads(file, frames);
  const state = new QuicConnState();
  const statuses = frames.map((f) => STATUS[quicInitial(p.get(f)!.payload, 0, p.get(f)!.payload.length, state, p.get(f)!.truncated)]);
  return { statuses, state };
}

test('ndpi/quic_frags_ch_in_multiple_packets.pcapng: the hello in 2 packets (CRYPTO 0+1182, 1182+396)', async () => {
  const { statuses, state } = await feedFrames('ndpi/quic_frags_ch_in_multiple_packets.pcapng', [1, 2]);
  assert.equal(statuses, ['APP_NEED_MORE', 'APP_DONE']);
  assert.is(state.chLength, 1578);
  const ch = parsedHello(state);
  assert.is(sni(ch), '-');
  assert.is(alpn(ch), 'h3-34,hq-34,h3-33,hq-33,h3-32,hq-32,h3-31,hq-31,h3-29,hq-29,h3-30,hq-30,h3-28,hq-28,h3-27,hq-27,h3,hq-interop');
  assert.is(ja3Hash(ch), '0299b052ace53a14c3a04aceb5efd247');
});

test('mercury/geneve.pcap #68-70 (inside Geneve): the hello in 3 packets, the last with 11 frames out of order', async () => {
  const { statuses, state } = await feedFrames('mercury/geneve.pcap', [68, 69, 70]);
  assert.equal(statuses, ['APP_NEED_MORE', 'APP_NEED_MORE', 'APP_DONE']);
  assert.is(sni(parsedHello(state)), 'securepubads.g.doubleclick.net');
  assert.is(state.initialPackets, 3);
});

test('ndpi/quic_frags_ch_out_of_order_same_packet_craziness.pcapng #1: 11 CRYPTO frames out of order in one packet (draft-29)', async () => {
  const { statuses, state } = await feedFrames('ndpi/quic_frags_ch_out_of_order_same_packet_craziness.pcapng', [1]);
  assert.equal(statuses, ['APP_DONE']);
  assert.is(state.version, 0xff00001d);
  const ch = parsedHello(state);
  assert.is(sni(ch), 'update.googleapis.com');
  assert.is(alpn(ch), 'h3-29');
});

test('suricata-verify/quic-frag-unordered.pcap: 10 + 4 unordered frames over 2 packets (raw IP link type)', async () => {
  const { statuses, state } = await feedFrames('suricata-verify/quic-frag-unordered.pcap', [1, 2]);
  assert.equal(statuses, ['APP_NEED_MORE', 'APP_DONE']);
  const ch = parsedHello(state);
  assert.is(sni(ch), 'mastodon.social');
  assert.is(alpn(ch), 'h3');
});

test('mercury/quic_reordered_frames.pcap #19-20: reordered frames over 2 packets (IPv6 hop-by-hop)', async () => {
  const { statuses, state } = await feedFrames('mercury/quic_reordered_frames.pcap', [19, 20]);
  assert.equal(statuses, ['APP_NEED_MORE', 'APP_DONE']);
  assert.is(sni(parsedHello(state)), 'accounts.google.com');
});

test('ndpi/quic-v2.pcapng #1 (QUIC v2, Linux cooked capture) and zeek/quicv2-http3-443.pcap #1 (v2, no SNI)', async () => {
  const a = await feedFrames('ndpi/quic-v2.pcapng', [1]);
  assert.equal(a.statuses, ['APP_DONE']);
  assert.is(a.state.version, QUIC_V2);
  assert.is(sni(parsedHello(a.state)), 'test');
  const b = await feedFrames('zeek/quicv2-http3-443.pcap', [1]);
  assert.equal(b.statuses, ['APP_DONE']);
  const ch = parsedHello(b.state);
  assert.is(sni(ch), '-');
  assert.is(ja3Hash(ch), 'b399a25badfd034849f164d8acfda10e');
});

test('mercury/quic-crypto-packets.pcap: Google T051 (gQUIC frames) and mvfst 0xfaceb002 (draft-27 salt)', async () => {
  const t = await feedFrames('mercury/quic-crypto-packets.pcap', [438]);
  assert.equal(t.statuses, ['APP_DONE']);
  assert.is(t.state.version, 0x54303531);
  assert.is(sni(parsedHello(t.state)), 'fonts.gstatic.com');
  const f = await feedFrames('mercury/quic-crypto-packets.pcap', [15]);
  assert.equal(f.statuses, ['APP_DONE']);
  assert.is(f.state.version, 0xfaceb002);
});

// ── fuzzing ──


/** Real client Initials: v1 (Chrome), draft-29, mvfst, T051, v2, forced-negotiation version, 3-packet hello. */
async function realInitials(): Promise<Uint8Array[]> {
  const picks: Array<[string, number[]]> = [
    ['arkime/quicietfooo.pcap', [1]],
    ['ndpi/quic_frags_ch_out_of_order_same_packet_craziness.pcapng', [1, 5]],
    ['mercury/quic-crypto-packets.pcap', [1, 15, 438]],
    ['ndpi/quic-v2.pcapng', [1]],
    ['ndpi/quic_interop_V.pcapng', [1]],
    ['mercury/geneve.pcap', [68, 69, 70]],
    ['suricata-verify/quic-frag-unordered.pcap', [1, 2]],
  ];
  const out: Uint8Array[] = [];
  for (const [file, frames] of picks) {
    const p = await udpPayloads(file, frames);
    for (const f of frames) out.push(p.get(f)!.payload);
  }
  return out;
}

function checkedRun(state: QuicConnState, d: Uint8Array, what: string): number {
  let s: number;
  try {
    s = quicInitial(d, 0, d.length, state, false);
  } catch (e) {
    throw new Error(`${what}: quicInitial threw ${String(e)}`);
  }
  assert.ok(s >= APP_DONE && s <= APP_INVALID, `${what}: status ${s}`);
  assert.is(s === APP_INVALID, state.event >= 0, `${what}: event set exactly on APP_INVALID`);
  if (s === APP_DONE) assert.ok(state.chLength >= 4 && state.chBytes[state.chOffset] === 1, `${what}: a ClientHello`);
  return s;
}

test('fuzz: mutated real Initials (bytes flipped, cut, repeated, coalesced) never throw', async () => {
  const r = rng(0x9e3779b9);
  const seeds = await realInitials();
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const base = seeds[i % seeds.length];
    let d: Uint8Array = base.slice();
    const kind = Math.floor(r() * 5);
    if (kind === 0) { // flip bytes, mostly in the header
      for (let k = 1 + Math.floor(r() * 4); k > 0; k--) {
        const at = r() < 0.7 ? Math.floor(r() * Math.min(64, d.length)) : Math.floor(r() * d.length);
        d[at] ^= 1 << Math.floor(r() * 8);
      }
    } else if (kind === 1) {
      d = d.slice(0, Math.floor(r() * d.length));
    } else if (kind === 2) {
      d = concat(d.slice(0, Math.floor(r() * d.length)), seeds[Math.floor(r() * seeds.length)]);
    } else if (kind === 3) {
      for (let k = 0; k < 8; k++) d[Math.floor(r() * d.length)] = Math.floor(r() * 256);
    } else {
      d[Math.floor(r() * Math.min(30, d.length))] = [0x00, 0xff, 0x14, 0x15, 0x3f, 0x40, 0x80, 0xc0][Math.floor(r() * 8)];
    }
    const state = new QuicConnState();
    const s = checkedRun(state, d, `mutation ${i}`);
    seen.add(s === APP_INVALID ? APP_EVENT_NAMES[state.event] : STATUS[s]);
    // The same state must survive the unmodified packet afterwards.
    checkedRun(state, base, `mutation ${i} then the original`);
  }
  for (const want of ['APP_DONE', 'quic.invalid_header', 'quic.decrypt_failed', 'quic.unsupported_version']) {
    assert.ok(seen.has(want), `reached ${want}: ${[...seen].join(' ')}`);
  }
});

test('fuzz: mutated plaintext of real Initials, re-protected, reaches frames and reassembly and never throws', async () => {
  const r = rng(0x2545f491);
  const seeds = await realInitials();
  // Open each seed's first packet once: its DCID, version and plaintext.
  const opened: Array<{ dcid: Uint8Array; version: number; plain: Uint8Array; pn: number }> = [];
  for (const d of seeds) {
    const h = new QuicLongHeader();
    parseLongHeader(d, 0, d.length, h);
    const k = new QuicInitialKeys();
    k.derive(d, h.dcidOffset, h.dcidLength, h.version, h.profile);
    const out = new QuicPlaintext();
    assert.is(unprotectInitial(d, 0, h.pnOffset, h.packetEnd, k, -1, out), UNPROTECT_OK);
    opened.push({ dcid: d.slice(h.dcidOffset, h.dcidOffset + h.dcidLength), version: h.version, plain: Uint8Array.from(out.plain), pn: out.packetNumber });
  }
  const seen = new Set<string>();
  for (let i = 0; i < 1500; i++) {
    const o = opened[i % opened.length];
    const plain = o.plain.slice();
    const kind = Math.floor(r() * 4);
    if (kind === 0) {
      for (let k = 1 + Math.floor(r() * 6); k > 0; k--) plain[Math.floor(r() * Math.min(80, plain.length))] = Math.floor(r() * 256);
    } else if (kind === 1) {
      for (let k = 1 + Math.floor(r() * 6); k > 0; k--) plain[Math.floor(r() * plain.length)] ^= 1 << Math.floor(r() * 8);
    } else if (kind === 2) {
      // Random frames: type from the allowed set and a few others, random varint-ish bytes.
      for (let p = 0; p < plain.length && p < 200; p += 1 + Math.floor(r() * 8)) {
        plain[p] = [0x00, 0x01, 0x02, 0x03, 0x06, 0x1c, 0x08, 0x07, 0x40, 0xc0][Math.floor(r() * 10)];
      }
    } else {
      plain.fill(0, Math.floor(r() * plain.length));
    }
    const state = new QuicConnState();
    const pkt = protect({ payload: plain, version: o.version, dcid: o.dcid, pn: o.pn });
    const s = checkedRun(state, pkt, `plaintext mutation ${i}`);
    seen.add(s === APP_INVALID ? APP_EVENT_NAMES[state.event] : STATUS[s]);
  }
  for (const want of ['APP_DONE', 'APP_NEED_MORE', 'quic.invalid_frame', 'quic.crypto_too_large', 'tls.invalid_handshake_message']) {
    assert.ok(seen.has(want), `reached ${want}: ${[...seen].join(' ')}`);
  }
});

test.run();
