// The generator's main loop: pull the earliest event from the scheduler, let its flow write the
// frame straight into the capture writer's chunk, flush full chunks to the sink, stop after N frames.

import type { CaptureWriter } from './capture-writer.js';
import type { Ctx } from './conversation.js';
import { TrafficMix, SCENARIOS } from './mix.js';
import { PcapWriter } from './pcap-writer.js';
import { PcapngWriter } from './pcapng-writer.js';
import { buildPools } from './pools.js';
import { Rng } from './prng.js';
import { Scheduler } from './scheduler.js';
import type { ChunkSink } from './sink.js';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface GenerateOptions {
  packets: number;
  format: CaptureFormat;
  seed: string;
}

export interface GenerateStats {
  packets: number;
  /** Frame bytes (without file-format overhead). */
  frameBytes: number;
  /** Capture time of the last frame, ns after the epoch. */
  lastNs: number;
  /** Frames per scenario, in SCENARIOS order. */
  perScenario: { name: string; packets: number }[];
}

export function makeWriter(format: CaptureFormat, seed: string): CaptureWriter {
  if (format === 'pcap') return new PcapWriter();
  return new PcapngWriter({
    ifName: 'eth0',
    ifDescription: 'kwire synthetic Kubernetes node traffic',
    os: 'Linux 6.8.0-51-generic',
    hardware: 'x86_64',
    application: `kwire samples/generate.ts (seed ${seed})`,
  });
}

/** Writes a capture of exactly `opts.packets` frames to `sink` (which it closes). */
export async function generate(opts: GenerateOptions, sink: ChunkSink): Promise<GenerateStats> {
  const rng = new Rng(opts.seed);
  const sched = new Scheduler();
  const ctx: Ctx = { rng, sched, pools: buildPools(rng), tag: 0, nth: 0, cache: new Map() };
  sched.add(new TrafficMix(ctx));
  const w = makeWriter(opts.format, opts.seed);
  const buf = w.buf;
  const counts = new Float64Array(SCENARIOS.length);
  let n = 0;
  let frameBytes = 0;
  let lastNs = 0;
  while (n < opts.packets) {
    if (w.pos > w.limit) {
      await sink.write(buf.subarray(0, w.pos));
      w.reset();
    }
    const f = sched.top()!;
    const now = f.at;
    const len = f.step(buf, w.frameOffset(), now);
    if (len > 0) {
      w.commit(now, len);
      n++;
      frameBytes += len;
      counts[f.tag]! += 1;
      lastNs = now;
    }
    sched.settleTop();
  }
  if (w.pos > 0) await sink.write(buf.subarray(0, w.pos));
  await sink.close();
  return {
    packets: n,
    frameBytes,
    lastNs,
    perScenario: SCENARIOS.map((s, i) => ({ name: s.name, packets: counts[i]! })),
  };
}
