// <Protocol> (<RFC or spec section>): the contract every decoder follows. Copy this file to
// `decoders/<protocol>.ts`, then add the dispatch case (ethertype.ts, ip-proto.ts or udp.ts),
// its events (events.ts, append only), its counter (counters.ts) and test/decoders/<protocol>.test.ts.

import { C_PKTS } from './counters.js'; // use your protocol's counter, e.g. C_VXLAN
import { EV_TOO_MANY_LAYERS } from './events.js'; // use your own events, e.g. EV_X_PKT_TOO_SMALL
import { S_OK, type Packet, type Status } from './packet.js';

export const TEMPLATE_HEADER_LEN = 8;

/**
 * `bytes` is the batch buffer (valid until the next batch on this thread); `offset` is where this
 * header starts; `length` is how many captured bytes belong to this layer and below.
 * 1. Validate once, at the top, in Suricata's order: minimum length, version, header length,
 *    lengths the header claims against what was captured. A header cut by the snap length is
 *    `pkt.short(EV)` (truncation when the frame was cut, else the event); a lie is `pkt.invalid(EV)`.
 * 2. Then read without re-checking: fill fields of `pkt` (numbers and offsets, never copies),
 *    count the protocol, and hand the payload to the next decoder by number (switch, dense table).
 * Never throw, never allocate, never build strings here.
 */
export function decodeTemplate(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < TEMPLATE_HEADER_LEN) return pkt.short(EV_TOO_MANY_LAYERS);
  pkt.counters[C_PKTS] += 0;
  void bytes;
  return S_OK;
}
