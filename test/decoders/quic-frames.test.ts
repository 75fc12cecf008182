import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DIALECT_GQUIC, DIALECT_IETF, FRAMES_INVALID, FRAMES_OK, FRAMES_SINK, FrameWalk, walkInitialFrames, type CryptoSink,
} from '../../decoders/quic-frames.js';
import { concat, hex } from './helpers.js';

/** Records every CRYPTO frame as [streamOffset, hex]; refuses with `refuse` from the n-th frame on. */
class Recorder implements CryptoSink {
  frames: Array<[number, string]> = [];
  constructor(private refuseFrom = Infinity, private refuse = 7) {}
  add(data: Uint8Array, off: number, len: number, streamOffset: number): number {
    if (this.frames.length >= this.refuseFrom) return this.refuse;
    this.frames.push([streamOffset, Buffer.from(data.subarray(off, off + len)).toString('hex')]);
    return 0;
  }
}

function walk(bytes: Uint8Array, dialect = DIALECT_IETF, sink = new Recorder()): { status: number; w: FrameWalk; sink: Recorder } {
  const w = new FrameWalk();
  const status = walkInitialFrames(bytes, 0, bytes.length, dialect, sink, w);
  return { status, w, sink };
}

// RFC 9001 §A.2 payload start: CRYPTO offset 0, length 0x0f1... cut to a 5-byte CRYPTO frame here.
const CRYPTO_0 = hex('06 00 05 0100000100');
const PADDING = new Uint8Array(40);
const PING = hex('01');
// ACK: largest 0x12, delay 0, 2 more ranges, first range 3, (gap 1, len 2), (gap 0x4001 in 2 bytes, len 0)
const ACK = hex('02 12 00 02 03 01 02 4001 00');
// ACK_ECN: largest 5, delay 0x4100 (2 bytes), 0 ranges, first 5, ECT0 1, ECT1 2, CE 0x80000003 (4 bytes)
const ACK_ECN = hex('03 05 4100 00 05 01 02 80000003');
// CONNECTION_CLOSE 0x1c: error 0x0a, frame type 0x06, reason "bad"
const CLOSE = hex('1c 0a 06 03 626164');

test('walkInitialFrames: PADDING, PING, ACK, ACK with ECN, CRYPTO, CONNECTION_CLOSE', () => {
  const payload = concat(PING, ACK, CRYPTO_0, ACK_ECN, hex('06 4005 03 aabbcc'), PADDING, CLOSE, hex('0000'));
  const { status, w, sink } = walk(payload);
  assert.is(status, FRAMES_OK);
  assert.equal(sink.frames, [[0, '0100000100'], [5, 'aabbcc']]);
  assert.is(w.cryptoFrames, 2);
  assert.is(w.cryptoBytes, 8);
  assert.is(w.ackFrames, 2);
  assert.is(w.pingFrames, 1);
  assert.is(w.paddingBytes, 42);
  assert.ok(w.connectionClose);
  assert.is(w.errorOffset, -1);
});

test('walkInitialFrames: an empty payload and a payload of PADDING only', () => {
  assert.is(walk(new Uint8Array(0)).status, FRAMES_OK);
  const { status, w } = walk(new Uint8Array(1162));
  assert.is(status, FRAMES_OK);
  assert.is(w.paddingBytes, 1162);
});

test('walkInitialFrames: frames not allowed in Initial packets are FRAMES_INVALID at their offset', () => {
  // STREAM (0x08..0x0f), NEW_TOKEN 0x07, HANDSHAKE_DONE 0x1e, CONNECTION_CLOSE application 0x1d,
  // MAX_DATA 0x10, DATAGRAM 0x30, a non-minimal 2-byte type encoding (0x40 0x06).
  for (const t of ['08', '0f', '07', '1e', '1d', '10', '30', '4006']) {
    const payload = concat(PING, hex(t), new Uint8Array(8));
    const { status, w } = walk(payload);
    assert.is(status, FRAMES_INVALID, t);
    assert.is(w.errorOffset, 1, `${t}: offset`);
  }
});

