// One thread's share of a batch: runs the Inspector over the frames the dispatcher gave this
// thread, then expires flows idle at the batch's last timestamp, and keeps every record with its
// order key (record-buffer.ts). Worker threads and the single-thread path use it alike.

import { M_CAPLEN, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE, M_TS_NSEC, M_TS_SEC } from '../capture/batch.js';
import { Inspector, type InspectorOptions } from './inspector.js';
import { END_KEY, emptyRecords, sortTail, type RecordBuffer } from './record-buffer.js';
import type { WorkerStats } from './worker-protocol.js';

export class BatchRunner {
  readonly insp: Inspector;
  /** Frames processed by this runner. */
  frames = 0;
  private out: RecordBuffer = emptyRecords();
  private sweeping = false;
  private sweepKey = 0;
  private lastCnt = -1;
  private rank = 0;
  private gateRule = -1;
  private gateKey = 0;
  private gateKey2 = 0;
  private gateUs = 0;

  /**
   * `gated`: threshold/limit and DNS-tunnel alerts are only marked (with their counting keys) and
   * decided at the merge, in capture order across threads. A runner that sees every frame (the
   * single-thread path, or the one worker of `--workers 1`) decides them itself, in the same order,
   * and renders only the alerts that go out (most DNS-tunnel candidates do not).
   */
  constructor(opts: InspectorOptions, gated = true) {
    this.insp = new Inspector(opts, (line) => this.record(line));
    this.insp.flows.autoSweep = false;
    if (gated) this.insp.gateAlerts((rule, key, nowUs, key2) => {
      this.gateRule = rule;
      this.gateKey = key;
      this.gateKey2 = key2;
      this.gateUs = nowUs;
    });
  }

  private record(line: string): void {
    const o = this.out;
    if (this.sweeping) {
      o.k1.push(this.sweepKey);
      o.k2.push(this.insp.endingFlowId);
    } else {
      const cnt = this.insp.origin.pcapCnt;
      if (cnt !== this.lastCnt) { this.lastCnt = cnt; this.rank = 0; }
      o.k1.push(cnt);
      o.k2.push(this.rank++);
    }
    o.lines.push(line);
    o.gate.push(this.gateRule);
    o.gateKey.push(this.gateKey);
    o.gateKey2.push(this.gateKey2);
    o.gateUs.push(this.gateUs);
    this.gateRule = -1;
  }

  /**
   * Process the frames of a batch whose entry in `shards` is `me` (every frame when `shards` is
   * null), then the timeout sweep at the batch's last timestamp. Returns the records (owned by the
   * caller). `names`: interface names by M_IFACE index. `fault`: throw at this pcap_cnt (fault
   * injection for the crash-recovery test; -1 = never).
   */
  run(data: Uint8Array, meta: Uint32Array, count: number, firstFrame: number, names: readonly string[],
    shards: Uint8Array | null, me: number, fault = -1): RecordBuffer {
    this.frames += this.inspectShare(data, meta, count, firstFrame, names, shards, me, fault);
    if (count > 0) {
      const m = (count - 1) * META_STRIDE;
      this.expireAt(firstFrame + count - 0.5, meta[m + M_TS_SEC] * 1e6 + Math.floor(meta[m + M_TS_NSEC] / 1000));
    }
    return this.take();
  }

  /**
   * The hot loop on its own: its optimized code never contains the sweep after it, whose cold
   * paths used to deoptimize it at the end of every batch (and send the next batch's loop through
   * the interpreter until on-stack replacement). Returns the frames inspected.
   */
  private inspectShare(data: Uint8Array, meta: Uint32Array, count: number, firstFrame: number, names: readonly string[],
    shards: Uint8Array | null, me: number, fault: number): number {
    const insp = this.insp;
    let n = 0;
    for (let i = 0; i < count; i++) {
      if (shards !== null && shards[i] !== me) continue;
      const m = i * META_STRIDE;
      if (firstFrame + i === fault) throw new Error(`fault injected at pcap_cnt ${fault} (KWIRE_FAULT_INJECT)`);
      insp.frame(data, meta[m + M_OFFSET], meta[m + M_CAPLEN], meta[m + M_ORIGLEN], meta[m + M_LINKTYPE],
        meta[m + M_TS_SEC], meta[m + M_TS_NSEC], firstFrame + i, names[meta[m + M_IFACE]] ?? '');
      n++;
    }
    return n;
  }

  /** The timeout sweep at capture time `nowUs`; its records get order key `key`. */
  private expireAt(key: number, nowUs: number): void {
    const from = this.beginSweep(key);
    try {
      this.insp.flows.expire(nowUs);
    } finally {
      this.endSweep(key, from);
    }
  }

  /**
   * Live capture's wall-clock tick: end the flows idle past their timeout at `nowUs` (no batch
   * needed). Returns the records (flow ends, ordered by flow_id).
   */
  tick(nowUs: number): RecordBuffer {
    this.sweep(0, () => this.insp.flows.expire(nowUs));
    return this.take();
  }

  /** End of input: every flow ends; returns the last records. */
  finish(): RecordBuffer {
    this.sweep(END_KEY, () => this.insp.finish());
    return this.take();
  }

  private take(): RecordBuffer {
    const out = this.out;
    this.out = emptyRecords();
    return out;
  }

  private sweep(key: number, body: () => void): void {
    const from = this.beginSweep(key);
    try {
      body();
    } finally {
      this.endSweep(key, from);
    }
  }

  private beginSweep(key: number): number {
    this.sweeping = true;
    this.sweepKey = key;
    return this.out.lines.length;
  }

  /** Records from `from` on came from the sweep: key them and sort them by flow_id. */
  private endSweep(key: number, from: number): void {
    this.sweeping = false;
    const o = this.out;
    for (let i = from; i < o.lines.length; i++) o.k1[i] = key;
    sortTail(o, from);
  }
}

/** A runner's cumulative stats, as a worker reports them after each batch. */
export function runnerStats(r: BatchRunner): WorkerStats {
  return {
    frames: r.frames,
    alerts: r.insp.alerts,
    counters: r.insp.pkt.counters,
    events: r.insp.pkt.events,
    sections: r.insp.statsSections(),
    flowCapacity: r.insp.flows.capacity,
  };
}
