// Messages between the dispatcher (main thread) and its worker threads. Frames never travel one
// message per packet: a batch's bytes and metadata table are SharedArrayBuffers that every worker
// reads in place; records come back once per batch, encoded with msgpackr.

import type { EngineSpec, PolicySpec } from './engine-spec.js';
import type { LiveSourceStats } from '../capture/live-source.js';

export interface InitMessage {
  t: 'init';
  spec: EngineSpec;
  /** This worker's index and the number of workers (flow table and memcap are split). */
  index: number;
  workers: number;
  /** Throw when processing this pcap_cnt (fault injection, KWIRE_FAULT_INJECT); -1 = never. */
  fault: number;
}

export interface BatchMessage {
  t: 'batch';
  seq: number;
  data: Uint8Array;
  meta: Uint32Array;
  count: number;
  firstFrame: number;
  /** Worker index of each frame (shared by all workers). */
  shards: Uint8Array;
  /** Interface names by M_IFACE index. */
  names: string[];
}

export interface FinishMessage {
  t: 'finish';
}

/**
 * Live capture, once a second on the wall clock: end the flows idle past their timeout at `nowUs`
 * even when no batch arrives. Answered with a DoneMessage of the same `seq` (a place in the
 * stream like a batch's: its records are merged in order).
 */
export interface TickMessage {
  t: 'tick';
  seq: number;
  nowUs: number;
}

/**
 * A policy reload (SIGHUP) at this place in the stream: rebuild the policy from `policy` and use
 * it from the next batch on (Inspector.setPolicy). Answered with a DoneMessage of the same `seq`;
 * `error` is set when the rebuild failed here (the worker keeps its previous policy).
 */
export interface PolicyMessage {
  t: 'policy';
  seq: number;
  policy: PolicySpec | null;
}

/**
 * Live native capture with PACKET_FANOUT (fanout.ts): instead of batches from the main thread, the
 * worker opens its own AF_PACKET socket and ring in fanout `group` on `ifaces`, inspects what the
 * kernel hands it, ticks on its own wall clock, and sends CapturedMessages. A PolicyMessage is then
 * answered by a PolicyDoneMessage (its `seq` unused), `finish` ends the capture and the flows.
 */
export interface CaptureInitMessage {
  t: 'capture';
  spec: EngineSpec;
  index: number;
  workers: number;
  ifaces: string[];
  bpf: string;
  promiscuous: boolean;
  group: number;
}

export type ToWorker = InitMessage | BatchMessage | FinishMessage | TickMessage | PolicyMessage | CaptureInitMessage;

/** Cumulative counters of one worker. */
export interface WorkerStats {
  frames: number;
  alerts: number;
  counters: Float64Array;
  events: Float64Array;
  sections: Record<string, Record<string, unknown>>;
  /** Flows this worker's table holds at most. */
  flowCapacity: number;
}

export interface ReadyMessage {
  t: 'ready';
}

export interface DoneMessage {
  t: 'done';
  seq: number;
  /** msgpackr-encoded RecordBuffer. */
  records: Uint8Array;
  /** Counters so far: kept by the dispatcher, so a worker that crashes later still counts. */
  stats: WorkerStats;
  /** A PolicyMessage that failed in this worker: why (file:line:column). */
  error?: string;
}

export interface FinalMessage {
  t: 'final';
  records: Uint8Array;
  stats: WorkerStats;
  /** A capturing worker's socket counters at the end. */
  capture?: LiveSourceStats;
}

/** A capturing worker's records of one batch or tick, its counters and its socket's. */
export interface CapturedMessage {
  t: 'captured';
  records: Uint8Array;
  stats: WorkerStats;
  capture: LiveSourceStats;
}

/** A capturing worker switched policy: every record it sends from now on is of the new one. */
export interface PolicyDoneMessage {
  t: 'policy-done';
  error?: string;
}

/** A capturing worker could not open its socket (KwireError code and message), or its capture failed. */
export interface CaptureFailedMessage {
  t: 'capture-failed';
  code: string;
  message: string;
}

export type FromWorker = ReadyMessage | DoneMessage | FinalMessage | CapturedMessage | PolicyDoneMessage | CaptureFailedMessage;
