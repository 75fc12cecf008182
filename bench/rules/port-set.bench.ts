// PortSet.has (a 65,536-bit bitset) with specs of 10, 1k and 10k items; 4096 ports per call.
// Usage: node --import tsx bench/rules/port-set.bench.ts

import { pathToFileURL } from 'node:url';
import { parsePortSet } from '../../rules/compile/port-set.js';
import { consume, nsPerOp, printFigures, type Figure } from './measure.js';

export function benchPorts(sizes = [10, 1000, 10000]): Figure[] {
  const ports = new Uint16Array(4096);
  for (let i = 0; i < ports.length; i++) ports[i] = (i * 40503) & 0xffff;
  return sizes.map((n) => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(i % 10 === 9 ? `!${(i * 977) & 0xffff}` : String((i * 6151) & 0xffff));
    const set = parsePortSet(items.join(','));
    return nsPerOp(`port set has, ${n} items`, ports.length, () => {
      let acc = 0;
      for (let i = 0; i < ports.length; i++) if (set.has(ports[i])) acc++;
      consume(acc);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(benchPorts());
