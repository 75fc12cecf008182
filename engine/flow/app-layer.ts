// The app-layer stage of a flow: picks the protocol parsers for each direction, feeds them
// reassembled TCP bytes or UDP payloads, and emits tls/quic/dns/http records.

import type { Packet } from '../../decoders/packet.js';
import type { RecordOrigin } from '../output/eve-common.js';
import type { ReassemblyConfig, ReassemblyMemory } from '../reassembly/reassembly-config.js';
import type { StreamStats } from '../reassembly/tcp-stream.js';
import type { FlowTable } from './flow-table.js';
import type { Emit } from '../pipeline/inspector.js';

export const APP_PROTO_NAMES = ['', 'tls', 'quic', 'dns', 'http', 'failed'] as const;

export class AppLayer {
  constructor(
    readonly events: ReadonlySet<string>,
    readonly eve: boolean,
    readonly cfg: ReassemblyConfig,
    readonly mem: ReassemblyMemory,
    readonly streamStats: StreamStats,
    readonly emit: Emit,
  ) {}

  /** A packet of flow `slot` going `dir` (TO_SERVER/TO_CLIENT). */
  packet(pkt: Packet, flows: FlowTable, slot: number, dir: number, origin: RecordOrigin): void {
    void pkt; void flows; void slot; void dir; void origin;
  }

  /** stats.app_layer: records per protocol and app-layer events. */
  stats(): Record<string, unknown> {
    return {};
  }

  /** The flow ends: release its app state; returns its app_proto name for the flow record. */
  flowEnded(flows: FlowTable, slot: number): string {
    return APP_PROTO_NAMES[flows.appProto[slot]];
  }
}
