// Flow table alone: the cost of track() per packet, as decode + track minus decode, over in-memory
// batches of the generated mix and the shared captures (runs interleaved, best of N).
// Usage: node --import tsx bench/engine/flow/flow-table.bench.ts [--packets N] [--runs N]

import { parseArgs } from 'node:util';
import { M_CAPLEN, M_LINKTYPE, M_OFFSET, M_ORIGLEN, M_TS_NSEC, M_TS_SEC, META_STRIDE, type FrameBatch } from '../../../engine/capture/batch.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet, S_OK, S_TRUNCATED } from '../../../decoders/packet.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { FlowTable } from '../../../engine/flow/flow-table.js';
import { loadBatches } from '../capture/reader.bench.js';
import { corpusMix, generatedMix } from '../../inputs.js';

/** Decode every frame and, when `table` is given, track it; returns flows ended (0 without a table). */
export function decodeAndTrack(batches: FrameBatch[], pkt: Packet, table: FlowTable | null): number {
  for (let k = 0; k < batches.length; k++) {
    const { data, meta, count } = batches[k];
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      pkt.reset(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], meta[m + M_LINKTYPE]);
      const st = decodeFrame(pkt);
      if (table === null || pkt.ipVersion === 0 || pkt.isFragment || (st !== S_OK && st !== S_TRUNCATED)) continue;
      table.track(pkt, meta[m + M_TS_SEC] * 1e6 + Math.floor(meta[m + M_TS_NSEC] / 1000), pkt.origLen);
    }
  }
  if (table === null) return 0;
  const before = table.timedOut + table.evicted;
  table.flushAll();
  return before + table.shutdown;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { packets: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '5' } } });
  const packets = Number(values.packets);
  const runs = Number(values.runs);
  for (const [label, file] of [['generated k8s mix', generatedMix(packets)], ['shared captures', await corpusMix(packets)]] as const) {
    const batches = await loadBatches(file);
    let n = 0;
    for (const b of batches) n += b.count;
    const pkt = new Packet();
    let decodeNs = Infinity;
    let trackNs = Infinity;
    let flows = 0;
    for (let r = 0; r < runs; r++) {
      let t = process.hrtime.bigint();
      decodeAndTrack(batches, pkt, null);
      decodeNs = Math.min(decodeNs, Number(process.hrtime.bigint() - t) / n);
      t = process.hrtime.bigint();
      flows = decodeAndTrack(batches, pkt, new FlowTable(new FlowConfig(), () => undefined));
      trackNs = Math.min(trackNs, Number(process.hrtime.bigint() - t) / n - decodeNs);
    }
    console.log(`${label}: ${n} packets, ${flows} flows; decode ${decodeNs.toFixed(0)} ns/packet, flow table +${trackNs.toFixed(0)} ns/packet`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
