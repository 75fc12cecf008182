// ClientHello segments out of order and retransmitted (RFC 9293 section 3.10.7.4: the receiver
// queues out-of-order segments and trims duplicate and overlapping bytes).
// Usage: node --import tsx samples/derive/reorder.ts [--out DIR]

import { Rng } from '../generator/prng.js';
import { runScript } from './cases.js';
import type { DerivedCase, SourceKey } from './cases.js';
import { equalRanges, sendHelloAs } from './segments.js';
import type { Range } from './segments.js';
import { helloPacket } from './session.js';
import type { Session } from './session.js';

/** Seed of the fixed permutation: the same eight ranges shuffled the same way on every run. */
export const SHUFFLE_SEED = 'kwire-derive-shuffle';

function ranges(s: Session, n: number): Range[] {
  return equalRanges(helloPacket(s).payload.length, n);
}

function mid(r: Range): number {
  return Math.floor((r[0] + r[1]) / 2);
}

function reorderCases(source: SourceKey): DerivedCase[] {
  return [
    {
      file: `${source}-seg8-reversed.pcap`, source, what: 'ClientHello in 8 segments sent last first (the record header arrives last)',
      derive: (s) => ({ session: sendHelloAs(s, ranges(s, 8).reverse()), tunnel: null }),
      tsharkPrefs: ['-o', 'tcp.reassemble_out_of_order:TRUE'],
    },
    {
      file: `${source}-seg8-shuffled.pcap`, source, what: `ClientHello in 8 segments in a fixed random order (xoshiro128** seed "${SHUFFLE_SEED}")`,
      derive: (s) => ({ session: sendHelloAs(s, new Rng(SHUFFLE_SEED).shuffle(ranges(s, 8))), tunnel: null }),
      tsharkPrefs: ['-o', 'tcp.reassemble_out_of_order:TRUE'],
    },
    {
      file: `${source}-seg5-duplicates.pcap`, source, what: 'ClientHello in 5 segments with duplicates: 1 2 2 3 1 4 5 5',
      derive: (s) => {
        const [a, b, c, d, e] = ranges(s, 5) as [Range, Range, Range, Range, Range];
        return { session: sendHelloAs(s, [a, b, b, c, a, d, e, e]), tunnel: null };
      },
    },
    {
      file: `${source}-seg5-retrans-overlap.pcap`, source,
      what: 'ClientHello in 5 segments, then a retransmission of the second half of segment 2 and the first half of 3, then 4 and 5',
      derive: (s) => {
        const [a, b, c, d, e] = ranges(s, 5) as [Range, Range, Range, Range, Range];
        return { session: sendHelloAs(s, [a, b, c, [mid(b), mid(c)], d, e]), tunnel: null };
      },
    },
    {
      file: `${source}-seg5-hole-overlap.pcap`, source,
      what: 'ClientHello in 5 segments, segment 2 late: 1 3, a retransmission overlapping the hole and half of 3, then 2 4 5',
      derive: (s) => {
        const [a, b, c, d, e] = ranges(s, 5) as [Range, Range, Range, Range, Range];
        return { session: sendHelloAs(s, [a, c, [mid(b), mid(c)], b, d, e]), tunnel: null };
      },
    },
  ];
}

export const REORDER_CASES: DerivedCase[] = [...reorderCases('curl'), ...reorderCases('chrome')];

runScript(import.meta.url, REORDER_CASES);
