// TLS record walk (tls-record.ts): real streams from the shared captures, the ClientHello split across
// records and segments, every prefix length, sticky statuses, one negative test per record event, fuzzing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, appEventId, type AppEventName } from '../../decoders/app-layer.js';
import {
  TLS_MAX_RECORD_LEN, TlsHandshakeScratch, tlsClientStream, tlsServerStream,
} from '../../decoders/tls-record.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { concat, hex } from './helpers.js';
import { CH_ALPN_H2, HRR, SH12 } from './tls-golden.js';
import { rng } from '../helpers/rng.js';


// ja4/tls-sni.pcapng frame 60, TCP payload: ChangeCipherSpec record, then the second ClientHello after a HelloRetryRequest (SNI mem.gfx.ms)
const CCS_CH2 = hex(`
140303000101160303014b0100014703034660b07dc11351021ba36d7a63b46d
b613a2e3e0bfa9b4adaf3320256a8b52f420f2ae74a36b070777bc9d86ea69b3
7a1bea722aa41de7069fff1dd8ecc78c7d2a0020fafa130113021303c02bc02f
c02cc030cca9cca8c013c014009c009d002f0035010000de7a7a000000050005
0100000000001b000302000200330047004500170041045f6040dc2320d09870
7cd8e1211bb8ab0543c69e86e4d8e87baf68bc93ad3b33c81cd2a6af6491d01e
16c611c091ea6c5d6b5f1afc3d2bfb1e071011df4ecd1c002d00020101446900
050003026832000a000a0008baba001d00170018000d00120010040308040401
0503080505010806060100120000ff01000100000b0002010000230000002b00
07068a8a030403030000000f000d00000a6d656d2e6766782e6d730017000000
10000e000c02683208687474702f312e31caca000100
`);



const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];
const st = (s: number) => STATUS[s] ?? `status ${s}`;

/** The handshake message of a one-record stream (record header stripped). */
const CH_MSG = CH_ALPN_H2.subarray(5);
const SH_MSG = SH12.subarray(5);

/** A record of content type `ct` (version 0x0301 unless given) around `body`. */
function record(body: Uint8Array, ct = 22, version = 0x0301): Uint8Array {
  return concat(Uint8Array.of(ct, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff), body);
}

/** `msg` cut at `cuts` into fragments, each in its own handshake record. */
function split(msg: Uint8Array, cuts: number[]): Uint8Array {
  const at = [0, ...cuts, msg.length];
  const parts: Uint8Array[] = [];
  for (let i = 0; i + 1 < at.length; i++) parts.push(record(msg.subarray(at[i], at[i + 1])));
  return concat(...parts);
}

function message(s: TlsHandshakeScratch): string {
  return Buffer.from(s.msgBytes.subarray(s.msgOffset, s.msgOffset + s.msgLength)).toString('hex');
}

/** Feed `stream` in one call; returns the scratch. */
function walk(stream: Uint8Array, server = false, scratch = new TlsHandshakeScratch()): TlsHandshakeScratch {
  (server ? tlsServerStream : tlsClientStream)(stream, 0, stream.length, scratch);
  return scratch;
}

/** Negative test: the stream is APP_INVALID with exactly this event. */
function expectInvalid(stream: Uint8Array, name: AppEventName, server = false, scratch = new TlsHandshakeScratch()): void {
  const s = walk(stream, server, scratch);
  assert.is(st(s.status), 'APP_INVALID', `${name}: status`);
  assert.is(s.event, appEventId(name), `${name}: event`);
}

