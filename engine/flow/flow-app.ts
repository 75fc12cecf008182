// What one flow keeps between packets for the app layer (engine/flow/app-layer.ts): the two TCP
// directions' reassembly and the little TLS/HTTP state that spans messages. Stored in the flow
// table's per-slot `ext`, made on the flow's first TCP payload.

import { TcpDirection } from '../reassembly/tcp-stream.js';

export class FlowApp {
  readonly toServer = new TcpDirection();
  readonly toClient = new TcpDirection();
  /** Client stream offset after the last ClientHello parsed (a second one follows a HelloRetryRequest). */
  tlsResume = 0;
  tlsHellos = 0;
  /** The ServerHello's `"tls":{...}` for the flow record (version, cipher, JA3S, JA4S), or null. */
  serverTls: string | null = null;
  /** HTTP requests parsed on this connection (keep-alive), and the offset of the stream start in the buffer given to consume(). */
  httpRequests = 0;
  streamBase = 0;
}
