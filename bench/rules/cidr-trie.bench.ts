// CidrSet lookups (longest prefix and any-match) with 10, 1k and 10k prefixes, IPv4 and IPv6,
// on addresses packed in one buffer as headers sit in a batch; half hit, half miss.
// Usage: node --import tsx bench/rules/cidr-trie.bench.ts

import { pathToFileURL } from 'node:url';
import { CidrSet } from '../../rules/compile/cidr-trie.js';
import { consume, nsPerOp, printFigures, type Figure } from './measure.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** A set of `n` random prefixes (/8../32 or /16../128) and 4096 query addresses, half inside. */
export function buildCidrCase(n: number, v: 4 | 6): { set: CidrSet; addrs: Uint8Array; count: number; width: number } {
  const r = lcg(n * 7 + v);
  const width = v === 4 ? 4 : 16;
  const set = new CidrSet();
  const nets: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = new Uint8Array(width);
    for (let k = 0; k < width; k++) a[k] = r() & 255;
    if (v === 6) a[0] = 0x20;
    const p = v === 4 ? 8 + (r() % 25) : 16 + (r() % 113);
    set.insertBytes(a, p, v, i);
    nets.push(a);
  }
  const count = 4096;
  const addrs = new Uint8Array(count * width);
  for (let q = 0; q < count; q++) {
    const a = q % 2 === 0 ? nets[r() % n] : null;
    for (let k = 0; k < width; k++) addrs[q * width + k] = a !== null && k < width - 2 ? a[k] : r() & 255;
  }
  return { set, addrs, count, width };
}

export function benchCidr(sizes = [10, 1000, 10000]): Figure[] {
  const rows: Figure[] = [];
  for (const v of [4, 6] as const) {
    for (const n of sizes) {
      const c = buildCidrCase(n, v);
      rows.push(nsPerOp(`cidr lookup IPv${v}, ${n} prefixes`, c.count, () => {
        let acc = 0;
        for (let q = 0; q < c.count; q++) acc += c.set.lookup(c.addrs, q * c.width, v);
        consume(acc);
      }));
      rows.push(nsPerOp(`cidr contains IPv${v}, ${n} prefixes`, c.count, () => {
        let acc = 0;
        for (let q = 0; q < c.count; q++) if (c.set.contains(c.addrs, q * c.width, v)) acc++;
        consume(acc);
      }));
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(benchCidr());
