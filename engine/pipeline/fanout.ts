// Live native capture with PACKET_FANOUT: each worker thread opens its own AF_PACKET socket and
// ring in one fanout group (hash + defrag: the kernel keeps both directions of a flow, and its
// fragments, on one socket) and inspects what it receives (worker-capture.ts). No frame crosses
// threads. This thread writes each worker's records as they arrive, decides gated alerts
// (threshold/limit, DNS-tunnel counts) for all workers, and sums the counters.
//
//   kernel ─fanout hash─▶ socket 0..N-1 ─▶ worker 0..N-1 ─msgpackr records─▶ admit ─▶ sink

import type { Worker } from 'node:worker_threads';
import { unpack } from 'msgpackr';
import type { CaptureInterface, FrameBatch } from '../capture/batch.js';
import type { LiveSource, LiveSourceStats } from '../capture/live-source.js';
import { KwireError } from '../errors.js';
import { COUNTER_COUNT } from '../../decoders/counters.js';
import { EVENT_COUNT } from '../../decoders/events.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { policyAdmit } from './record-buffer.js';
import { startWorker } from './worker-start.js';
import { sumArrays, sumSections } from './stats-sum.js';
import type { EngineSpec } from './engine-spec.js';
import type { EngineCounters, LiveEngine } from './live-engine.js';
import { mergeRecords, type Admit, type RecordBuffer } from './record-buffer.js';
import type { FromWorker, ToWorker, WorkerStats } from './worker-protocol.js';

/** What the workers' sockets capture. */
export interface FanoutCapture {
  ifaces: string[];
  bpf: string;
  promiscuous: boolean;
  /** PACKET_FANOUT group id (0..65535), unique among the fanout users of the network namespace. */
  group: number;
}

interface Lane {
  worker: Worker;
  gen: number;
  ready: boolean;
  done: boolean;
  last: WorkerStats | null;
  capture: LiveSourceStats | null;
  /** Rate control of the policy the worker runs, and of the reloads it has not confirmed yet. */
  admit: Admit | null;
  pending: (Admit | null)[];
}

const EMPTY: FrameBatch = { data: new Uint8Array(0), meta: new Uint32Array(0), count: 0, firstFrame: 1, sourceOffset: 0 };

export class FanoutEngine implements LiveEngine {
  /** The LiveSource the live loop waits on: no frames (the workers have them), the summed socket counters. */
  readonly source: LiveSource;
  private readonly lanes: Lane[] = [];
  private readonly dead: WorkerStats[] = [];
  private readonly deadIndex: number[] = [];
  private readonly deadCapture: LiveSourceStats[] = [];
  private held = 0;
  private restarts = 0;
  private finishing = false;
  private fatal: Error | null = null;
  private waiters: (() => void)[] = [];
  private admit: Admit | null;

  constructor(private readonly spec: EngineSpec, policy: PolicyMatcher | null, private readonly workers: number,
    private readonly capture: FanoutCapture, private readonly emit: (line: string) => void, private readonly warn: (msg: string) => void) {
    if (policy !== null && spec.policy === null) throw new Error('internal: worker threads build the policy from spec.policy');
    this.admit = policyAdmit(policy);
    for (let i = 0; i < workers; i++) this.lanes.push(this.spawn(i, 0));
    this.source = new FanoutSource(this, capture.ifaces);
  }

  private spawn(index: number, gen: number): Lane {
    const worker = startWorker();
    const lane: Lane = { worker, gen, ready: false, done: false, last: null, capture: null, admit: this.admit, pending: [] };
    const c = this.capture;
    const init: ToWorker = { t: 'capture', spec: this.spec, index, workers: this.workers, ifaces: c.ifaces, bpf: c.bpf, promiscuous: c.promiscuous, group: c.group };
    worker.postMessage(init);
    worker.on('message', (msg: FromWorker) => this.onMessage(index, gen, msg));
    worker.on('error', (err) => this.onCrash(index, gen, err));
    worker.on('exit', (code) => { if (!this.lanes[index].done) this.onCrash(index, gen, new Error(`exited with code ${code}`)); });
    return lane;
  }

  private onMessage(index: number, gen: number, msg: FromWorker): void {
    const lane = this.lanes[index];
    if (lane === undefined || lane.gen !== gen) return;
    if (msg.t === 'captured' || msg.t === 'final') {
      this.held += mergeRecords([unpack(msg.records) as RecordBuffer], this.emit, lane.admit);
      lane.last = msg.stats;
      lane.capture = msg.capture ?? lane.capture;
      if (msg.t === 'final') lane.done = true;
    } else if (msg.t === 'ready') {
      lane.ready = true;
    } else if (msg.t === 'policy-done') {
      const next = lane.pending.shift();
      if (msg.error === undefined) lane.admit = next ?? null;
      else this.warn(`worker ${index} kept its previous policy: ${msg.error}`);
    } else if (msg.t === 'capture-failed') {
      this.fatal ??= new KwireError(msg.code, msg.message);
    }
    this.signal();
  }

