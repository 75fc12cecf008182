// The dispatcher: shards each batch to worker threads by the symmetric address-pair hash
// (shard.ts), bounds the batches in flight (the reader waits when workers lag), merges the
// workers' records back in capture order (record-buffer.ts), and restarts a worker that crashes.
// Live capture adds two control messages that take a place in the stream like a batch: a
// wall-clock tick (idle flows end without traffic) and a policy reload.
//
//   reader ─batch (SharedArrayBuffer)─▶ shards ─▶ worker 0..N-1 ─msgpackr records─▶ merge ─▶ sink
//                                                 (each owns its flows)
//
// Offline with 2+ workers (`inThread`), the last share is inspected on this thread, between
// handing a batch to the worker threads and merging: N workers are N busy threads, not N + 1
// (the reader's own work, a fraction of a worker's, would otherwise take a core of its own).

import type { Worker } from 'node:worker_threads';
import { inspectThreads, startWorker, takePrestarted } from './worker-start.js';
import { unpack } from 'msgpackr';
import type { FrameBatch } from '../capture/batch.js';
import { DecoderConfig } from '../../decoders/packet.js';
import type { EngineSpec, PolicySpec } from './engine-spec.js';
import { InThreadShare } from './in-thread-share.js';
import { sumArrays, sumSections } from './stats-sum.js';
import { emptyRecords, mergeRecords, type Admit, type RecordBuffer } from './record-buffer.js';
import { Sharder, type ClusterDirection } from './shard.js';
import type { FromWorker, ToWorker, WorkerStats } from './worker-protocol.js';
import { FAULT_AT_START } from './fault.js';

/** Batches handed to workers and not yet written out; the reader waits beyond this. */
export const MAX_IN_FLIGHT = 3;

interface InFlight {
  /** null for a control message (tick, policy). */
  batch: FrameBatch | null;
  /** Run when the merge reaches this place in the stream (before its records). */
  then: (() => void) | null;
  parts: (RecordBuffer | null)[];
  remaining: number;
  /** Frames given to each worker. */
  frames: number[];
}

interface Lane {
  /** null for the share inspected on this thread. */
  worker: Worker | null;
  /** The share inspected on this thread (`inThread`), else null. */
  local: InThreadShare | null;
  /** Incarnation; a restarted worker gets a new one, late events of the old one are ignored. */
  gen: number;
  /** The worker has built its Inspector (answered init). */
  ready: boolean;
  last: WorkerStats | null;
  final: RecordBuffer | null;
  finalStats: WorkerStats | null;
}

export interface DispatcherOptions {
  /** Records in output order. */
  write: (line: string) => void;
  /** A batch's buffers are free again. */
  recycle: (batch: FrameBatch) => void;
  /** A message for the person (worker crashes). */
  warn: (msg: string) => void;
  /** Threshold/limit decisions for gated alerts, in output order (the policy's RateControl). */
  admit: Admit | null;
  /** With a policy: cluster-relative direction, so that outside addresses shard alone. */
  direction?: ClusterDirection | null;
  /** Throw in a worker at this pcap_cnt (KWIRE_FAULT_INJECT=worker-crash:N), -1 = never. */
  fault?: number;
  /**
   * With 2+ workers, inspect the last share on this thread (offline: the reader has time between
   * batches; live capture must not wait for inspection).
   */
  inThread?: boolean;
}

/** Totals of a run across workers (crashed incarnations included). */
export interface PipelineTotals {
  /** Alerts written (gated alerts held back by threshold/limit are not counted). */
  alerts: number;
  counters: Float64Array;
  events: Float64Array;
  sections: Record<string, Record<string, unknown>>;
  /** Frames lost in crashed workers (in flight when they died). */
  lost: number;
  restarts: number;
  /** Frames sent to each worker. */
  perWorker: number[];
}

export class Dispatcher {
  readonly workers: number;
  private readonly lanes: Lane[] = [];
  private readonly sharder: Sharder;
  private readonly inFlight = new Map<number, InFlight>();
  private seq = 0;
  private nextOut = 0;
  private wake: (() => void) | null = null;
  private lost = 0;
  private restarts = 0;
  /** Stats of crashed incarnations, and the worker index of each. */
  private readonly dead: WorkerStats[] = [];
  private readonly deadIndex: number[] = [];
  private finishing = false;
  private fault: number;
  /** Gated alerts held back by threshold/limit. */
  private held = 0;
  /** Frames sent to each worker so far. */
  private readonly sent: number[] = [];
  /** Most batches in flight at once (backpressure bound, for tests). */
  peakInFlight = 0;
  /** A worker that cannot start (it crashed before finishing any batch, twice): the run stops. */
  private fatal: Error | null = null;
  /** The share inspected on this thread (`inThread`), or -1. */
  private readonly localIndex: number;

