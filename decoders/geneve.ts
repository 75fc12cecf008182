// Geneve (RFC 8926 §3.4): 8-byte base header, variable options (skipped), then an Ethernet or IP payload.

import { C_GENEVE } from './counters.js';
import {
  EV_GENEVE_INVALID_VERSION, EV_GENEVE_OPT_LEN_TOO_BIG, EV_GENEVE_PKT_TOO_SMALL,
  EV_GENEVE_UNKNOWN_PAYLOAD_TYPE, EV_TOO_MANY_LAYERS,
} from './events.js';
import { decodeEthernet } from './ethernet.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_TEB } from './ethertype.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { TUN_GENEVE, type Packet, type Status } from './packet.js';

export const GENEVE_HEADER_LEN = 8;

/** ver(2) opt_len(6, in 4-byte words) | O C rsvd(6) | protocol type(16) | VNI(24) rsvd(8) | options. */
export function decodeGeneve(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < GENEVE_HEADER_LEN) return pkt.short(EV_GENEVE_PKT_TOO_SMALL);
  const b0 = bytes[offset];
  if (b0 >> 6 !== 0) return pkt.invalid(EV_GENEVE_INVALID_VERSION);
  const hlen = GENEVE_HEADER_LEN + ((b0 & 0x3f) << 2);
  if (hlen > length) return pkt.short(EV_GENEVE_OPT_LEN_TOO_BIG);
  const type = (bytes[offset + 2] << 8) | bytes[offset + 3];
  if (type !== ETHERTYPE_TEB && type !== ETHERTYPE_IPV4 && type !== ETHERTYPE_IPV6) {
    return pkt.invalid(EV_GENEVE_UNKNOWN_PAYLOAD_TYPE);
  }
  const vni = (bytes[offset + 4] << 16) | (bytes[offset + 5] << 8) | bytes[offset + 6];
  if (!pkt.enterTunnel(TUN_GENEVE, vni)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  pkt.counters[C_GENEVE]++;
  const p = offset + hlen;
  const n = length - hlen;
  if (type === ETHERTYPE_TEB) return decodeEthernet(bytes, p, n, pkt);
  if (type === ETHERTYPE_IPV4) return decodeIpv4(bytes, p, n, pkt);
  return decodeIpv6(bytes, p, n, pkt);
}
