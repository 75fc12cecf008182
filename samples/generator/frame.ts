// Frame assembly on the hot path: template copy, L4 header, payload, then lengths and checksums from
// the inside out (inner L4, inner IP, outer IPv4, outer UDP), each checksum computed exactly once.

import { checksum, sum16 } from './checksum.js';
import { ETH_HLEN } from './ethernet.js';
import { finishIpv4 } from './ipv4.js';
import { finishIpv6 } from './ipv6.js';
import { OUTER_UDP } from './leg.js';
import type { Leg } from './leg.js';
import type { Payload } from './payload.js';
import { writeTcpHeader } from './tcp.js';
import { UDP_HLEN, putUdpChecksum, writeUdpHeader } from './udp.js';

/**
 * Writes one TCP frame at b[pos..] and returns its length. `b` must have room for the template,
 * a 40-byte TCP header and `plen` payload bytes.
 */
export function writeTcpFrame(
  b: Uint8Array, pos: number, leg: Leg, seq: number, ack: number, flags: number, win: number,
  opt: number, tsval: number, tsecr: number, payload: Payload | null, poff: number, plen: number,
  patch: Uint8Array | null = null, patchAt = 0,
): number {
  copyTemplate(b, pos, leg.tpl);
  const l4 = pos + leg.l4;
  const hl = writeTcpHeader(b, l4, leg.sport, leg.dport, seq, ack, flags, win, opt, tsval, tsecr, leg.mss, leg.wscale);
  const psum = plen > 0 && payload !== null ? payload.copyOut(b, l4 + hl, poff, plen, patch, patchAt) : 0;
  const segLen = hl + plen;
  const c = checksum(leg.pseudo + segLen + sum16(b, l4, hl) + psum);
  b[l4 + 16] = c >>> 8;
  b[l4 + 17] = c & 0xff;
  return finishFrame(b, pos, leg, segLen, hl, psum);
}

/**
 * Writes one UDP frame carrying `data` at b[pos..] and returns its length; `first16` >= 0 replaces
 * the first two data bytes (a DNS transaction ID on a shared message).
 */
export function writeUdpFrame(b: Uint8Array, pos: number, leg: Leg, data: Payload, first16 = -1): number {
  copyTemplate(b, pos, leg.tpl);
  const l4 = pos + leg.l4;
  const d = l4 + UDP_HLEN;
  const len = UDP_HLEN + data.size;
  writeUdpHeader(b, l4, leg.sport, leg.dport, len);
  let psum = data.copyOut(b, d, 0, data.size);
  if (first16 >= 0 && data.size >= 2) {
    psum += first16 - ((b[d]! << 8) | b[d + 1]!);
    b[d] = first16 >>> 8;
    b[d + 1] = first16 & 0xff;
  }
  putUdpChecksum(b, l4, leg.pseudo + len + sum16(b, l4, UDP_HLEN) + psum);
  return finishFrame(b, pos, leg, len, UDP_HLEN, psum);
}

/** Inner IP length and checksum, then the underlay headers when tunnelled; returns the frame length. */
function finishFrame(b: Uint8Array, pos: number, leg: Leg, l4Len: number, l4HdrLen: number, psum: number): number {
  const l3 = pos + leg.l3;
  if (leg.v6) {
    finishIpv6(b, l3, l4Len);
  } else {
    finishIpv4(b, l3, leg.l4 - leg.l3 + l4Len, leg.ipId, leg.ipBase);
    leg.ipId = (leg.ipId + 1) & 0xffff;
  }
  const frameLen = leg.l4 + l4Len;
  if (!leg.tunnelled) return frameLen;
  finishIpv4(b, pos + ETH_HLEN, frameLen - ETH_HLEN, leg.outerId, leg.outerBase);
  leg.outerId = (leg.outerId + 1) & 0xffff;
  const udp = pos + OUTER_UDP;
  const udpLen = frameLen - OUTER_UDP;
  b[udp + 4] = udpLen >>> 8;
  b[udp + 5] = udpLen & 0xff;
  // Everything from the outer UDP header to the inner payload is header bytes already in place;
  // the inner payload starts at an even distance from the outer UDP header, so psum is reusable.
  const hdrBytes = leg.l4 + l4HdrLen - OUTER_UDP;
  putUdpChecksum(b, udp, leg.outerPseudo + udpLen + sum16(b, udp, hdrBytes) + psum);
  return frameLen;
}

function copyTemplate(b: Uint8Array, pos: number, tpl: Uint8Array): void {
  b.set(tpl, pos);
}
