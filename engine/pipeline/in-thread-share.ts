// The share of the frames that the dispatcher's own thread inspects (offline, `--workers N` with
// N ≥ 2: dispatcher.ts `inThread`): the same BatchRunner a worker thread runs, with its own policy
// instance and alerts gated for the merge as in the workers, driven by the same messages, answered
// in place instead of through postMessage and msgpackr.

import { BatchRunner, runnerStats } from './batch-runner.js';
import { buildPolicy, inspectorOptions, type EngineSpec } from './engine-spec.js';
import { emptyRecords, type RecordBuffer } from './record-buffer.js';
import type { ToWorker, WorkerStats } from './worker-protocol.js';

export class InThreadShare {
  private readonly runner: BatchRunner;

  /** `shares`: how many shares the frames are split into (this one included). */
  constructor(spec: EngineSpec, shares: number) {
    const policy = spec.policy === null ? null : buildPolicy(spec.policy);
    this.runner = new BatchRunner(inspectorOptions(spec, policy, shares), true);
  }

  /**
   * A batch (the frames whose shard is `index`), a tick or a policy reload, as a worker handles it;
   * returns the records. A policy that fails to build here leaves the old one (`warn` says so).
   */
  handle(msg: ToWorker, index: number, warn: (msg: string) => void): RecordBuffer {
    const r = this.runner;
    if (msg.t === 'batch') return r.run(msg.data, msg.meta, msg.count, msg.firstFrame, msg.names, msg.shards, index);
    if (msg.t === 'tick') return r.tick(msg.nowUs);
    if (msg.t === 'policy') {
      try {
        r.insp.setPolicy(msg.policy === null ? null : buildPolicy(msg.policy));
      } catch (e) {
        warn(`worker ${index} kept its previous policy: ${(e as Error).message}`);
      }
    }
    return emptyRecords();
  }

  /** End of input: every flow of the share ends; the last records. */
  finish(): RecordBuffer {
    return this.runner.finish();
  }

  stats(): WorkerStats {
    return runnerStats(this.runner);
  }
}