test('golden: a ClientHello in one record is APP_DONE without a copy (msgBytes is the stream buffer)', () => {
  const s = new TlsHandshakeScratch();
  assert.is(st(tlsClientStream(CH_ALPN_H2, 0, CH_ALPN_H2.length, s)), 'APP_DONE');
  assert.ok(s.msgBytes === CH_ALPN_H2, 'zero-copy');
  assert.equal([s.msgOffset, s.msgLength, s.msgType, s.records, s.event], [5, 232, 1, 1, -1]);
  const ch = new ClientHello();
  assert.is(st(parseClientHello(s.msgBytes, s.msgOffset, s.msgLength, ch)), 'APP_DONE');
  assert.is(Buffer.from(CH_ALPN_H2.subarray(ch.sniOffset, ch.sniOffset + ch.sniLength)).toString(), 'www.cloudflare.com');
});

test('golden: the stream may start at any offset of a larger buffer; bytes past the message are not needed', () => {
  const buf = concat(new Uint8Array(100).fill(0xee), CH_ALPN_H2, record(Uint8Array.of(1, 2, 3), 23));
  const s = new TlsHandshakeScratch();
  assert.is(st(tlsClientStream(buf, 100, buf.length - 100, s)), 'APP_DONE');
  assert.equal([s.msgOffset, s.msgLength], [105, 232]);
  assert.is(message(s), Buffer.from(CH_MSG).toString('hex'));
});

test('status is sticky until reset(): APP_DONE again, APP_INVALID again; reset() starts over', () => {
  const s = walk(CH_ALPN_H2);
  assert.is(st(tlsClientStream(CH_ALPN_H2, 0, 3, s)), 'APP_DONE');
  assert.is(st(tlsClientStream(new Uint8Array(0), 0, 0, s)), 'APP_DONE');
  s.reset();
  assert.is(st(tlsClientStream(Uint8Array.of(0x15, 3, 1), 0, 3, s)), 'APP_INVALID');
  assert.is(st(tlsClientStream(CH_ALPN_H2, 0, CH_ALPN_H2.length, s)), 'APP_INVALID');
  s.reset();
  assert.equal([s.status, s.event, s.consumed, s.filled, s.records, s.msgLength], [APP_NEED_MORE, -1, 0, 0, 0, 0]);
  assert.is(st(tlsClientStream(CH_ALPN_H2, 0, CH_ALPN_H2.length, s)), 'APP_DONE');
});

test('ClientHello split across 3 TLS records: APP_DONE with the message reassembled in the scratch buffer', () => {
  const stream = split(CH_MSG, [70, 150]);
  assert.is(stream.length, CH_MSG.length + 15);
  const s = walk(stream);
  assert.is(st(s.status), 'APP_DONE');
  assert.ok(s.msgBytes === s.buf, 'copied');
  assert.equal([s.msgOffset, s.msgLength, s.records], [0, 232, 3]);
  assert.is(message(s), Buffer.from(CH_MSG).toString('hex'));
  // The handshake header itself split (1 + 2 + 1 bytes), then the body: still the same message.
  const s2 = walk(split(CH_MSG, [1, 3, 4]));
  assert.equal([st(s2.status), s2.records, message(s2)], ['APP_DONE', 4, Buffer.from(CH_MSG).toString('hex')]);
});

test('ClientHello one byte per record (232 records): APP_DONE, same message', () => {
  const stream = split(CH_MSG, Array.from({ length: CH_MSG.length - 1 }, (_, i) => i + 1));
  const s = walk(stream);
  assert.equal([st(s.status), s.records, message(s)], ['APP_DONE', 232, Buffer.from(CH_MSG).toString('hex')]);
});

/**
 * Every prefix length n of `stream`: a fresh scratch gives APP_NEED_MORE below `doneAt`, APP_DONE
 * from there on; one scratch fed n = 0, 1, 2, ... (each time a new buffer holding just the prefix)
 * turns APP_DONE exactly at `doneAt`. Never a throw, never another status.
 */
