// Bitset candidate narrowing as a rule group does it: intersect the port group's rule set with the
// CIDR group's, then walk the survivors; 10, 1k and 10k rules, about 1% of rules in each set.
// Usage: node --import tsx bench/rules/bitset.bench.ts

import { pathToFileURL } from 'node:url';
import { Bitset } from '../../rules/compile/bitset.js';
import { consume, nsPerOp, printFigures, type Figure } from './measure.js';

export function benchBitset(sizes = [10, 1000, 10000]): Figure[] {
  return sizes.map((n) => {
    const a = new Bitset(n);
    const b = new Bitset(n);
    const work = new Bitset(n);
    for (let i = 0; i < n; i += 7) a.add(i);
    for (let i = 0; i < n; i += 13) b.add(i);
    return nsPerOp(`bitset and + walk, ${n} rules`, 1, () => {
      work.copyFrom(a);
      work.and(b);
      let acc = 0;
      for (let i = work.next(0); i >= 0; i = work.next(i + 1)) acc += i;
      consume(acc);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(benchBitset());
