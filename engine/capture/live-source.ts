// Live capture sources: the contract shared by the native AF_PACKET ring (native/) and libpcap via
// `cap`. Both hand out the same FrameBatch as the file reader, so decoders, flows and rules are shared.

import type { CaptureInterface, FrameBatch } from './batch.js';

/** Counters a live source reports; cumulative since open. */
export interface LiveSourceStats {
  /** Frames handed out in batches. */
  packets: number;
  /** Bytes (captured) handed out. */
  bytes: number;
  /** Frames the kernel says it received on this socket/handle (PACKET_STATISTICS tp_packets, pcap ps_recv). */
  kernelPackets: number;
  /** Frames the kernel dropped because the ring/buffer was full (tp_drops, ps_drop). */
  kernelDrops: number;
  /** Frames dropped by the interface/driver where known (pcap ps_ifdrop), else 0. */
  ifaceDrops: number;
  /** Frames kwire itself dropped (no free batch to copy into), counted, never silent. */
  batchDrops: number;
  /**
   * false when the backend cannot read the kernel's socket counters (libpcap via cap, which never
   * calls pcap_stats, when the native addon that reads libpcap's socket is not built): kernelPackets
   * then counts frames libpcap delivered and kernelDrops stays 0.
   * Absent or true: both come from the kernel.
   */
  kernelCounters?: boolean;
}

export interface LiveSourceOptions {
  /** Interface names; 'any' is accepted. */
  ifaces: string[];
  /** BPF filter expression (tcpdump syntax), '' for none. */
  bpf: string;
  promiscuous: boolean;
  /** Snap length in bytes (default 65535). */
  snapLen?: number;
}

/**
 * A running capture. `next()` resolves with the next batch (possibly `count === 0` after `waitMs`
 * without traffic, so callers can run timers) or null once closed. Batches follow batch.ts:
 * the consumer owns a batch until it calls `recycle(batch)`. Timestamps are the kernel's receive
 * time. `interfaces[meta[M_IFACE]]` names the interface of each frame.
 */
export interface LiveSource {
  readonly backend: 'native' | 'libpcap';
  readonly interfaces: CaptureInterface[];
  next(waitMs: number): Promise<FrameBatch | null>;
  recycle(batch: FrameBatch): void;
  stats(): LiveSourceStats;
  close(): Promise<void>;
}
