// Messages between the dispatcher (main thread) and its worker threads. Frames never travel one
// message per packet: a batch's bytes and metadata table are SharedArrayBuffers that every worker
// reads in place; records come back once per batch, encoded with msgpackr.

import type { EngineSpec } from './engine-spec.js';

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

export type ToWorker = InitMessage | BatchMessage | FinishMessage;

/** Cumulative counters of one worker. */
export interface WorkerStats {
  frames: number;
  alerts: number;
  counters: Float64Array;
  events: Float64Array;
  sections: Record<string, Record<string, unknown>>;
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
}

export interface FinalMessage {
  t: 'final';
  records: Uint8Array;
  stats: WorkerStats;
}

export type FromWorker = ReadyMessage | DoneMessage | FinalMessage;