function sweep(stream: Uint8Array, doneAt: number, want: string, server = false): void {
  const fn = server ? tlsServerStream : tlsClientStream;
  const shared = new TlsHandshakeScratch();
  for (let n = 0; n <= stream.length; n++) {
    const cut = stream.slice(0, n);
    const fresh = new TlsHandshakeScratch();
    const a = fn(cut, 0, n, fresh);
    const b = fn(cut, 0, n, shared);
    const expect = n < doneAt ? 'APP_NEED_MORE' : 'APP_DONE';
    assert.is(st(a), expect, `prefix ${n}/${stream.length}, fresh scratch`);
    assert.is(st(b), expect, `prefix ${n}/${stream.length}, fed incrementally`);
    if (n === doneAt) {
      assert.is(message(fresh), want, `prefix ${n}: message (fresh)`);
      assert.is(message(shared), want, `prefix ${n}: message (incremental)`);
    }
  }
}

test('every prefix length of a real one-record stream: APP_NEED_MORE, then APP_DONE at its end', () => {
  sweep(CH_ALPN_H2, CH_ALPN_H2.length, Buffer.from(CH_MSG).toString('hex'));
});

test('every prefix length of the 3-record stream: APP_NEED_MORE, then APP_DONE at the last fragment byte', () => {
  const stream = concat(split(CH_MSG, [70, 150]), record(Uint8Array.of(0x17), 23));
  sweep(stream, CH_MSG.length + 15, Buffer.from(CH_MSG).toString('hex'));
});

test('ChangeCipherSpec before the second ClientHello (after a HelloRetryRequest) is skipped; every prefix', () => {
  const s = walk(CCS_CH2);
  assert.equal([st(s.status), s.msgOffset, s.msgLength, s.records], ['APP_DONE', 11, 4 + 0x147, 1]);
  const ch = new ClientHello();
  assert.is(st(parseClientHello(s.msgBytes, s.msgOffset, s.msgLength, ch)), 'APP_DONE');
  assert.is(Buffer.from(ch.bytes.subarray(ch.sniOffset, ch.sniOffset + ch.sniLength)).toString(), 'mem.gfx.ms');
  sweep(CCS_CH2, CCS_CH2.length, Buffer.from(CCS_CH2.subarray(11)).toString('hex'));
});

test('several handshake messages in one record: the first one is APP_DONE (ServerHello + ServerHelloDone)', () => {
  const flight = record(concat(SH_MSG, Uint8Array.of(0x0e, 0, 0, 0)), 22, 0x0303);
  const s = walk(flight, true);
  assert.equal([st(s.status), s.msgOffset, s.msgLength, s.msgType], ['APP_DONE', 5, SH_MSG.length, 2]);
  // ... and a ClientHello followed by another message in the same record, split across two records.
  const two = split(concat(CH_MSG, Uint8Array.of(0x10, 0, 0, 2, 0xab, 0xcd)), [100]);
  const c = walk(two);
  assert.equal([st(c.status), c.msgLength, message(c)], ['APP_DONE', 232, Buffer.from(CH_MSG).toString('hex')]);
  // The server flight of a real capture: HelloRetryRequest, then a ChangeCipherSpec record.
  const h = walk(HRR, true);
  assert.equal([st(h.status), h.msgOffset, h.msgLength], ['APP_DONE', 5, 0x58]);
  sweep(SH12, SH12.length, Buffer.from(SH_MSG).toString('hex'), true);
});

test('APP_NOT_THIS: HTTP, SSH, SSLv2-compatible hello, a 0x16 not followed by major version 3 (decided on the first bytes)', () => {
  const cases: Array<[string, Uint8Array, number]> = [
    ['HTTP request', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 1],
    ['SSH banner', new TextEncoder().encode('SSH-2.0-OpenSSH_9.6\r\n'), 1],
    ['SSLv2-compatible ClientHello', hex('802e0103010015000000100100800300800700c0060040020080040080'), 1],
    ['0x16 then 0x02', Uint8Array.of(0x16, 0x02, 0x00, 0x00, 0x10), 2],
    ['alert-looking 0x15 then 0x47', Uint8Array.of(0x15, 0x47, 0x45, 0x54), 2],
  ];
  for (const [what, bytes, decidedAt] of cases) {
    for (let n = 0; n <= bytes.length; n++) {
      const s = new TlsHandshakeScratch();
      assert.is(st(tlsClientStream(bytes, 0, n, s)), n < decidedAt ? 'APP_NEED_MORE' : 'APP_NOT_THIS', `${what}, ${n} bytes`);
      assert.is(s.event, -1, `${what}: no event`);
    }
  }
});

