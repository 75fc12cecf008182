// Offline inspection: capture reader → decoders → built-in port rule → EVE/text sink, then stats.
// One thread for now; engine/pipeline will shard batches to workers (see issue 5).

import { basename } from 'node:path';
import { M_CAPLEN, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE, M_TS_NSEC, M_TS_SEC } from '../capture/batch.js';
import { openCapture, type CaptureReader } from '../capture/open.js';
import { DecoderConfig } from '../../decoders/packet.js';
import { FlowConfig } from '../flow/flow-config.js';
import { LineSink } from '../output/sink.js';
import { ReassemblyConfig } from '../reassembly/reassembly-config.js';
import { Inspector } from './inspector.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { eveStatsRecord, type RunStats } from '../output/stats-record.js';

export interface InspectOptions {
  /** Capture path, or '-' for stdin. */
  input: string;
  /** Where records go ('-' = stdout). */
  out: string;
  /** 'eve' NDJSON or 'text' one-line alert summaries (a terminal without --out). */
  format: 'eve' | 'text';
  /** Event types to emit: 'alert', 'stats'. */
  events: ReadonlySet<string>;
  /** Port bitmap of the built-in port rule, or null for none. */
  alertPorts: Uint8Array | null;
  decoder: DecoderConfig;
  /** Seed of the flow hash (flow_id). */
  hashSeed: number;
  flow?: FlowConfig;
  reassembly?: ReassemblyConfig;
  policy?: PolicyMatcher | null;
  chunkSize?: number;
}

export interface InspectResult {
  stats: RunStats;
  /** The input fault that ended the run early (frames before it were processed), if any. */
  inputError: Error | null;
  /** The output failure, if the sink died. */
  outputError: Error | null;
}

/** Run one offline inspection to the end of input (or the first input fault). */
export async function runInspect(opts: InspectOptions): Promise<InspectResult> {
  const started = performance.now();
  const linkTypes = new Float64Array(65536);
  const sink = LineSink.open(opts.out);
  const insp = new Inspector({
    decoder: opts.decoder,
    flow: opts.flow ?? new FlowConfig({ hashSeed: opts.hashSeed }),
    reassembly: opts.reassembly ?? new ReassemblyConfig(),
    events: opts.events,
    format: opts.format,
    alertPorts: opts.alertPorts,
    policy: opts.policy ?? null,
  }, (line) => sink.write(line));
  let lastTsSec = 0;
  let inputError: Error | null = null;
  let reader: CaptureReader | null = null;

  try {
    reader = await openCapture(opts.input, opts.chunkSize === undefined ? undefined : { chunkSize: opts.chunkSize });
    for (;;) {
      const batch = await reader.next();
      if (batch === null) break;
      const { data, meta, count, firstFrame } = batch;
      const names = reader.interfaces.map((i) => i.name);
      for (let i = 0; i < count; i++) {
        const m = i * META_STRIDE;
        const lt = meta[m + M_LINKTYPE];
        linkTypes[lt & 0xffff]++;
        insp.frame(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], lt,
          meta[m + M_TS_SEC], meta[m + M_TS_NSEC], firstFrame + i, names[meta[m + M_IFACE]] ?? '');
      }
      if (count > 0) lastTsSec = meta[(count - 1) * META_STRIDE + M_TS_SEC];
      reader.recycle(batch); // records were rendered as they were emitted: nothing points into it
      if (sink.full) await sink.drain();
      if (sink.failure !== null) break;
    }
  } catch (e) {
    inputError = e as Error;
  } finally {
    await reader?.close();
  }
  insp.finish();

  const stats: RunStats = {
    counters: insp.pkt.counters,
    events: insp.pkt.events,
    linkTypes,
    alerts: insp.alerts,
    elapsedMs: performance.now() - started,
    lastTsSec,
    sections: insp.statsSections(),
  };
  if (opts.events.has('stats') && opts.format === 'eve') sink.write(eveStatsRecord(stats));
  let outputError: Error | null = null;
  try {
    await sink.close();
  } catch (e) {
    outputError = e as Error;
  }
  return { stats, inputError, outputError };
}

/** Display name of an input for messages. */
export function inputName(input: string): string {
  return input === '-' ? 'stdin' : basename(input);
}
