// Live inspection: a LiveSource (native AF_PACKET or libpcap) → Inspector → EVE sink, with a stats
// event every interval, idle-flow expiry on the wall clock, signals (stop, policy reload) and a
// snapshot for the Prometheus endpoint. One thread for now; see "What remains" in README.md.

import { M_CAPLEN, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE, M_TS_NSEC, M_TS_SEC } from '../capture/batch.js';
import type { LiveSource, LiveSourceStats } from '../capture/live-source.js';
import { KwireError } from '../errors.js';
import { eveHostSuffix } from '../output/eve-common.js';
import { LineSink } from '../output/sink.js';
import { eveStatsRecord, type RunStats } from '../output/stats-record.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { Inspector } from './inspector.js';
import { inspectorOptions, type EngineSpec } from './engine-spec.js';

/** How long one `next()` waits for traffic before the loop runs its timers anyway. */
const WAIT_MS = 100;

export interface LiveOptions {
  source: LiveSource;
  /** Where records go ('-' = stdout); always EVE NDJSON. */
  out: string;
  /** The packet path's settings (format is always eve here) and the compiled policy, if any. */
  spec: EngineSpec;
  policy: PolicyMatcher | null;
  /** Write a stats event at exit (and every `statsIntervalS`). */
  stats: boolean;
  /** Seconds between EVE stats events; 0 = only one at exit (when `stats` is in the events). */
  statsIntervalS: number;
  /** Sensor name put as "host" in every record ('' = none). */
  nodeName: string;
  /** Compile the policy anew (SIGHUP); throws when it does not compile. Null: nothing to reload. */
  loadPolicy: (() => PolicyMatcher | null) | null;
  /** One line of operator information (stderr). */
  log: (line: string) => void;
}

/** Everything the stats event and the metrics endpoint report, read between batches. */
export interface LiveSnapshot {
  uptimeS: number;
  backend: string;
  capture: LiveSourceStats;
  /** Per packet-processing thread: frames inspected, and the rate over the last second or more. */
  workers: { packets: number; pps: number }[];
  /** Decoder counters and decode events (decoders/counters.ts, decoders/events.ts), cumulative. */
  counters: Float64Array;
  events: Float64Array;
  alerts: number;
  flowsActive: number;
  flowCapacity: number;
  reloads: number;
  reloadFailures: number;
  /** EVE records written, and refused after the output failed. */
  records: number;
  recordsDropped: number;
}

export interface LiveResult {
  snapshot: LiveSnapshot;
  /** The capture fault that ended the run, if any (a clean stop is null). */
  inputError: Error | null;
  outputError: Error | null;
}