test('tls.invalid_record_type: an alert first; application data, an alert or a ChangeCipherSpec between fragments', () => {
  expectInvalid(record(Uint8Array.of(2, 40), 21), 'tls.invalid_record_type');
  expectInvalid(record(Uint8Array.of(1, 2, 3), 23, 0x0303), 'tls.invalid_record_type', true);
  const first = record(CH_MSG.subarray(0, 100));
  expectInvalid(concat(first, record(Uint8Array.of(1, 2, 3), 23), record(CH_MSG.subarray(100))), 'tls.invalid_record_type');
  expectInvalid(concat(first, record(Uint8Array.of(2, 40), 21)), 'tls.invalid_record_type');
  expectInvalid(concat(first, record(Uint8Array.of(1), 20), record(CH_MSG.subarray(100))), 'tls.invalid_record_type');
  expectInvalid(concat(first, Uint8Array.of(0x47, 0x45, 0x54)), 'tls.invalid_record_type');
  expectInvalid(concat(record(Uint8Array.of(2), 20)), 'tls.invalid_record_type'); // ChangeCipherSpec value other than 1
});

test('tls.invalid_record_version: minor version past 4, or a later record not 3.x', () => {
  expectInvalid(record(CH_MSG, 22, 0x0305), 'tls.invalid_record_version');
  expectInvalid(concat(record(CH_MSG.subarray(0, 100)), record(CH_MSG.subarray(100), 22, 0x0201)), 'tls.invalid_record_version');
  // 0x0300 (SSL 3.0) .. 0x0304 are all accepted.
  for (let v = 0x0300; v <= 0x0304; v++) assert.is(st(walk(record(CH_MSG, 22, v)).status), 'APP_DONE', `version ${v.toString(16)}`);
});

test('tls.invalid_record_length: empty record, longer than 2^14 + 2048, ChangeCipherSpec not one byte', () => {
  expectInvalid(record(new Uint8Array(0)), 'tls.invalid_record_length');
  expectInvalid(Uint8Array.of(22, 3, 1, (TLS_MAX_RECORD_LEN + 1) >> 8, (TLS_MAX_RECORD_LEN + 1) & 0xff), 'tls.invalid_record_length');
  expectInvalid(concat(record(CH_MSG.subarray(0, 100)), record(new Uint8Array(0))), 'tls.invalid_record_length');
  expectInvalid(record(Uint8Array.of(1, 1), 20), 'tls.invalid_record_length');
  // Exactly the limit is fine: a ClientHello padded to 18432 bytes of record.
  const pad = new Uint8Array(TLS_MAX_RECORD_LEN);
  pad.set([1, 0, (TLS_MAX_RECORD_LEN - 4) >> 8, (TLS_MAX_RECORD_LEN - 4) & 0xff]);
  assert.is(st(walk(record(pad)).status), 'APP_DONE');
});

test('tls.invalid_handshake_message: the first message is not the one the direction starts with', () => {
  expectInvalid(SH12, 'tls.invalid_handshake_message');
  expectInvalid(CH_ALPN_H2, 'tls.invalid_handshake_message', true);
  expectInvalid(split(SH_MSG, [2]), 'tls.invalid_handshake_message');
  expectInvalid(record(Uint8Array.of(0x0b, 0, 0, 0)), 'tls.invalid_handshake_message');
});

