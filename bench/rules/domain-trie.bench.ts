// DomainTrie.match on names packed in one buffer (as SNIs sit in hello records) with 10, 1k, 10k
// and 100k patterns (half exact, half dot-prefix suffix); queries: a third exact hits, a third
// subdomain hits, a third misses. Also the load time of a 100k-line list.
// Usage: node --import tsx bench/rules/domain-trie.bench.ts

import { pathToFileURL } from 'node:url';
import { DomainTrie, parseDomainList } from '../../rules/compile/domain-trie.js';
import { consume, nsPerOp, printFigures, type Figure } from './measure.js';

const TLDS = ['com', 'net', 'io', 'org', 'co.uk', 'dev'];

function domain(i: number): string {
  return `svc${(i * 2654435761 >>> 0).toString(36)}.${TLDS[i % TLDS.length]}`;
}

export function buildDomainCase(n: number): { trie: DomainTrie; bytes: Uint8Array; spans: Uint32Array; count: number; listText: string } {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(i % 2 === 0 ? domain(i) : `.${domain(i)}`);
  const listText = lines.join('\n');
  const trie = parseDomainList(listText, 'bench', 1);
  const count = 4096;
  const names: string[] = [];
  for (let q = 0; q < count; q++) {
    const i = (q * 7919) % n;
    names.push(q % 3 === 0 ? domain(i) : q % 3 === 1 ? `api.v2.${domain(i | 1)}` : `www.unlisted-${q}.example.com`);
  }
  const buf = Buffer.from(names.join(''), 'latin1');
  const spans = new Uint32Array(count * 2);
  let o = 0;
  names.forEach((s, k) => { spans[2 * k] = o; spans[2 * k + 1] = s.length; o += s.length; });
  return { trie, bytes: new Uint8Array(buf), spans, count, listText };
}

export function benchDomains(sizes = [10, 1000, 10000, 100000]): Figure[] {
  const rows: Figure[] = [];
  for (const n of sizes) {
    const c = buildDomainCase(n);
    rows.push(nsPerOp(`domain match, ${n} patterns`, c.count, () => {
      let acc = 0;
      for (let q = 0; q < c.count; q++) acc += c.trie.match(c.bytes, c.spans[2 * q], c.spans[2 * q + 1]);
      consume(acc);
    }));
    if (n === sizes[sizes.length - 1]) {
      const t0 = process.hrtime.bigint();
      const t = parseDomainList(c.listText, 'bench', 1, new DomainTrie());
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      consume(t.size);
      rows.push({ name: `domain list load, ${n} lines (ns per line; ${ms.toFixed(0)} ms)`, nsPerOp: (ms * 1e6) / n, rme: 0 });
    }
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(benchDomains());
