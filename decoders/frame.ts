// Entry point of decoding: one captured frame, dispatched on its link type down to the innermost
// transport header.

import { C_BYTES, C_INVALID, C_MAX_PKT_SIZE, C_PKTS, C_UNDECODED } from './counters.js';
import { decodeEthernet } from './ethernet.js';
import * as LT from './link-types.js';
import { decodeNullLoopback } from './null-loopback.js';
import { S_INVALID, S_UNSUPPORTED, type Packet, type Status } from './packet.js';
import { decodeRawIp } from './raw-ip.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';

/**
 * Decode the frame `pkt.reset()` was pointed at. Unknown link types are counted as
 * `decoder.undecoded` and return S_UNSUPPORTED; malformed frames count `decoder.invalid`.
 */
export function decodeFrame(pkt: Packet): Status {
  const b = pkt.bytes;
  const off = pkt.frameOffset;
  const len = pkt.capLen;
  const c = pkt.counters;
  c[C_PKTS]++;
  c[C_BYTES] += len;
  if (len > c[C_MAX_PKT_SIZE]) c[C_MAX_PKT_SIZE] = len;
  let s: Status;
  switch (pkt.linkType) {
    case LT.LINKTYPE_ETHERNET: s = decodeEthernet(b, off, len, pkt); break;
    case LT.LINKTYPE_LINUX_SLL: s = decodeSll(b, off, len, pkt); break;
    case LT.LINKTYPE_LINUX_SLL2: s = decodeSll2(b, off, len, pkt); break;
    case LT.LINKTYPE_RAW: case LT.DLT_RAW_12: case LT.DLT_RAW_14:
    case LT.LINKTYPE_IPV4: case LT.LINKTYPE_IPV6:
      s = decodeRawIp(b, off, len, pkt); break;
    case LT.LINKTYPE_NULL: s = decodeNullLoopback(b, off, len, pkt, false); break;
    case LT.LINKTYPE_LOOP: s = decodeNullLoopback(b, off, len, pkt, true); break;
    default:
      c[C_UNDECODED]++;
      return S_UNSUPPORTED;
  }
  if (s === S_INVALID) c[C_INVALID]++;
  return s;
}