test('walkInitialFrames: every cut inside a frame is FRAMES_INVALID, never a throw or a read past the end', () => {
  const frames = [CRYPTO_0, ACK, ACK_ECN, CLOSE, hex('06 c000000000000000 4001 aa')];
  for (const f of frames) {
    for (let n = 1; n < f.length; n++) {
      const cut = f.slice(0, n); // reads past n would see undefined and misbehave visibly
      const { status } = walk(cut);
      assert.is(status, FRAMES_INVALID, `${Buffer.from(f).toString('hex')} cut at ${n}`);
    }
    assert.is(walk(f).status, FRAMES_OK, 'whole');
  }
});

test('walkInitialFrames: an ACK range count larger than the bytes left is rejected without looping', () => {
  const lie = hex('02 00 00 bfffffff 00 0000');
  assert.is(walk(lie).status, FRAMES_INVALID);
  const eight = hex('02 00 00 ffffffffffffffff 00');
  assert.is(walk(eight).status, FRAMES_INVALID);
});

test('walkInitialFrames: CRYPTO offsets and lengths as 1-, 2-, 4- and 8-byte varints', () => {
  const payload = concat(
    hex('06 01 01 aa'),
    hex('06 4002 4001 bb'),
    hex('06 80000003 80000001 cc'),
    hex('06 c000000000000004 c000000000000001 dd'),
    hex('06 3f 00'), // an empty frame at offset 63
  );
  const { status, sink } = walk(payload);
  assert.is(status, FRAMES_OK);
  assert.equal(sink.frames, [[1, 'aa'], [2, 'bb'], [3, 'cc'], [4, 'dd'], [63, '']]);
});

test('walkInitialFrames: the sink refusing a CRYPTO frame stops the walk with FRAMES_SINK and its code', () => {
  const payload = concat(CRYPTO_0, PING, hex('06 05 01 ee'), PING);
  const { status, w, sink } = walk(payload, DIALECT_IETF, new Recorder(1, 3));
  assert.is(status, FRAMES_SINK);
  assert.is(w.sinkCode, 3);
  assert.is(w.errorOffset, CRYPTO_0.length + 1);
  assert.is(sink.frames.length, 1);
  assert.is(w.pingFrames, 1, 'the PING after it was not reached');
});

test('walkInitialFrames: Google T050/T051 dialect (PADDING, PING 0x07, CRYPTO 0x08 with varints)', () => {
  // mercury/quic-crypto-packets.pcap frame 438 (T051) decrypted: 08 00 413a 0100 0136 ...
  const payload = concat(hex('07 08 00 05 0100000100 08 05 4001 ff'), new Uint8Array(10));
  const { status, w, sink } = walk(payload, DIALECT_GQUIC);
  assert.is(status, FRAMES_OK);
  assert.equal(sink.frames, [[0, '0100000100'], [5, 'ff']]);
  assert.is(w.pingFrames, 1);
  assert.is(w.paddingBytes, 10);
  // IETF types mean something else there: 0x06 is gQUIC STOP_WAITING, 0x02 CONNECTION_CLOSE.
  assert.is(walk(hex('06 00 01 aa'), DIALECT_GQUIC).status, FRAMES_INVALID);
  assert.is(walk(hex('02 00'), DIALECT_GQUIC).status, FRAMES_INVALID);
  assert.is(walk(hex('08 00 05 01'), DIALECT_GQUIC).status, FRAMES_INVALID, 'cut');
});

test('FrameWalk is reset by every walk', () => {
  const w = new FrameWalk();
  const sink = new Recorder();
  walkInitialFrames(concat(CRYPTO_0, ACK, CLOSE, PING, PADDING), 0, 52 + CRYPTO_0.length, DIALECT_IETF, sink, w);
  walkInitialFrames(hex('01'), 0, 1, DIALECT_IETF, sink, w);
  assert.equal({ ...w }, { ...new FrameWalk(), pingFrames: 1 });
  walkInitialFrames(hex('1e'), 0, 1, DIALECT_IETF, sink, w);
  assert.equal({ ...w }, { ...new FrameWalk(), errorOffset: 0 });
});

test('walkInitialFrames: walks only bytes [off, end) of a larger buffer', () => {
  const buf = concat(hex('1e1e'), CRYPTO_0, hex('1e1e'));
  const w = new FrameWalk();
  const sink = new Recorder();
  assert.is(walkInitialFrames(buf, 2, 2 + CRYPTO_0.length, DIALECT_IETF, sink, w), FRAMES_OK);
  assert.equal(sink.frames, [[0, '0100000100']]);
});

test.run();
