// The ClientHello re-segmented (RFC 9293 section 3.4 sequence numbers): the one segment that carried
// it becomes 2, 3, 5, 8 or 12 segments, or segments cut inside the TLS record and handshake headers.
// Usage: node --import tsx samples/derive/segments.ts [--out DIR]

import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';
import { GAP_NS } from './encode.js';
import { TCP_PSH, helloPacket, renumberClientIds } from './session.js';
import type { Session } from './session.js';

/** A byte range [start, end) of the ClientHello segment's payload. */
export type Range = readonly [number, number];

/**
 * Replaces the ClientHello segment by one segment per range, sent in the order given (ranges may
 * repeat or overlap: retransmissions), 1 µs apart from the original time. Sequence numbers follow
 * the ranges; PSH stays only on segments that end where the original did; the server's ACKs are
 * untouched (the byte stream is the same). Client IPv4 IDs are renumbered from the ClientHello on.
 */
export function sendHelloAs(s: Session, ranges: readonly Range[]): Session {
  const h = helloPacket(s);
  const len = h.payload.length;
  const pieces = ranges.map(([a, b], k) => {
    if (!(a >= 0 && a < b && b <= len)) throw new RangeError(`range [${a}, ${b}) outside the ${len}-byte ClientHello segment`);
    return {
      ...h, tNs: h.tNs + k * GAP_NS, seq: (h.seq + a) >>> 0, payload: h.payload.slice(a, b),
      flags: b === len ? h.flags : h.flags & ~TCP_PSH,
    };
  });
  s.packets.splice(s.hello, 1, ...pieces);
  renumberClientIds(s);
  return s;
}

/** n ranges covering [0, len) in order, sizes differing by at most one byte (larger first). */
export function equalRanges(len: number, n: number): Range[] {
  const out: Range[] = [];
  let a = 0;
  for (let i = 0; i < n; i++) {
    const b = a + Math.floor(len / n) + (i < len % n ? 1 : 0);
    out.push([a, b]);
    a = b;
  }
  return out;
}

/** Ranges from cut offsets: [0, c1), [c1, c2), ..., [ck, len). */
export function cutRanges(len: number, cuts: readonly number[]): Range[] {
  const at = [0, ...cuts, len];
  return at.slice(1).map((b, i) => [at[i]!, b] as const);
}

export const SEGMENT_COUNTS = [2, 3, 5, 8, 12] as const;

function segmentCases(source: SourceKey): DerivedCase[] {
  const out: DerivedCase[] = SEGMENT_COUNTS.map((n) => ({
    file: `${source}-seg${n}.pcap`, source, what: `ClientHello segment re-cut into ${n} equal TCP segments, in order`,
    derive: (s) => ({ session: sendHelloAs(s, equalRanges(helloPacket(s).payload.length, n)), tunnel: null }),
  }));
  out.push({
    file: `${source}-seg-headers.pcap`, source,
    what: 'ClientHello cut at payload bytes 1, 3, 5, 7 and 9: inside the 5-byte record header and the 4-byte handshake header, in order',
    derive: (s) => ({ session: sendHelloAs(s, cutRanges(helloPacket(s).payload.length, [1, 3, 5, 7, 9])), tunnel: null }),
  });
  return out;
}

export const SEGMENT_CASES: DerivedCase[] = [...segmentCases('curl'), ...segmentCases('chrome')];

runScript(import.meta.url, SEGMENT_CASES);
