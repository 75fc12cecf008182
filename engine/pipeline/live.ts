// Live inspection: a LiveSource (native AF_PACKET or libpcap) → engine (this thread, or worker
// threads: live-engine.ts) → EVE sink, with a stats event every interval, idle-flow expiry on the
// wall clock, signals (stop, policy reload) and a snapshot for the Prometheus endpoint.

import { M_LINKTYPE, META_STRIDE, type FrameBatch } from '../capture/batch.js';
import type { LiveSource, LiveSourceStats } from '../capture/live-source.js';
import { KwireError } from '../errors.js';
import { eveHostSuffix } from '../output/eve-common.js';
import { LineSink } from '../output/sink.js';
import { eveStatsRecord, type RunStats } from '../output/stats-record.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import type { EngineSpec } from './engine-spec.js';
import { FanoutEngine, type FanoutCapture } from './fanout.js';
import { ThreadEngine, WorkerEngine, type EngineCounters, type LiveEngine } from './live-engine.js';

/** How long one `next()` waits for traffic before the loop runs its timers anyway. */
const WAIT_MS = 100;

export interface LiveOptions {
  /** The capture; null with `fanout` (the workers capture). */
  source: LiveSource | null;
  /** Native capture with PACKET_FANOUT: `workers` threads each open a socket in the group (fanout.ts). */
  fanout?: FanoutCapture;
  /** Where records go ('-' = stdout); always EVE NDJSON. */
  out: string;
  /**
   * The packet path's settings (format is always eve here) and the compiled policy, if any. With
   * workers, each worker builds its own policy from `spec.policy`, so it must name the policy.
   */
  spec: EngineSpec;
  policy: PolicyMatcher | null;
  /** Worker threads; 0 (default) = inspect on this thread. The source's batches must then be shared. */
  workers?: number;
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
  /** Per packet-processing thread: frames inspected, the rate over the last second or more, live flows. */
  workers: { packets: number; pps: number; flowsActive: number }[];
  /** Worker threads that crashed (each restarted) and the frames in flight to them, lost. */
  restarts: number;
  lostPackets: number;
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
  private readonly engine: LiveEngine;
  private readonly source: LiveSource = null!;
  private readonly threaded: boolean;
  private readonly sink: LineSink;
  private readonly linkTypes = new Float64Array(65536);
  private readonly started = Date.now();
  private stopping = false;
  private reloadPending = false;
  private reloads = 0;
  private reloadFailures = 0;
  private rateFrames: number[] = [];
  private rateAt = Date.now();
  private pps: number[] = [];
  private names: string[] = [];
  private readonly host: string;
  private readonly statsEvents: boolean;
  private wake: (() => void) | null = null;

  constructor(private readonly opts: LiveOptions) {
    if (opts.source !== null) this.source = opts.source;
    this.sink = LineSink.open(opts.out);
    this.host = opts.nodeName === '' ? '' : eveHostSuffix(opts.nodeName);
    const sink = this.sink;
    const host = this.host;
    const write = host === '' ? (line: string): void => sink.write(line) : (line: string): void => sink.write(line.slice(0, -1) + host);
    const spec: EngineSpec = { ...opts.spec, format: 'eve' };
    const recycle = (b: FrameBatch): void => this.source.recycle(b);
    const workers = opts.workers ?? 0;
    this.threaded = workers > 0;
    // workers' records arrive while the loop waits for traffic: they go out on the next turn of
    // the event loop, not at the next batch
    let queued = false;
    const flush = (): void => { queued = false; void sink.drain(); };
    const emit = (line: string): void => {
      write(line);
      if (!queued) { queued = true; setImmediate(flush); }
    };
    if (workers === 0) {
      this.engine = new ThreadEngine(spec, opts.policy, write, recycle);
    } else if (opts.fanout !== undefined) {
      const engine = new FanoutEngine(spec, opts.policy, workers, opts.fanout, emit, opts.log);
      this.engine = engine;
      this.source = engine.source;
    } else {
      this.engine = new WorkerEngine(spec, opts.policy, workers, emit, recycle, opts.log);
    }
    this.statsEvents = opts.stats || opts.statsIntervalS > 0;
    if (this.source === null) throw new Error('internal: a LiveRun needs a source, or fanout with workers');
  }

