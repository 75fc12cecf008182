// Flow-table settings: size bound and timeouts per protocol and state (seconds), Suricata's defaults.

export interface FlowTimeouts {
  /** Before the flow is established (TCP: no SYN-ACK + ACK yet; UDP/other: one direction only). */
  new: number;
  established: number;
  /** TCP after FIN from both sides or RST. */
  closed: number;
}

export class FlowConfig {
  /** Flows tracked at once; when full, the least recently seen flow is evicted (counted). */
  maxFlows = 65_536;
  tcp: FlowTimeouts = { new: 60, established: 600, closed: 60 };
  udp: FlowTimeouts = { new: 30, established: 300, closed: 30 };
  other: FlowTimeouts = { new: 30, established: 300, closed: 30 };
  /** Seed of the flow hash (flow_id and table buckets). */
  hashSeed = 0;

  constructor(opts: Partial<Pick<FlowConfig, 'maxFlows' | 'tcp' | 'udp' | 'other' | 'hashSeed'>> = {}) {
    Object.assign(this, opts);
  }

  /** Shortest timeout of all: flows seen more recently than this can never be due. */
  minTimeout(): number {
    return Math.min(this.tcp.new, this.tcp.established, this.tcp.closed, this.udp.new, this.udp.established,
      this.udp.closed, this.other.new, this.other.established, this.other.closed);
  }
}
