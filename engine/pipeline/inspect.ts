// Offline inspection: capture reader → (dispatcher → worker threads | this thread) → EVE/text
// sink, then stats. Both paths run BatchRunner and order records by the same keys, so the output
// is byte-identical whatever the worker count.

import { basename } from 'node:path';
import { M_LINKTYPE, META_STRIDE, M_TS_SEC } from '../capture/batch.js';
import { openCapture, type CaptureReader } from '../capture/open.js';
import { COUNTER_COUNT, C_PKTS } from '../../decoders/counters.js';
import { EVENT_COUNT } from '../../decoders/events.js';
import { LineSink } from '../output/sink.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { eveStatsRecord, type RunStats } from '../output/stats-record.js';
import { BatchRunner } from './batch-runner.js';
import type { Dispatcher, PipelineTotals } from './dispatcher.js';
import { buildPolicy, inspectorOptions, type EngineSpec } from './engine-spec.js';
import { mergeRecords, policyAdmit } from './record-buffer.js';
import { ProgressLine } from './progress.js';

export interface InspectOptions {
  /** Capture path, or '-' for stdin. */
  input: string;
  /** Where records go ('-' = stdout). */
  out: string;
  /** Emit the closing `stats` event (EVE only). */
  stats: boolean;
  spec: EngineSpec;
  /** Worker threads; 0 = everything on this thread. */
  workers: number;
  /** The compiled policy for the single-thread path (built from spec.policy when omitted). */
  policy?: PolicyMatcher | null;
  chunkSize?: number;
  /** Draw a progress line on stderr when it is a terminal. */
  progress?: boolean;
  /** Crash a worker at this pcap_cnt (KWIRE_FAULT_INJECT), -1 = never. */
  fault?: number;
  /** Messages for the person (worker crashes). */
  warn?: (msg: string) => void;
}

export interface InspectResult {
  stats: RunStats;
  /** The input fault that ended the run early (frames before it were processed), if any. */
  inputError: Error | null;
  /** The output failure, if the sink died. */
  outputError: Error | null;
  /** Packets lost in workers that crashed, and how many restarts. */
  lost: number;
  restarts: number;
  /** Most batches that were in flight to workers at once (0 on the single-thread path). */
  peakInFlight: number;
}

/** Run one offline inspection to the end of input (or the first input fault). */
export async function runInspect(opts: InspectOptions): Promise<InspectResult> {
  const started = performance.now();
  const linkTypes = new Float64Array(65536);
  const sink = LineSink.open(opts.out);
  const write = (line: string): void => sink.write(line);
  const threaded = opts.workers > 0;
  let runner: BatchRunner | null = null;
  let dispatcher: Dispatcher | null = null;
  let reader: CaptureReader | null = null;
  const policy = opts.policy !== undefined ? opts.policy : opts.spec.policy === null ? null : buildPolicy(opts.spec.policy);
  const admit = policyAdmit(policy);
  let held = 0;
  if (threaded) {
    // loaded only with worker threads: with it msgpackr, whose native part takes ~20 ms to load
    const { Dispatcher } = await import('./dispatcher.js');
    dispatcher = new Dispatcher(opts.spec, opts.workers, {
      write,
      admit,
      direction: policy === null ? null : (pkt) => policy.clusterDirection(pkt),
      recycle: (b) => reader?.recycle(b),
      warn: opts.warn ?? ((m) => process.stderr.write(`kwire: ${m}\n`)),
      fault: opts.fault,
      inThread: true,
    });
  } else {
    runner = new BatchRunner(inspectorOptions(opts.spec, policy), false);
  }
  let lastTsSec = 0;
  let packets = 0;
  let inputError: Error | null = null;
  let progress: ProgressLine | null = null;

  try {
    reader = await openCapture(opts.input, { chunkSize: opts.chunkSize, shared: threaded });
    const r = reader;
    if (opts.progress === true) {
      progress = new ProgressLine({
        bytes: () => r.bytesRead, total: r.totalBytes, packets: () => packets,
        alerts: () => dispatcher?.alerts ?? (runner === null ? 0 : runner.insp.alerts - held),
      }).start();
    }
    for (;;) {
      const batch = await r.next();
      if (batch === null) break;
      const { meta, count } = batch;
      for (let i = 0; i < count; i++) linkTypes[meta[i * META_STRIDE + M_LINKTYPE] & 0xffff]++;
      if (count > 0) lastTsSec = meta[(count - 1) * META_STRIDE + M_TS_SEC];
      packets += count;
      const names = r.interfaces.map((i) => i.name);
      if (dispatcher !== null) {
        await dispatcher.submit(batch, names);
      } else {
        held += mergeRecords([runner!.run(batch.data, meta, count, batch.firstFrame, names, null, 0)], write, admit);
        r.recycle(batch); // records were rendered as they were emitted: nothing points into it
      }
      if (sink.full) await sink.drain();
      if (sink.failure !== null) break;
    }
  } catch (e) {
    inputError = e as Error;
  }
  let totals: PipelineTotals;
  try {
    if (dispatcher !== null) {
      try {
        totals = await dispatcher.finish();
      } catch (e) {
        // a worker that cannot start: what was written stays written; the run ends with the error
        inputError ??= e as Error;
        await dispatcher.destroy();
        totals = { alerts: dispatcher.alerts, counters: new Float64Array(COUNTER_COUNT), events: new Float64Array(EVENT_COUNT), sections: {}, lost: 0, restarts: 0, perWorker: [] };
      }
    } else {
      held += mergeRecords([runner!.finish()], write, admit);
      const insp = runner!.insp;
      totals = { alerts: insp.alerts - held, counters: insp.pkt.counters, events: insp.pkt.events, sections: insp.statsSections(), lost: 0, restarts: 0, perWorker: [] };
    }
  } finally {
    progress?.stop();
    await reader?.close();
  }

  const sections = totals.sections;
  if (threaded) sections.workers = { count: opts.workers, packets: totals.perWorker, restarts: totals.restarts, lost_packets: totals.lost };
  const stats: RunStats = {
    counters: totals.counters,
    events: totals.events,
    linkTypes,
    alerts: totals.alerts,
    elapsedMs: performance.now() - started,
    lastTsSec,
    sections,
  };
  if (totals.counters[C_PKTS] + totals.lost < packets && inputError === null) {
    inputError = new Error(`internal: ${packets} frames read, ${totals.counters[C_PKTS]} processed, ${totals.lost} lost`);
  }
  if (opts.stats && opts.spec.format === 'eve') sink.write(eveStatsRecord(stats));
  let outputError: Error | null = null;
  try {
    await sink.close();
  } catch (e) {
    outputError = e as Error;
  }
  return { stats, inputError, outputError, lost: totals.lost, restarts: totals.restarts, peakInFlight: dispatcher?.peakInFlight ?? 0 };
}

/** Display name of an input for messages. */
export function inputName(input: string): string {
  return input === '-' ? 'stdin' : basename(input);
}
