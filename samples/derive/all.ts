// Regenerates every derived capture of samples/derived/ from the real sessions in ../shared/pcaps.
// Usage: node --import tsx samples/derive/all.ts [--out DIR]

import { runScript } from './cases.js';
import type { DerivedCase } from './cases.js';
import { FRAGMENT_CASES } from './fragments.js';
import { MIDSTREAM_CASES } from './midstream.js';
import { RECORD_CASES } from './records.js';
import { REORDER_CASES } from './reorder.js';
import { SEGMENT_CASES } from './segments.js';
import { TUNNEL_CASES } from './tunnels.js';

export const ALL_CASES: DerivedCase[] = [
  ...SEGMENT_CASES, ...REORDER_CASES, ...RECORD_CASES, ...FRAGMENT_CASES, ...TUNNEL_CASES, ...MIDSTREAM_CASES,
];

runScript(import.meta.url, ALL_CASES);