  constructor(private spec: EngineSpec, workers: number, private readonly opts: DispatcherOptions) {
    this.workers = Math.max(1, Math.min(255, workers | 0));
    this.sharder = new Sharder(new DecoderConfig(spec.decoder), spec.flow.hashSeed, opts.direction ?? null);
    this.fault = opts.fault ?? -1;
    this.localIndex = opts.inThread === true && inspectThreads(this.workers) < this.workers ? this.workers - 1 : -1;
    for (let i = 0; i < this.workers; i++) this.lanes.push(i === this.localIndex ? this.inThreadLane() : this.spawn(i, 0));
  }

  /** The last share, inspected on this thread. */
  private inThreadLane(): Lane {
    return { worker: null, local: new InThreadShare(this.spec, this.workers), gen: 0, ready: true, last: null, final: null, finalStats: null };
  }

  /** Alerts so far (as of the last batch each worker finished). */
  get alerts(): number {
    let a = -this.held;
    for (const l of this.lanes) a += l.last?.alerts ?? 0;
    for (const d of this.dead) a += d.alerts;
    return a;
  }

  private spawn(index: number, gen: number): Lane {
    const pre = gen === 0 ? takePrestarted() : undefined;
    const worker = pre?.worker ?? startWorker();
    worker.ref();
    if (pre?.early) queueMicrotask(() => this.onCrash(index, gen, pre.early!));
    const lane: Lane = { worker, local: null, gen, ready: false, last: null, final: null, finalStats: null };
    const init: ToWorker = { t: 'init', spec: this.spec, index, workers: this.workers, fault: gen === 0 || this.fault === FAULT_AT_START ? this.fault : -1 };
    worker.postMessage(init);
    worker.on('message', (msg: FromWorker) => this.onMessage(index, gen, msg));
    worker.on('error', (err) => this.onCrash(index, gen, err));
    worker.on('exit', (code) => {
      if (!this.finishing || this.lanes[index].finalStats === null) this.onCrash(index, gen, new Error(`exited with code ${code}`));
    });
    return lane;
  }

  private onMessage(index: number, gen: number, msg: FromWorker): void {
    const lane = this.lanes[index];
    if (lane === undefined || lane.gen !== gen) return;
    if (msg.t === 'ready') {
      lane.ready = true;
      this.signal();
    } else if (msg.t === 'done') {
      lane.last = msg.stats;
      if (msg.error !== undefined) this.opts.warn(`worker ${index} kept its previous policy: ${msg.error}`);
      const f = this.inFlight.get(msg.seq);
      if (f !== undefined && f.parts[index] === null) {
        f.parts[index] = unpack(msg.records) as RecordBuffer;
        f.remaining--;
      }
      this.flush();
    } else if (msg.t === 'final') {
      lane.final = unpack(msg.records) as RecordBuffer;
      lane.finalStats = lane.last = msg.stats;
      this.signal();
    }
  }

  private onCrash(index: number, gen: number, err: Error): void {
    const lane = this.lanes[index];
    if (lane === undefined || lane.gen !== gen) return;
    let lost = 0;
    for (const f of this.inFlight.values()) {
      if (f.parts[index] !== null) continue;
      f.parts[index] = emptyRecords();
      f.remaining--;
      lost += f.frames[index];
    }
    this.lost += lost;
    this.restarts++;
    if (lane.last !== null) {
      this.dead.push(lane.last);
      this.deadIndex.push(index);
    }
    lane.gen = -1;
    void lane.worker!.terminate();
    if (lane.last === null && gen >= 1) {
      this.fatal = new Error(`worker ${index} cannot start: ${err.message}`);
      this.signal();
      return;
    }
    this.opts.warn(`worker ${index} crashed: ${err.message}; ${lost} packets in flight lost, restarting it`);
    const next = this.spawn(index, gen + 1);
    this.lanes[index] = next;
    if (this.finishing) next.worker!.postMessage({ t: 'finish' } satisfies ToWorker);
    this.flush();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async waitForProgress(): Promise<void> {
    if (this.fatal !== null) throw this.fatal;
    await new Promise<void>((resolve) => { this.wake = resolve; });
    if (this.fatal !== null) throw this.fatal;
  }

  /** Write out, in order, every batch whose workers have all answered. */
  private flush(): void {
    for (;;) {
      const f = this.inFlight.get(this.nextOut);
      if (f === undefined || f.remaining > 0) break;
      this.inFlight.delete(this.nextOut);
      this.nextOut++;
      f.then?.();
      this.held += mergeRecords(f.parts as RecordBuffer[], this.opts.write, this.opts.admit);
      if (f.batch !== null) this.opts.recycle(f.batch);
    }
    this.signal();
  }

  /**
   * Shard a batch (its buffers must be SharedArrayBuffer-backed: openCapture({shared: true})) and
   * hand it to the workers; resolves once fewer than MAX_IN_FLIGHT batches are in flight.
   */
  async submit(batch: FrameBatch, names: string[]): Promise<void> {
    const n = this.workers;
    const shards = new Uint8Array(new SharedArrayBuffer(Math.max(1, batch.count)));
    this.sharder.assign(batch.data, batch.meta, batch.count, n, shards);
    const frames = new Array<number>(n).fill(0);
    for (let i = 0; i < batch.count; i++) frames[shards[i]]++;
    for (let w = 0; w < n; w++) this.sent[w] = (this.sent[w] ?? 0) + frames[w];
    await this.enqueue(batch, frames, null, (seq) => ({ t: 'batch', seq, data: batch.data, meta: batch.meta, count: batch.count, firstFrame: batch.firstFrame, shards, names }));
  }

  /**
   * Live capture's wall-clock tick: every worker ends its flows idle past their timeout at `nowUs`.
   * Takes a place in the stream like a batch (and counts toward MAX_IN_FLIGHT).
   */
  tick(nowUs: number): Promise<void> {
    return this.enqueue(null, new Array<number>(this.workers).fill(0), null, (seq) => ({ t: 'tick', seq, nowUs }));
  }

  /**
   * Reload the policy at this place in the stream: every worker rebuilds it from `policy` (the
   * caller compiled it first, so only files changed since can fail there: the worker then keeps
   * its old policy and `warn` says so) and uses it from the next batch on; `atMerge` runs when the
   * merge reaches this place (batches before it were inspected and rate-controlled with the old
   * policy, batches after it with the new one). A worker restarted later builds the new one.
   */
  reload(policy: PolicySpec | null, atMerge: () => void): Promise<void> {
    this.spec = { ...this.spec, policy };
    return this.enqueue(null, new Array<number>(this.workers).fill(0), atMerge, (seq) => ({ t: 'policy', seq, policy }));
  }

  private async enqueue(batch: FrameBatch | null, frames: number[], then: (() => void) | null, message: (seq: number) => ToWorker): Promise<void> {
    const n = this.workers;
    const seq = this.seq++;
    this.inFlight.set(seq, { batch, then, parts: new Array<RecordBuffer | null>(n).fill(null), remaining: n, frames });
    const msg = message(seq);
    for (const lane of this.lanes) lane.worker?.postMessage(msg);
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.size);
    if (this.localIndex >= 0) {
      const lane = this.lanes[this.localIndex];
      const f = this.inFlight.get(seq)!;
      f.parts[this.localIndex] = lane.local!.handle(msg, this.localIndex, this.opts.warn);
      f.remaining--;
      lane.last = lane.local!.stats();
      this.flush();
    }
    while (this.inFlight.size >= MAX_IN_FLIGHT) await this.waitForProgress();
  }

