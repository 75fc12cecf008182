// A worker thread that captures for itself (live native capture with PACKET_FANOUT, fanout.ts):
// its own AF_PACKET socket and ring in the fanout group, inspected by its BatchRunner, idle flows
// ended on its own wall-clock tick, records handed on after every batch and tick.

import { openAfPacket, type AfPacketSource } from '../capture/afpacket.js';
import type { BatchRunner } from './batch-runner.js';
import type { RecordBuffer } from './record-buffer.js';
import type { CaptureInitMessage } from './worker-protocol.js';

/** How long one `next()` waits for traffic before the loop runs its tick anyway. */
const WAIT_MS = 100;

export class CaptureLoop {
  readonly source: AfPacketSource;
  private stopping = false;
  /** Settles when the loop has ended (stop(), or the capture failed: rejects with its error). */
  readonly done: Promise<void>;

  /** Opens the socket (throws KwireError: permissions, interface, filter) and starts capturing. */
  constructor(msg: CaptureInitMessage, private readonly runner: BatchRunner, private readonly emit: (records: RecordBuffer) => void) {
    this.source = openAfPacket({
      ifaces: msg.ifaces, bpf: msg.bpf, promiscuous: msg.promiscuous,
      fanout: { group: msg.group, mode: 'hash', defrag: true },
    });
    this.done = this.loop();
  }

  /** End after the current batch (within WAIT_MS). */
  stop(): void {
    this.stopping = true;
  }

  private async loop(): Promise<void> {
    const src = this.source;
    const runner = this.runner;
    let names = src.interfaces.map((i) => i.name);
    let nextTick = Date.now() + 1000;
    while (!this.stopping) {
      const b = await src.next(WAIT_MS);
      if (b === null) break;
      if (b.count > 0) {
        if (src.interfaces.length !== names.length) names = src.interfaces.map((i) => i.name); // 'any' learns them
        const records = runner.run(b.data, b.meta, b.count, b.firstFrame, names, null, 0);
        src.recycle(b); // records were rendered as they were emitted: nothing points into it
        this.emit(records);
      } else {
        src.recycle(b);
      }
      const now = Date.now();
      if (now >= nextTick) {
        this.emit(runner.tick(now * 1000));
        nextTick = now + 1000;
      }
    }
  }
}
