// Port specs as sorted ranges: membership equals the 65,536-entry map the spec describes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inPortRanges, portRanges } from '../../../rules/match/header-match.js';
import { int, rng } from '../../helpers/rng.js';

test('portRanges: include/exclude/any folded into disjoint ranges; inPortRanges agrees with the map', () => {
  const r = rng(5);
  assert.is(portRanges({ any: true, include: [], exclude: [] }), null);
  assert.equal([...portRanges({ any: true, include: [], exclude: [{ lo: 53, hi: 53 }, { lo: 443, hi: 443 }] })!], [0, 52, 54, 442, 444, 65535]);
  for (let round = 0; round < 200; round++) {
    const rand = () => { const lo = int(r, 65536); return { lo, hi: Math.min(65535, lo + int(r, 3) * int(r, 2000)) }; };
    const spec = { any: int(r, 4) === 0, include: Array.from({ length: int(r, 4) }, rand), exclude: Array.from({ length: int(r, 3) }, rand) };
    const map = new Uint8Array(65536).fill(spec.any ? 1 : 0);
    for (const x of spec.include) map.fill(1, x.lo, x.hi + 1);
    for (const x of spec.exclude) map.fill(0, x.lo, x.hi + 1);
    const ranges = portRanges(spec);
    if (ranges === null) { assert.ok(spec.any && spec.exclude.length === 0); continue; }
    for (let k = 2; k < ranges.length; k += 2) assert.ok(ranges[k] > ranges[k - 1] + 1, 'sorted, disjoint, not adjacent');
    for (let p = 0; p < 65536; p += 1 + int(r, 50)) assert.is(inPortRanges(ranges, p), map[p] === 1, `round ${round} port ${p}`);
  }
});

test.run();
