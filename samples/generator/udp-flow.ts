// A UDP exchange (DNS lookups, for instance): a fixed script of datagrams with their capture times,
// sent over one pair of directions.

import type { Flow } from './flow.js';
import { writeUdpFrame } from './frame.js';
import type { Leg } from './leg.js';
import type { Payload } from './payload.js';

export interface Datagram {
  /** 0: client to server, 1: server to client. */
  dir: number;
  /** Capture time, ns since the epoch; non-decreasing along the script. */
  at: number;
  /** The message (shared between uses). */
  data: Payload;
  /** Overrides the first two bytes of `data` when >= 0 (the DNS ID of this use of a cached message). */
  first16: number;
}

export class UdpFlow implements Flow {
  at: number;
  order = 0;
  readonly tag: number;
  private readonly toServer: Leg;
  private readonly toClient: Leg;
  private readonly script: Datagram[];
  private i = 0;

  constructor(toServer: Leg, toClient: Leg, script: Datagram[], tag: number) {
    this.toServer = toServer;
    this.toClient = toClient;
    this.script = script;
    this.tag = tag;
    this.at = script.length > 0 ? script[0]!.at : Infinity;
  }

  step(b: Uint8Array, pos: number, now: number): number {
    const d = this.script[this.i++]!;
    const len = writeUdpFrame(b, pos, d.dir === 0 ? this.toServer : this.toClient, d.data, d.first16);
    const next = this.script[this.i];
    this.at = next === undefined ? Infinity : Math.max(now, next.at);
    return len;
  }
}