  /** Resolves once every worker has built its Inspector (batches sent earlier simply wait in its queue). */
  async ready(): Promise<void> {
    while (this.lanes.some((l) => !l.ready)) await this.waitForProgress();
  }

  /** Frames lost in crashed workers so far, and restarts. */
  get lostFrames(): number {
    return this.lost;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /**
   * Cumulative stats of each worker (its crashed incarnations included) as of its last answer to a
   * batch or tick: for stats events and metrics while the run goes on. Allocates; call it rarely.
   */
  workerStats(): WorkerStats[] {
    return this.lanes.map((lane, w) => {
      const all = this.dead.filter((_, i) => this.deadIndex[i] === w);
      if (lane.last !== null) all.push(lane.last);
      return {
        frames: all.reduce((a, s) => a + s.frames, 0),
        alerts: all.reduce((a, s) => a + s.alerts, 0),
        counters: sumArrays(all.map((s) => s.counters)),
        events: sumArrays(all.map((s) => s.events)),
        sections: sumSections(all.map((s) => s.sections)),
        flowCapacity: lane.last?.flowCapacity ?? 0,
      };
    });
  }

  /** End of input: wait for every batch, end every flow in every worker, and return the totals. */
  async finish(): Promise<PipelineTotals> {
    while (this.inFlight.size > 0) await this.waitForProgress();
    this.finishing = true;
    for (const lane of this.lanes) lane.worker?.postMessage({ t: 'finish' } satisfies ToWorker);
    for (const lane of this.lanes) {
      if (lane.local === null) continue;
      lane.final = lane.local.finish();
      lane.finalStats = lane.last = lane.local.stats();
    }
    while (this.lanes.some((l) => l.finalStats === null)) await this.waitForProgress();
    this.held += mergeRecords(this.lanes.map((l) => l.final ?? emptyRecords()), this.opts.write, this.opts.admit);
    const all = [...this.dead, ...this.lanes.map((l) => l.finalStats!)];
    await Promise.all(this.lanes.map((l) => l.worker?.terminate()));
    return {
      alerts: all.reduce((a, s) => a + s.alerts, 0) - this.held,
      counters: sumArrays(all.map((s) => s.counters)),
      events: sumArrays(all.map((s) => s.events)),
      sections: sumSections(all.map((s) => s.sections)),
      lost: this.lost,
      restarts: this.restarts,
      perWorker: this.lanes.map((_, w) => this.sent[w] ?? 0),
    };
  }

  /** Stop the workers without waiting (after an input fault the caller still calls finish()). */
  async destroy(): Promise<void> {
    this.finishing = true;
    for (const l of this.lanes) l.gen = -1;
    await Promise.all(this.lanes.map((l) => l.worker?.terminate()));
  }
}
