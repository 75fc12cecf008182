// Entry of a worker thread: builds its Inspector from the EngineSpec, then processes its share of
// every batch and sends the records back (worker-protocol.ts); or, for live native capture with
// PACKET_FANOUT, captures on a socket of its own (worker-capture.ts).

import { parentPort } from 'node:worker_threads';
import { pack } from 'msgpackr';
import { buildPolicy, inspectorOptions, type PolicySpec } from './engine-spec.js';
import { BatchRunner, runnerStats } from './batch-runner.js';
import { emptyRecords, type RecordBuffer } from './record-buffer.js';
import type { CaptureInitMessage, FromWorker, ToWorker } from './worker-protocol.js';
import { FAULT_AT_START } from './fault.js';
import { CaptureLoop } from './worker-capture.js';
import { KwireError } from '../errors.js';

const port = parentPort;
if (port === null) throw new Error('engine/pipeline/worker-main.ts runs only as a worker thread');

let runner: BatchRunner | null = null;
let me = 0;
let fault = -1;
let capture: CaptureLoop | null = null;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

/** msgpackr output copied out of msgpackr's reused buffer into one of its own (transferable). */
function encode(value: unknown): Uint8Array {
  return new Uint8Array(pack(value));
}

const stats = runnerStats;

/**
 * A reload: rebuild the policy and use it from the next frame on. Returns why it failed (the main
 * thread compiled it a moment ago: its files changed since), the old policy staying in force.
 */
function switchPolicy(policy: PolicySpec | null): string | undefined {
  try {
    runner!.insp.setPolicy(policy === null ? null : buildPolicy(policy));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function captured(records: RecordBuffer): void {
  const bytes = encode(records);
  send({ t: 'captured', records: bytes, stats: stats(runner!), capture: capture!.source.stats() }, [bytes.buffer as ArrayBuffer]);
}

function captureFailed(e: unknown): void {
  const err = e as Error;
  send({ t: 'capture-failed', code: e instanceof KwireError ? e.code : 'KWIRE_ERR_CAPTURE_IO', message: err.message });
}

function startCapture(msg: CaptureInitMessage): void {
  me = msg.index;
  const policy = msg.spec.policy === null ? null : buildPolicy(msg.spec.policy);
  runner = new BatchRunner(inspectorOptions(msg.spec, policy, msg.workers));
  try {
    capture = new CaptureLoop(msg, runner, captured);
  } catch (e) {
    captureFailed(e);
    return;
  }
  capture.done.catch(captureFailed);
  send({ t: 'ready' });
}

async function finishCapture(): Promise<void> {
  const c = capture!;
  c.stop();
  await c.done.catch(() => undefined);
  await c.source.close();
  const records = encode(runner!.finish());
  send({ t: 'final', records, stats: stats(runner!), capture: c.source.stats() }, [records.buffer as ArrayBuffer]);
}

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'capture') {
    startCapture(msg);
  } else if (msg.t === 'policy' && capture !== null) {
    send({ t: 'policy-done', error: switchPolicy(msg.policy) });
  } else if (msg.t === 'finish' && capture !== null) {
    void finishCapture();
  } else if (msg.t === 'init') {
    me = msg.index;
    fault = msg.fault;
    if (fault === FAULT_AT_START) throw new Error('fault injected at start (KWIRE_FAULT_INJECT=worker-start)');
    const policy = msg.spec.policy === null ? null : buildPolicy(msg.spec.policy);
    runner = new BatchRunner(inspectorOptions(msg.spec, policy, msg.workers), msg.workers > 1);
    send({ t: 'ready' });
  } else if (msg.t === 'batch') {
    const recs = runner!.run(msg.data, msg.meta, msg.count, msg.firstFrame, msg.names, msg.shards, me, fault);
    const records = encode(recs);
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'tick') {
    const records = encode(runner!.tick(msg.nowUs));
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'policy') {
    const error = switchPolicy(msg.policy);
    const records = encode(emptyRecords());
    send({ t: 'done', seq: msg.seq, records, stats: stats(runner!), error }, [records.buffer as ArrayBuffer]);
  } else if (msg.t === 'finish') {
    const records = encode(runner!.finish());
    send({ t: 'final', records, stats: stats(runner!) }, [records.buffer as ArrayBuffer]);
  }
});