export class LiveRun {
  private readonly insp: Inspector;
  private readonly sink: LineSink;
  private readonly linkTypes = new Float64Array(65536);
  private readonly started = Date.now();
  private stopping = false;
  private reloadPending = false;
  private reloads = 0;
  private reloadFailures = 0;
  private frames = 0;
  private rateFrames = 0;
  private rateAt = Date.now();
  private pps = 0;
  private readonly names: string[];
  private readonly host: string;
  private readonly statsEvents: boolean;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: LiveOptions) {
    this.sink = LineSink.open(opts.out);
    this.host = opts.nodeName === '' ? '' : eveHostSuffix(opts.nodeName);
    const sink = this.sink;
    const host = this.host;
    const emit = host === '' ? (line: string): void => sink.write(line) : (line: string): void => sink.write(line.slice(0, -1) + host);
    this.insp = new Inspector(inspectorOptions({ ...opts.spec, format: 'eve' }, opts.policy), emit);
    this.insp.flows.autoSweep = false; // idle flows end on the wall clock, swept once a second below
    this.names = opts.source.interfaces.map((i) => i.name);
    this.statsEvents = opts.stats || opts.statsIntervalS > 0;
  }

  /** Stop after the current batch: flows are flushed, records and the last stats written. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Reload the policy before the next batch (from a signal handler: nothing runs mid-batch). */
  requestReload(): void {
    this.reloadPending = true;
  }

  snapshot(): LiveSnapshot {
    const f = this.insp.flows;
    const now = Date.now();
    return {
      uptimeS: (now - this.started) / 1000,
      backend: this.opts.source.backend,
      capture: this.opts.source.stats(),
      workers: [{ packets: this.frames, pps: this.pps }],
      counters: this.insp.pkt.counters,
      events: this.insp.pkt.events,
      alerts: this.insp.alerts,
      flowsActive: f.active,
      flowCapacity: f.capacity,
      reloads: this.reloads,
      reloadFailures: this.reloadFailures,
      records: this.sink.written,
      recordsDropped: this.sink.dropped,
    };
  }

  /** Capture and inspect until stop() or the source closes. */
  async run(): Promise<LiveResult> {
    const { source } = this.opts;
    const insp = this.insp;
    const names = this.names;
    const interval = this.opts.statsIntervalS * 1000;
    let nextStats = interval > 0 ? this.started + interval : Infinity;
    let nextSweep = this.started + 1000;
    let inputError: Error | null = null;
    const stopped = new Promise<null>((resolve) => { this.wake = () => resolve(null); });
    try {
      while (!this.stopping) {
        if (this.reloadPending) this.reload();
        const batch = await Promise.race([source.next(WAIT_MS), stopped]);
        if (batch === null) {
          if (this.stopping) break; // the pending next() resolves when the source closes
          throw new KwireError('KWIRE_ERR_LIVE_CLOSED', `capture on ${names.join(',')} ended`);
        }
        const { data, meta, count, firstFrame } = batch;
        for (let i = 0; i < count; i++) {
          const m = i * META_STRIDE;
          const lt = meta[m + M_LINKTYPE];
          this.linkTypes[lt & 0xffff]++;
          insp.frame(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], lt,
            meta[m + M_TS_SEC], meta[m + M_TS_NSEC], firstFrame + i, names[meta[m + M_IFACE]] ?? '');
        }
        this.frames += count;
        source.recycle(batch); // records were rendered as they were emitted: nothing points into it
        const now = Date.now();
        if (now >= nextSweep) {
          insp.flows.expire(now * 1000);
          this.rate(now);
          nextSweep = now + 1000;
        }
        if (now >= nextStats) {
          this.writeStats(now);
          nextStats = now + interval;
        }
        await this.sink.drain(); // live records go out within a batch, not when 256 KiB are queued
        if (this.sink.failure !== null) break;
      }
    } catch (e) {
      inputError = e as Error;
    }
    await source.close();
    insp.finish();
    if (this.statsEvents) this.writeStats(Date.now());
    let outputError: Error | null = null;
    try {
      await this.sink.close();
    } catch (e) {
      outputError = e as Error;
    }
    return { snapshot: this.snapshot(), inputError, outputError };
  }

  private rate(now: number): void {
    const dt = (now - this.rateAt) / 1000;
    if (dt <= 0) return;
    this.pps = Math.round((this.frames - this.rateFrames) / dt);
    this.rateFrames = this.frames;
    this.rateAt = now;
  }

  private reload(): void {
    this.reloadPending = false;
    const load = this.opts.loadPolicy;
    if (load === null) {
      this.opts.log('SIGHUP: no --policy to reload');
      return;
    }
    try {
      const policy = load();
      this.insp.setPolicy(policy);
      this.reloads++;
      this.opts.log('SIGHUP: policy reloaded');
    } catch (e) {
      this.reloadFailures++;
      const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
      this.opts.log(`SIGHUP: policy not reloaded, the previous one stays in force: ${msg}`);
    }
  }

  /** One EVE stats event, Suricata's layout plus the capture, workers and policy sections. */
  private writeStats(now: number): void {
    const s = this.snapshot();
    const c = s.capture;
    const sections: Record<string, Record<string, unknown>> = {
      capture: {
        kernel_packets: c.kernelPackets,
        kernel_drops: c.kernelDrops,
        kernel_ifdrops: c.ifaceDrops,
        kernel_counters: c.kernelCounters !== false,
        batch_drops: c.batchDrops,
        packets: c.packets,
        bytes: c.bytes,
        backend: s.backend,
      },
      workers: Object.fromEntries(s.workers.map((w, i) => [`W#${String(i + 1).padStart(2, '0')}`, { packets: w.packets, pkts_per_s: w.pps }])),
      ...this.insp.statsSections(),
      policy: { reloads: s.reloads, reload_failures: s.reloadFailures },
    };
    const stats: RunStats = {
      counters: s.counters, events: s.events, linkTypes: this.linkTypes, alerts: s.alerts,
      elapsedMs: now - this.started, lastTsSec: Math.floor(now / 1000), sections,
    };
    const line = eveStatsRecord(stats);
    this.sink.write(this.host === '' ? line : line.slice(0, -1) + this.host);
  }
}

/**
 * SIGINT/SIGTERM stop the run (flows and sinks flushed, exit 0); a second one exits at once (1).
 * SIGHUP reloads the policy. Returns a function that removes the handlers.
 */
export function handleSignals(run: LiveRun): () => void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    run.stop();
  };
  const hup = (): void => run.requestReload();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', hup);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('SIGHUP', hup);
  };
}
