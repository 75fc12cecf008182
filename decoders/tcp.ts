// TCP header (RFC 9293 §3.1): ports, sequence numbers, flags, window; options validated for length.

import { C_TCP } from './counters.js';
import { EV_TCP_HLEN_TOO_SMALL, EV_TCP_INVALID_OPTLEN, EV_TCP_PKT_TOO_SMALL } from './events.js';
import { S_OK, type Packet, type Status } from './packet.js';

export const TCP_HEADER_LEN = 20;
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

/** `length` runs to the end of the IP payload; the TCP payload is what follows the data offset. */
export function decodeTcp(bytes: Uint8Array, offset: number, length: number, pkt: Packet): Status {
  if (length < TCP_HEADER_LEN) return pkt.short(EV_TCP_PKT_TOO_SMALL);
  const hlen = (bytes[offset + 12] >> 4) << 2;
  if (hlen < TCP_HEADER_LEN) return pkt.invalid(EV_TCP_HLEN_TOO_SMALL);
  if (length < hlen) return pkt.short(EV_TCP_PKT_TOO_SMALL);

  pkt.counters[C_TCP]++;
  pkt.l4Offset = offset;
  pkt.l4Length = length;
  pkt.srcPort = (bytes[offset] << 8) | bytes[offset + 1];
  pkt.dstPort = (bytes[offset + 2] << 8) | bytes[offset + 3];
  pkt.tcpSeq = ((bytes[offset + 4] << 24) | (bytes[offset + 5] << 16) | (bytes[offset + 6] << 8) | bytes[offset + 7]) >>> 0;
  pkt.tcpAck = ((bytes[offset + 8] << 24) | (bytes[offset + 9] << 16) | (bytes[offset + 10] << 8) | bytes[offset + 11]) >>> 0;
  pkt.tcpFlags = bytes[offset + 13];
  pkt.tcpWindow = (bytes[offset + 14] << 8) | bytes[offset + 15];
  pkt.payloadOffset = offset + hlen;
  pkt.payloadLength = length - hlen;
  if (hlen > TCP_HEADER_LEN) checkOptions(bytes, offset + TCP_HEADER_LEN, offset + hlen, pkt);
  return S_OK;
}

/** EOL, NOP, then kind-length-value; a length below 2 or past the header is `tcp.invalid_optlen`. */
function checkOptions(bytes: Uint8Array, p: number, end: number, pkt: Packet): void {
  while (p < end) {
    const kind = bytes[p];
    if (kind === 0) return;
    if (kind === 1) { p++; continue; }
    if (p + 1 >= end) { pkt.invalid(EV_TCP_INVALID_OPTLEN); return; }
    const len = bytes[p + 1];
    if (len < 2 || p + len > end) { pkt.invalid(EV_TCP_INVALID_OPTLEN); return; }
    p += len;
  }
}