test('tls.handshake_too_large: a message longer than the scratch buffer when it has to be copied', () => {
  expectInvalid(record(Uint8Array.of(1, 0xff, 0xff, 0xff)), 'tls.handshake_too_large');
  expectInvalid(split(CH_MSG, [100]), 'tls.handshake_too_large', false, new TlsHandshakeScratch(128));
  // 64 KiB exactly (header included) fits the default scratch.
  const big = new Uint8Array(65536);
  big.set([1, 0, 0xff, 0xfc]);
  const cuts = [];
  for (let at = 16384; at < big.length; at += 16384) cuts.push(at);
  assert.is(st(walk(split(big, cuts)).status), 'APP_DONE');
  const over = big.slice();
  over.set([1, 0, 0xff, 0xfd]);
  expectInvalid(concat(split(over, cuts), record(Uint8Array.of(0))), 'tls.handshake_too_large');
});

test('odd calls never throw: length past the buffer, negative offset, shorter length than before', () => {
  const s = new TlsHandshakeScratch();
  assert.is(st(tlsClientStream(CH_ALPN_H2, 0, 10_000, s)), 'APP_DONE');
  assert.is(st(tlsClientStream(CH_ALPN_H2, -1, 5, new TlsHandshakeScratch())), 'APP_NEED_MORE');
  assert.is(st(tlsClientStream(CH_ALPN_H2, 500, 5, new TlsHandshakeScratch())), 'APP_NEED_MORE');
  const t = new TlsHandshakeScratch();
  const three = split(CH_MSG, [70, 150]);
  assert.is(st(tlsClientStream(three, 0, 120, t)), 'APP_NEED_MORE');
  assert.is(st(tlsClientStream(three, 0, 60, t)), 'APP_NEED_MORE');
  assert.is(st(tlsClientStream(three, 0, three.length, t)), 'APP_DONE');
  assert.is(message(t), Buffer.from(CH_MSG).toString('hex'));
});


test('fuzz: 20000 mutated streams (1-4 bytes changed), fed whole and in random chunks: no throw, consistent status and event', () => {
  const rand = rng(7);
  const seeds = [CH_ALPN_H2, split(CH_MSG, [70, 150]), CCS_CH2, HRR];
  const ch = new ClientHello();
  for (let i = 0; i < 20000; i++) {
    const base = seeds[i % seeds.length];
    const b = base.slice();
    const edits = 1 + Math.floor(rand() * 4);
    // Mostly the record headers and the first bytes, where the walk decides.
    for (let e = 0; e < edits; e++) b[Math.floor(rand() * Math.min(b.length, rand() < 0.7 ? 24 : b.length))] = Math.floor(rand() * 256);
    const server = base === HRR;
    const fn = server ? tlsServerStream : tlsClientStream;
    const whole = new TlsHandshakeScratch();
    const a = fn(b, 0, b.length, whole);
    const inc = new TlsHandshakeScratch();
    let n = 0;
    let c = APP_NEED_MORE;
    while (c === APP_NEED_MORE && n < b.length) {
      n = Math.min(b.length, n + 1 + Math.floor(rand() * 40));
      c = fn(b, 0, n, inc);
    }
    assert.ok(a >= APP_DONE && a <= APP_INVALID, `#${i}: status ${a}`);
    assert.is(st(c), st(a), `#${i}: whole and chunked agree`);
    assert.is(whole.event >= 0, a === APP_INVALID, `#${i}: event iff APP_INVALID`);
    assert.is(inc.event, whole.event, `#${i}: same event`);
    if (a === APP_DONE) {
      assert.is(message(inc), message(whole), `#${i}: same message`);
      if (!server) parseClientHello(whole.msgBytes, whole.msgOffset, whole.msgLength, ch);
    }
    if (a === APP_NOT_THIS) assert.ok(b[0] !== 22 || b[1] !== 3, `#${i}: NOT_THIS only on a non-TLS start`);
  }
});

test.run();
