// The packet path of a live run: one Inspector on this thread (--workers 0), or worker threads
// behind the Dispatcher (--workers N, capture and sharding stay on this thread). Both take the
// source's batches, end idle flows on a wall-clock tick, switch the policy on SIGHUP and report
// per-thread counters between batches.

import { M_CAPLEN, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE, M_TS_NSEC, M_TS_SEC, type FrameBatch } from '../capture/batch.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { DIR_ANY } from '../../rules/match/header-match.js';
import { COUNTER_COUNT } from '../../decoders/counters.js';
import { EVENT_COUNT } from '../../decoders/events.js';
import { Dispatcher } from './dispatcher.js';
import { policyAdmit } from './record-buffer.js';
import { sumArrays, sumSections } from './stats-sum.js';
import { inspectorOptions, type EngineSpec } from './engine-spec.js';
import { Inspector } from './inspector.js';
import type { Admit } from './record-buffer.js';

/** What the engine reports between batches; cumulative except the flow table. */
export interface EngineCounters {
  /** Frames inspected by each packet-processing thread. */
  packets: number[];
  /** Live flows in each thread's flow table. */
  flowsActive: number[];
  /** Flows all tables hold at most. */
  flowCapacity: number;
  alerts: number;
  counters: Float64Array;
  events: Float64Array;
  /** Suricata-named sections (flow, tcp, defrag, memory, app_layer), summed over threads. */
  sections: Record<string, Record<string, unknown>>;
  /** Worker crashes (each restarted) and the frames in flight to them, lost. */
  restarts: number;
  lostPackets: number;
}

export interface LiveEngine {
  /** Resolves when the engine can inspect (worker threads started); throws when they cannot start. */
  ready(): Promise<void>;
  /** Inspect a batch with frames; the engine hands it back to the source when nothing points into it. */
  submit(batch: FrameBatch, names: string[]): Promise<void>;
  /** The wall clock (ms), about once a second: flows idle past their timeout end. */
  tick(nowMs: number): Promise<void>;
  /** Use `policy` (compiled on this thread, it compiles) from the next batch on. */
  setPolicy(policy: PolicyMatcher | null): Promise<void>;
  counters(): EngineCounters;
  /** The capture ended: every flow ends, every record is written. Throws when workers cannot run. */
  finish(): Promise<void>;
}

/** --workers 0: everything on this thread, rate control inside the Inspector. */
export class ThreadEngine implements LiveEngine {
  private readonly insp: Inspector;
  private frames = 0;

  constructor(spec: EngineSpec, policy: PolicyMatcher | null, emit: (line: string) => void, private readonly recycle: (b: FrameBatch) => void) {
    this.insp = new Inspector(inspectorOptions(spec, policy), emit);
    this.insp.flows.autoSweep = false; // idle flows end on the wall clock (tick)
  }

  async ready(): Promise<void> {}

  async submit(batch: FrameBatch, names: string[]): Promise<void> {
    const { data, meta, count, firstFrame } = batch;
    const insp = this.insp;
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      insp.frame(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], meta[m + M_LINKTYPE],
        meta[m + M_TS_SEC], meta[m + M_TS_NSEC], firstFrame + i, names[meta[m + M_IFACE]] ?? '');
    }
    this.frames += count;
    this.recycle(batch); // records were rendered as they were emitted: nothing points into it
  }

  async tick(nowMs: number): Promise<void> {
    this.insp.flows.expire(nowMs * 1000);
  }

  async setPolicy(policy: PolicyMatcher | null): Promise<void> {
    this.insp.setPolicy(policy);
  }

  counters(): EngineCounters {
    const i = this.insp;
    return {
      packets: [this.frames], flowsActive: [i.flows.active], flowCapacity: i.flows.capacity, alerts: i.alerts,
      counters: i.pkt.counters, events: i.pkt.events, sections: i.statsSections(), restarts: 0, lostPackets: 0,
    };
  }

  async finish(): Promise<void> {
    this.insp.finish();
  }
}

/**
 * --workers N: the Dispatcher's worker threads, each owning the flows of its shard. This thread
 * keeps a compiled copy of the policy for two things: the sharder's cluster direction (switched
 * when a reload is submitted) and the merge's threshold/limit decisions (switched when the merge
 * reaches the reload's place in the stream).
 */
export class WorkerEngine implements LiveEngine {
  private readonly dispatcher: Dispatcher;
  private shardPolicy: PolicyMatcher | null;
  private admit: Admit | null;

  constructor(private readonly spec: EngineSpec, policy: PolicyMatcher | null, workers: number, emit: (line: string) => void,
    recycle: (b: FrameBatch) => void, warn: (msg: string) => void) {
    if (policy !== null && spec.policy === null) throw new Error('internal: worker threads build the policy from spec.policy');
    this.shardPolicy = policy;
    this.admit = policyAdmit(policy);
    this.dispatcher = new Dispatcher(spec, workers, {
      write: emit, recycle, warn,
      admit: (rule, key, nowUs, key2) => this.admit === null || this.admit(rule, key, nowUs, key2),
      direction: (pkt) => this.shardPolicy === null ? DIR_ANY : this.shardPolicy.clusterDirection(pkt),
    });
  }

  ready(): Promise<void> {
    return this.dispatcher.ready();
  }

  submit(batch: FrameBatch, names: string[]): Promise<void> {
    return this.dispatcher.submit(batch, names);
  }

  tick(nowMs: number): Promise<void> {
    return this.dispatcher.tick(nowMs * 1000);
  }

  setPolicy(policy: PolicyMatcher | null): Promise<void> {
    this.shardPolicy = policy;
    const admit = policyAdmit(policy);
    return this.dispatcher.reload(policy === null ? null : this.spec.policy, () => { this.admit = admit; });
  }

  counters(): EngineCounters {
    const d = this.dispatcher;
    const w = d.workerStats();
    const flows = w.map((s) => (s.sections.flow?.active as number | undefined) ?? 0);
    return {
      packets: w.map((s) => s.frames), flowsActive: flows, flowCapacity: w.reduce((a, s) => a + s.flowCapacity, 0),
      alerts: d.alerts,
      // sized even before a worker has answered
      counters: sumArrays([new Float64Array(COUNTER_COUNT), ...w.map((s) => s.counters)]),
      events: sumArrays([new Float64Array(EVENT_COUNT), ...w.map((s) => s.events)]),
      sections: sumSections(w.map((s) => s.sections)), restarts: d.restartCount, lostPackets: d.lostFrames,
    };
  }

  async finish(): Promise<void> {
    try {
      await this.dispatcher.finish();
    } catch (e) {
      await this.dispatcher.destroy();
      throw e;
    }
  }
}
