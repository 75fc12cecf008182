// Stream bytes for content inspection: every byte once, in sequence order, whatever the arrival
// order; overlaps first-wins (checked against a byte-by-byte reference model); in-order data never
// copied; held bytes in pooled pages within the memcap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packet } from '../../../decoders/packet.js';
import { TcpInspectDirection } from '../../../engine/reassembly/tcp-stream-inspect.js';
import { PagePool, PAGE_BYTES, type InOrderSink } from '../../../engine/reassembly/ooo-pages.js';
import { StreamStats } from '../../../engine/reassembly/tcp-stream.js';
import { ReassemblyMemory } from '../../../engine/reassembly/reassembly-config.js';
import { int, rng } from '../../helpers/rng.js';

/** A decoded TCP segment carrying `data` (the record as the decoders fill it). */
function seg(seq: number, data: Uint8Array, flags = 0x18): Packet {
  const pkt = new Packet();
  const frame = new Uint8Array(100 + data.length);
  frame.set(data, 100);
  pkt.reset(frame, 0, frame.length, frame.length, 1);
  pkt.ipProto = 6;
  pkt.tcpSeq = seq >>> 0;
  pkt.tcpFlags = flags;
  pkt.payloadOffset = 100;
  pkt.payloadLength = data.length;
  return pkt;
}

class Collect implements InOrderSink {
  out: number[] = [];
  views = 0;
  constructor(private readonly frames: Set<Uint8Array>) {}
  data(bytes: Uint8Array, off: number, len: number, rel: number): void {
    if (rel !== this.out.length) throw new Error(`chunk at ${rel}, expected ${this.out.length}`);
    if (this.frames.has(bytes)) this.views++;
    for (let i = 0; i < len; i++) this.out.push(bytes[off + i]);
  }
}

/** First-wins reference: each offset keeps the first arriving byte; the contiguous prefix is delivered. */
function reference(segs: [number, Uint8Array][], depth: number): number[] {
  const first = new Map<number, number>();
  for (const [rel, d] of segs) for (let i = 0; i < d.length; i++) if (!first.has(rel + i) && rel + i < depth) first.set(rel + i, d[i]);
  const out: number[] = [];
  while (first.has(out.length)) out.push(first.get(out.length)!);
  return out;
}

function feed(isn: number, segs: [number, Uint8Array][], depth = 1 << 20, mem = new ReassemblyMemory(1 << 26), maxPieces = 1024) {
  const pool = new PagePool(mem);
  const d = new TcpInspectDirection(maxPieces);
  const st = new StreamStats();
  const pkts = segs.map(([rel, data]) => seg(isn + 1 + rel, data));
  const sink = new Collect(new Set(pkts.map((p) => p.bytes)));
  d.segment(seg(isn, new Uint8Array(0), 0x02), sink, depth, pool, st);
  for (const p of pkts) d.segment(p, sink, depth, pool, st);
  return { d, sink, st, pool, mem };
}

test('random segmentation, order, retransmissions and conflicting overlaps: output = first-wins reference', () => {
  const r = rng(42);
  for (let round = 0; round < 300; round++) {
    const len = 1 + int(r, 6000);
    const stream = Uint8Array.from({ length: len }, () => int(r, 256));
    const segs: [number, Uint8Array][] = [];
    for (let a = 0; a < len; ) {
      const b = Math.min(len, a + 1 + int(r, 1500));
      segs.push([a, stream.slice(a, b)]);
      a = b;
    }
    for (let k = int(r, 6); k > 0; k--) { // retransmissions, some with different bytes
      const a = int(r, len);
      const b = Math.min(len, a + 1 + int(r, 800));
      const d = stream.slice(a, b);
      if (int(r, 2) === 0) for (let i = 0; i < d.length; i += 7) d[i] ^= 0x55;
      segs.push([a, d]);
    }
    if (int(r, 4) === 0) segs.splice(int(r, segs.length), 1); // sometimes a hole that never fills
    for (let i = segs.length - 1; i > 0; i--) { const j = int(r, i + 1); [segs[i], segs[j]] = [segs[j], segs[i]]; }
    const depth = int(r, 3) === 0 ? 1 + int(r, len) : 1 << 20;
    const isn = int(r, 2) === 0 ? 0xffffffff - int(r, 3000) : int(r, 1 << 30);
    const { sink, mem } = feed(isn, segs, depth);
    assert.equal(sink.out, reference(segs, depth), `round ${round}`);
    if (sink.out.length === Math.min(depth, len)) assert.is(mem.used, 0, `round ${round}: everything delivered, no page held`);
  }
});

test('in-order segments pass as views of the packet, nothing held', () => {
  const data = Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff);
  const { sink, mem, st } = feed(5, [[0, data.slice(0, 1000)], [1000, data.slice(1000, 2000)], [2000, data.slice(2000)]]);
  assert.is(sink.views, 3);
  assert.is(sink.out.length, 3000);
  assert.is(mem.peak, 0);
  assert.is(st.oooDropped, 0);
});

test('held bytes take pages from the pool within the memcap; released when delivered or reset', () => {
  const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 3) & 0xff);
  const mem = new ReassemblyMemory(2 * PAGE_BYTES);
  const { d, sink, st, pool } = feed(1, [[1000, data.slice(1000, 2000)], [2000, data.slice(2000, 3000)], [3000, data.slice(3000, 4000)]], 1 << 20, mem);
  assert.is(pool.inUse, 2);
  assert.is(st.oooDropped, 1, 'the third held segment is over the memcap');
  assert.is(mem.refused, 1);
  d.segment(seg(2, data.slice(0, 1000)), sink, 1 << 20, pool, st);
  assert.is(sink.out.length, 3000, 'the gap filled up to the dropped segment');
  assert.is(pool.inUse, 0);
  assert.is(mem.used, 0);
  const again = feed(1, [[1000, data.slice(1000, 2000)]], 1 << 20, mem);
  assert.is(again.pool.inUse, 1);
  again.d.reset(again.pool);
  assert.is(mem.used, 0);
});

test('the piece limit per direction drops (counted) instead of growing', () => {
  const data = new Uint8Array(100).fill(1);
  const segs: [number, Uint8Array][] = [];
  for (let k = 1; k <= 10; k++) segs.push([k * 200, data]);
  const { st, d } = feed(1, segs, 1 << 20, new ReassemblyMemory(1 << 26), 4);
  assert.is(d.held, 4);
  assert.is(st.oooDropped, 6);
});

test.run();
