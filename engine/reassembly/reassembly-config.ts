// Limits of TCP reassembly and IP defragmentation, and the counters they keep (stats.tcp, stats.defrag).

export class ReassemblyConfig {
  /** Bytes of each TCP direction reassembled from its start (enough for TLS handshakes and HTTP headers). */
  streamDepth = 32 * 1024;
  /** Out-of-order segments held per direction while waiting for a gap to fill. */
  maxOooSegments = 64;
  /** All reassembly buffers of one thread together (TCP and IP fragments). */
  memcap = 64 * 1024 * 1024;
  /** Fragmented datagrams tracked at once; the oldest is dropped when full (counted). */
  maxFragTrackers = 4096;
  /** Seconds a fragmented datagram may take to complete. */
  fragTimeout = 30;

  constructor(opts: Partial<ReassemblyConfig> = {}) {
    Object.assign(this, opts);
  }
}

/** Memory accounting shared by the reassembly stages of one thread. */
export class ReassemblyMemory {
  used = 0;
  peak = 0;
  /** Allocations refused because the memcap was reached. */
  refused = 0;
  constructor(readonly cap: number) {}

  /** Reserve `n` bytes; false (and counted) past the cap. */
  take(n: number): boolean {
    if (this.used + n > this.cap) {
      this.refused++;
      return false;
    }
    this.used += n;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  give(n: number): void {
    this.used -= n;
  }
}
