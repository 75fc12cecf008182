// AhoCorasick.scan over 1,460-byte HTTP-like payloads with 10, 1k and 10k patterns (half nocase);
// reports ns per payload and ns per byte.
// Usage: node --import tsx bench/rules/aho-corasick.bench.ts

import { pathToFileURL } from 'node:url';
import { AhoCorasick } from '../../rules/compile/aho-corasick.js';
import { consume, nsPerOp, printFigures, type Figure } from './measure.js';

const PAYLOAD = 1460;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

export function buildAcCase(n: number): { ac: AhoCorasick; bytes: Uint8Array; payloads: number } {
  const r = lcg(n);
  const ac = new AhoCorasick(4096);
  const words = ['token', 'secret', 'AKIA', 'passwd', 'Authorization', '/latest/meta-data/', 'BEGIN', 'xmrig', 'stratum+tcp'];
  for (let i = 0; i < n; i++) {
    const len = 6 + (r() % 14);
    let s = words[i % words.length];
    while (s.length < len) s += String.fromCharCode(97 + (r() % 26));
    ac.add(s, i % 2 === 0);
  }
  ac.compile();
  const payloads = 64;
  const head = 'GET /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: kubernetes.default.svc\r\nUser-Agent: kubectl/v1.30\r\nAccept: application/json\r\n';
  const bytes = new Uint8Array(PAYLOAD * payloads);
  for (let p = 0; p < payloads; p++) {
    for (let k = 0; k < PAYLOAD; k++) bytes[p * PAYLOAD + k] = k < head.length ? head.charCodeAt(k) : 32 + (r() % 95);
  }
  return { ac, bytes, payloads };
}

export function benchAc(sizes = [10, 1000, 10000]): Figure[] {
  const rows: Figure[] = [];
  for (const n of sizes) {
    const c = buildAcCase(n);
    const f = nsPerOp(`aho-corasick scan 1460 B, ${n} patterns (${c.ac.states} states)`, c.payloads, () => {
      let acc = 0;
      for (let p = 0; p < c.payloads; p++) acc += c.ac.scan(c.bytes, p * PAYLOAD, PAYLOAD);
      consume(acc);
    });
    rows.push(f, { name: `  = per byte`, nsPerOp: f.nsPerOp / PAYLOAD, rme: f.rme });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(benchAc());