  /** Resolves when the packet path can inspect (worker threads started); throws when they cannot start. */
  ready(): Promise<void> {
    return this.engine.ready();
  }

  /** Give up before run(): close the capture and stop the workers (a start that failed). */
  async abort(): Promise<void> {
    await this.source.close();
    try {
      await this.engine.finish();
    } catch {
      // the failure was reported by the caller
    }
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
    return this.snapshotOf(this.engine.counters());
  }

  private snapshotOf(e: EngineCounters): LiveSnapshot {
    const now = Date.now();
    return {
      uptimeS: (now - this.started) / 1000,
      backend: this.source.backend,
      capture: this.source.stats(),
      workers: e.packets.map((packets, i) => ({ packets, pps: this.pps[i] ?? 0, flowsActive: e.flowsActive[i] })),
      restarts: e.restarts,
      lostPackets: e.lostPackets,
      counters: e.counters,
      events: e.events,
      alerts: e.alerts,
      flowsActive: e.flowsActive.reduce((a, b) => a + b, 0),
      flowCapacity: e.flowCapacity,
      reloads: this.reloads,
      reloadFailures: this.reloadFailures,
      records: this.sink.written,
      recordsDropped: this.sink.dropped,
    };
  }

  /** Capture and inspect until stop() or the source closes. */
  async run(): Promise<LiveResult> {
    const source = this.source;
    const engine = this.engine;
    const interval = this.opts.statsIntervalS * 1000;
    let nextStats = interval > 0 ? this.started + interval : Infinity;
    let nextSweep = this.started + 1000;
    let inputError: Error | null = null;
    const stopped = new Promise<null>((resolve) => { this.wake = () => resolve(null); });
    try {
      while (!this.stopping) {
        if (this.reloadPending) await this.reload();
        const batch = await Promise.race([source.next(WAIT_MS), stopped]);
        if (batch === null) {
          if (this.stopping) break; // the pending next() resolves when the source closes
          throw new KwireError('KWIRE_ERR_LIVE_CLOSED', `capture on ${this.names.join(',')} ended`);
        }
        const { meta, count } = batch;
        if (count > 0) {
          for (let i = 0; i < count; i++) this.linkTypes[meta[i * META_STRIDE + M_LINKTYPE] & 0xffff]++;
          // 'any' on the native ring learns interfaces as their frames arrive
          if (source.interfaces.length !== this.names.length) this.names = source.interfaces.map((f) => f.name);
          await engine.submit(batch, this.names);
        } else {
          source.recycle(batch);
        }
        const now = Date.now();
        if (now >= nextSweep) {
          await engine.tick(now);
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
    try {
      await engine.finish();
    } catch (e) {
      inputError ??= e as Error;
    }
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
    const packets = this.engine.counters().packets;
    this.pps = packets.map((p, i) => Math.round((p - (this.rateFrames[i] ?? 0)) / dt));
    this.rateFrames = packets;
    this.rateAt = now;
  }

  private async reload(): Promise<void> {
    this.reloadPending = false;
    const load = this.opts.loadPolicy;
    if (load === null) {
      this.opts.log('SIGHUP: no --policy to reload');
      return;
    }
    let policy: PolicyMatcher | null;
    try {
      policy = load();
    } catch (e) {
      this.reloadFailures++;
      const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
      this.opts.log(`SIGHUP: policy not reloaded, the previous one stays in force: ${msg}`);
      return;
    }
    await this.engine.setPolicy(policy);
    this.reloads++;
    this.opts.log('SIGHUP: policy reloaded');
  }

  /** One EVE stats event, Suricata's layout plus the capture, workers and policy sections. */
  private writeStats(now: number): void {
    const e = this.engine.counters();
    const s = this.snapshotOf(e);
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
      workers: Object.fromEntries(s.workers.map((w, i) => [`W#${String(i + 1).padStart(2, '0')}`, { packets: w.packets, pkts_per_s: w.pps, flows_active: w.flowsActive }])),
      ...e.sections,
      policy: { reloads: s.reloads, reload_failures: s.reloadFailures },
    };
    if (this.threaded) sections.dispatcher = { workers: s.workers.length, fanout: this.opts.fanout !== undefined, restarts: s.restarts, lost_packets: s.lostPackets };
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
