import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packet } from '../../../decoders/packet.js';
import { APP_DONE, APP_NEED_MORE, APP_NOT_THIS } from '../../../decoders/app-layer.js';
import { TcpDirection, StreamStats, type StreamConsumer } from '../../../engine/reassembly/tcp-stream.js';
import { ReassemblyConfig, ReassemblyMemory } from '../../../engine/reassembly/reassembly-config.js';

const MSG = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff);

/** Done once it has seen `want` contiguous bytes equal to MSG's; records every prefix it was shown. */
class Collector implements StreamConsumer {
  calls: number[] = [];
  zeroCopy = 0;
  constructor(readonly want: number, readonly verdict = APP_DONE) {}
  consume(bytes: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) if (bytes[offset + i] !== MSG[i]) throw new Error(`byte ${i} wrong`);
    this.calls.push(length);
    if (offset !== 0) this.zeroCopy++;
    return length >= this.want ? this.verdict : APP_NEED_MORE;
  }
}

function seg(seq: number, from: number, to: number, flags = 0x18, data: Uint8Array = MSG): Packet {
  const pkt = new Packet();
  const frame = new Uint8Array(100 + (to - from));
  frame.set(data.subarray(from, to), 100);
  pkt.reset(frame, 0, frame.length, frame.length, 1);
  pkt.ipProto = 6;
  pkt.tcpSeq = seq >>> 0;
  pkt.tcpFlags = flags;
  pkt.payloadOffset = 100;
  pkt.payloadLength = to - from;
  return pkt;
}

function run(isn: number, segs: [number, number, number?][], want: number, cfg = new ReassemblyConfig()) {
  const dir = new TcpDirection();
  const c = new Collector(want);
  const mem = new ReassemblyMemory(cfg.memcap);
  const st = new StreamStats();
  dir.segment(seg(isn, 0, 0, 0x02), c, cfg, mem, st); // SYN
  for (const [from, to, flags] of segs) dir.segment(seg(isn + 1 + from, from, to, flags), c, cfg, mem, st);
  return { dir, c, mem, st };
}

test('a message in one segment is consumed as a view of the packet, nothing copied', () => {
  const { dir, c, mem } = run(1000, [[0, 1800]], 1800);
  assert.equal(c.calls, [1800]);
  assert.is(c.zeroCopy, 1);
  assert.is(dir.status, APP_DONE);
  assert.ok(dir.done);
  assert.is(mem.used, 0);
});

test('2 to 12 segments in order, then out of order and with retransmissions', () => {
  for (let n = 2; n <= 12; n++) {
    const step = Math.ceil(1800 / n);
    const segs: [number, number][] = [];
    for (let f = 0; f < 1800; f += step) segs.push([f, Math.min(1800, f + step)]);
    const inOrder = run(7, segs, 1800);
    assert.is(inOrder.dir.status, APP_DONE, `${n} in order`);
    assert.is(inOrder.c.calls.at(-1), 1800);
    const shuffled = [...segs].reverse();
    const ooo = run(7, [...shuffled, ...segs.slice(0, 2)], 1800);
    assert.is(ooo.dir.status, APP_DONE, `${n} reversed`);
    assert.is(ooo.mem.used, 0, 'memory released');
    if (n > 2) assert.ok(ooo.st.ooo >= n - 1);
  }
});

test('sequence numbers wrap around 2^32', () => {
  const { dir } = run(0xffffff00, [[0, 600], [600, 1200], [1200, 1800]], 1800);
  assert.is(dir.status, APP_DONE);
});

test('retransmission with different bytes is an overlap conflict; first bytes win', () => {
  const evil = MSG.slice();
  evil[50] ^= 0xff;
  const cfg = new ReassemblyConfig();
  const dir = new TcpDirection();
  const c = new Collector(1800);
  const mem = new ReassemblyMemory(cfg.memcap);
  const st = new StreamStats();
  dir.segment(seg(99, 0, 0, 0x02), c, cfg, mem, st);
  dir.segment(seg(100, 0, 1000), c, cfg, mem, st);
  dir.segment(seg(100, 0, 1000, 0x18, evil), c, cfg, mem, st); // same range, other bytes
  dir.segment(seg(100, 0, 1000), c, cfg, mem, st); // faithful retransmission
  dir.segment(seg(1100, 1000, 1800), c, cfg, mem, st);
  assert.is(st.retransmissions, 2);
  assert.is(st.overlapConflicts, 1);
  assert.is(dir.status, APP_DONE); // Collector checks the bytes it saw are the original ones
});

test('midstream: no SYN, the first data segment starts the stream', () => {
  const cfg = new ReassemblyConfig();
  const dir = new TcpDirection();
  const c = new Collector(1500);
  const mem = new ReassemblyMemory(cfg.memcap);
  const st = new StreamStats();
  dir.segment(seg(5000, 0, 700), c, cfg, mem, st);
  dir.segment(seg(5700, 700, 1500), c, cfg, mem, st);
  assert.is(st.midstream, 1);
  assert.is(dir.status, APP_DONE);
});

test('depth: reassembly stops at the configured depth; memcap refuses buffers, counted', () => {
  const cfg = new ReassemblyConfig({ streamDepth: 1000 });
  const r = run(1, [[0, 600], [600, 1200], [1200, 1800]], 5000, cfg);
  assert.is(r.st.depthReached, 1);
  assert.ok(r.dir.done);
  assert.is(r.c.calls.at(-1), 1000);
  assert.is(r.mem.used, 0);
  const tight = new ReassemblyConfig({ memcap: 100 });
  const m = run(1, [[0, 600], [600, 1200]], 1800, tight);
  assert.ok(m.dir.done);
  assert.is(m.mem.refused, 1);
  assert.is(m.mem.used, 0);
});

test('a consumer that says NOT_THIS stops reassembly at once', () => {
  const cfg = new ReassemblyConfig();
  const dir = new TcpDirection();
  const c = new Collector(10_000, APP_NOT_THIS);
  c.consume = () => APP_NOT_THIS;
  const mem = new ReassemblyMemory(cfg.memcap);
  dir.segment(seg(1, 0, 100), c, cfg, mem, new StreamStats());
  assert.ok(dir.done);
  assert.is(dir.status, APP_NOT_THIS);
  assert.is(mem.used, 0);
});

test('out-of-order segments beyond the per-direction limit are dropped and counted', () => {
  const cfg = new ReassemblyConfig({ maxOooSegments: 3 });
  const segs: [number, number][] = [];
  for (let f = 100; f < 1100; f += 100) segs.push([f, f + 100]); // gap at 0..100
  const r = run(1, segs, 1100, cfg);
  assert.is(r.st.ooo, 3);
  assert.is(r.st.oooDropped, 7);
});

test.run();
