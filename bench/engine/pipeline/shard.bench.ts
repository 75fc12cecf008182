// The dispatcher's shard step (engine/pipeline/shard.ts Sharder.assign) with the header fast path
// against the full decode of every frame (the peer), in one run, alternating rounds: ns per frame.
// The main thread runs this for every frame before any worker sees it, so it bounds the pipeline.
// Not a unit test; run it by hand:
//   node --import tsx bench/engine/pipeline/shard.bench.ts [FILE] [--rounds 5]
import { openCapture } from '../../../engine/capture/open.js';
import { DecoderConfig, type Packet } from '../../../decoders/packet.js';
import { Sharder } from '../../../engine/pipeline/shard.js';
import { buildPolicy } from '../../../engine/pipeline/engine-spec.js';
import { join } from 'node:path';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? '/tmp/kwire-bench/k8s-mix-200000.pcap';
const rounds = Number(args[args.indexOf('--rounds') + 1] || 5) || 5;
const policy = buildPolicy({ path: join(import.meta.dirname, '../../../rules/default/policy.yaml'), profileFlags: {}, suricata: [] });
const direction = process.env.NODIR ? null : (p: Packet): number => policy.clusterDirection(p);

const batches: { data: Uint8Array; meta: Uint32Array; count: number }[] = [];
const r = await openCapture(file);
for (let b = await r.next(); b !== null; b = await r.next()) {
  batches.push({ data: b.data.slice(), meta: b.meta.slice(), count: b.count });
}
await r.close();
const frames = batches.reduce((n, b) => n + b.count, 0);
const out = new Uint8Array(1 << 20);

const fast = new Sharder(new DecoderConfig(), 7, direction);
const full = new Sharder(new DecoderConfig(), 7, direction, false);

/** ns spent by `s` on one batch that is already in cache (as it is right after the reader). */
function time(s: Sharder, b: { data: Uint8Array; meta: Uint32Array; count: number }): number {
  const t = process.hrtime.bigint();
  s.assign(b.data, b.meta, b.count, 2, out);
  return Number(process.hrtime.bigint() - t);
}

const f: number[] = [];
const g: number[] = [];
for (let i = 0; i <= rounds; i++) {
  let tf = 0;
  let tg = 0;
  for (const b of batches) {
    full.assign(b.data, b.meta, b.count, 2, out); // warm the batch
    if (i % 2 === 0) { tf += time(fast, b); tg += time(full, b); } else { tg += time(full, b); tf += time(fast, b); }
  }
  if (i > 0) { f.push(tf / frames); g.push(tg / frames); }
}
const med = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1];
console.log(`${file}: ${frames} frames, ${(fast.fastFrames / (fast.fastFrames + fast.slowFrames) * 100).toFixed(1)}% on the fast path`);
console.log(`shard with fast path ${med(f).toFixed(1)} ns/frame, full decode ${med(g).toFixed(1)} ns/frame: ${(med(g) / med(f)).toFixed(2)}x`);
