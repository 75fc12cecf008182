// Teredo (RFC 4380 §5.1.1): IPv6 in UDP (port 3544), after optional authentication and origin
// indication headers. Like Suricata, a payload that is not a well-formed IPv6 packet stays plain UDP.

import { C_TEREDO } from './counters.js';
import { EV_TOO_MANY_LAYERS } from './events.js';
import { decodeIpv6 } from './ipv6.js';
import { S_OK, TUN_TEREDO, type Packet, type Status } from './packet.js';

export function decodeTeredo(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  let p = offset;
  const end = offset + length;
  // Authentication indicator: 0x0001, id-len, au-len, client id, auth value, nonce(8), confirmation(1).
  if (p + 4 <= end && bytes[p] === 0 && bytes[p + 1] === 1) p += 4 + bytes[p + 2] + bytes[p + 3] + 9;
  // Origin indication: 0x0000, port(2), address(4).
  if (p + 8 <= end && bytes[p] === 0 && bytes[p + 1] === 0) p += 8;
  if (p + 40 > end || bytes[p] >> 4 !== 6) return S_OK;
  const plen = (bytes[p + 4] << 8) | bytes[p + 5];
  // Bubbles carry a 0-length payload and may be padded; a longer claim is only fine if snap-cut.
  if (p + 40 + plen > end && pkt.capLen >= pkt.origLen) return S_OK;
  if (!pkt.enterTunnel(TUN_TEREDO, -1)) return pkt.invalid(EV_TOO_MANY_LAYERS);
  pkt.counters[C_TEREDO]++;
  return decodeIpv6(bytes, p, end - p, pkt);
}