  private onCrash(index: number, gen: number, err: Error): void {
    const lane = this.lanes[index];
    if (lane === undefined || lane.gen !== gen) return;
    lane.gen = -1;
    void lane.worker.terminate();
    if (lane.last !== null) {
      this.dead.push(lane.last);
      this.deadIndex.push(index);
    }
    if (lane.capture !== null) this.deadCapture.push(lane.capture);
    if (!lane.ready || this.finishing) {
      this.fatal ??= new Error(`worker ${index} ${lane.ready ? 'crashed while finishing' : 'cannot start'}: ${err.message}`);
      this.signal();
      return;
    }
    this.restarts++;
    this.warn(`worker ${index} crashed: ${err.message}; what its ring held is lost, restarting it (its socket joins the fanout group again)`);
    this.lanes[index] = this.spawn(index, gen + 1);
  }

  private signal(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async until(cond: () => boolean): Promise<void> {
    while (!cond()) {
      if (this.fatal !== null) throw this.fatal;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.fatal !== null) throw this.fatal;
  }

  /** A capture that failed in a worker (its socket, or a worker that cannot run), else null. */
  get failure(): Error | null {
    return this.fatal;
  }

  /** Every worker has its socket in the group and its policy built. */
  ready(): Promise<void> {
    return this.until(() => this.lanes.every((l) => l.ready));
  }

  async submit(): Promise<void> {
    throw new Error('internal: with PACKET_FANOUT the workers capture for themselves');
  }

  /** Workers tick on their own clock. */
  async tick(): Promise<void> {}

  /**
   * Each worker switches between two of its batches and confirms; the records it sends until
   * then are judged by the old policy's rate control, the later ones by the new one's.
   */
  async setPolicy(policy: PolicyMatcher | null): Promise<void> {
    const admit = policyAdmit(policy);
    this.admit = admit;
    const msg: ToWorker = { t: 'policy', seq: 0, policy: policy === null ? null : this.spec.policy };
    for (const lane of this.lanes) {
      lane.pending.push(admit);
      lane.worker.postMessage(msg);
    }
  }

  /** Socket counters summed over workers (crashed incarnations included). */
  captureStats(): LiveSourceStats {
    const s: LiveSourceStats = { packets: 0, bytes: 0, kernelPackets: 0, kernelDrops: 0, ifaceDrops: 0, batchDrops: 0 };
    for (const c of [...this.deadCapture, ...this.lanes.map((l) => l.capture)]) {
      if (c === null) continue;
      s.packets += c.packets;
      s.bytes += c.bytes;
      s.kernelPackets += c.kernelPackets;
      s.kernelDrops += c.kernelDrops;
    }
    return s;
  }

  counters(): EngineCounters {
    const w = this.lanes.map((lane, i) => [...this.dead.filter((_, k) => this.deadIndex[k] === i), ...(lane.last === null ? [] : [lane.last])]);
    const all = w.flat();
    return {
      packets: w.map((l) => l.reduce((a, s) => a + s.frames, 0)),
      flowsActive: this.lanes.map((l) => (l.last?.sections.flow?.active as number | undefined) ?? 0),
      flowCapacity: this.lanes.reduce((a, l) => a + (l.last?.flowCapacity ?? 0), 0),
      alerts: all.reduce((a, s) => a + s.alerts, 0) - this.held,
      counters: sumArrays([new Float64Array(COUNTER_COUNT), ...all.map((s) => s.counters)]),
      events: sumArrays([new Float64Array(EVENT_COUNT), ...all.map((s) => s.events)]),
      sections: sumSections(all.map((s) => s.sections)),
      restarts: this.restarts,
      lostPackets: 0,
    };
  }

  /** Every worker stops capturing, ends its flows and sends its last records. */
  async finish(): Promise<void> {
    this.finishing = true;
    for (const lane of this.lanes) lane.worker.postMessage({ t: 'finish' } satisfies ToWorker);
    try {
      await this.until(() => this.lanes.every((l) => l.done));
    } finally {
      for (const l of this.lanes) l.done = true;
      await Promise.all(this.lanes.map((l) => l.worker.terminate()));
    }
  }
}

/** The live loop's source with fanout: it waits (its timers run), reports the sockets' counters, ends on a capture failure. */
class FanoutSource implements LiveSource {
  readonly backend = 'native' as const;
  readonly interfaces: CaptureInterface[];
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly engine: FanoutEngine, ifaces: string[]) {
    this.interfaces = ifaces.map((name) => ({ name, linkType: 1, snapLen: 65535 }));
  }

  async next(waitMs: number): Promise<FrameBatch | null> {
    if (this.closed) return null;
    if (this.engine.failure !== null) throw this.engine.failure;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { this.wake = null; resolve(); }, waitMs);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
    return this.closed ? null : EMPTY;
  }

  recycle(): void {}

  stats(): LiveSourceStats {
    return this.engine.captureStats();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }
}
