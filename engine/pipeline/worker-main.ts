// Entry of a worker thread: builds its Inspector from the EngineSpec, then processes its share of
// every batch and sends the records back (worker-protocol.ts).

import { parentPort } from 'node:worker_threads';
import { pack } from 'msgpackr';
import { buildPolicy, inspectorOptions } from './engine-spec.js';
import { BatchRunner } from './batch-runner.js';
import { emptyRecords } from './record-buffer.js';
import type { FromWorker, ToWorker, WorkerStats } from './worker-protocol.js';
import { FAULT_AT_START } from './fault.js';

const port = parentPort;
if (port === null) throw new Error('engine/pipeline/worker-main.ts runs only as a worker thread');

let runner: BatchRunner | null = null;
let me = 0;
let fault = -1;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

/** msgpackr output copied out of msgpackr's reused buffer into one of its own (transferable). */
function encode(value: unknown): Uint8Array {
  return new Uint8Array(pack(value));
}

function stats(r: BatchRunner): WorkerStats {
  return {
    frames: r.frames,
    alerts: r.insp.alerts,
    counters: r.insp.pkt.counters,
    events: r.insp.pkt.events,
    sections: r.insp.statsSections(),
    flowCapacity: r.insp.flows.capacity,
  };
}

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'init') {
    me = msg.index;
    fault = msg.fault;
    if (fault === FAULT_AT_START) throw new Error('fault injected at start (KWIRE_FAULT_INJECT=worker-start)');
    const policy = msg.spec.policy === null ? null : buildPolicy(msg.spec.policy);
    runner = new BatchRunner(inspectorOptions(msg.spec, policy, msg.workers));
    send({ t: 'ready' });
  } else if (msg.t === 'batch') {
    const recs = runner!.run(msg.data, msg.meta, msg.count, msg.firstFrame, msg.names, msg.shards, me, fault);
    const records = encode(recs);
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'tick') {
    const records = encode(runner!.tick(msg.nowUs));
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'policy') {
    let error: string | undefined;
    try {
      runner!.insp.setPolicy(msg.policy === null ? null : buildPolicy(msg.policy));
    } catch (e) {
      error = (e as Error).message; // the main thread compiled it a moment ago: the files changed since
    }
    const records = encode(emptyRecords());
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!), error }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'finish') {
    const records = encode(runner!.finish());
    send({ t: 'final', records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  }
});
