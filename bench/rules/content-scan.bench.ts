// Stream content scanning cost per byte: the default policy's stream/payload content rules over
// HTTP-like text delivered in 1448-byte chunks (ContentScanner.chunk, the per-byte hot loop).
// Usage: node --import tsx bench/rules/content-scan.bench.ts

import { join } from 'node:path';
import { loadPolicy } from '../../rules/parse/policy.js';
import { compilePolicy } from '../../rules/compile/compile-policy.js';
import { ContentScanner } from '../../rules/match/content-scan.js';
import type { ContentMatch } from '../../rules/parse/policy-schema.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** ns per byte of ContentScanner.chunk on `mb` MB of text (best of `rounds`). */
export function benchContentScan(mb = 16, rounds = 5): number {
  const p = compilePolicy(loadPolicy(join(ROOT, 'rules', 'default', 'policy.yaml')));
  const rules: [number, ContentMatch[]][] = [];
  p.rules.forEach((r, i) => {
    const c = r.match.content;
    if (c.length > 0 && c.every((x) => x.buffer === 'stream' || x.buffer === 'payload')) rules.push([i, c]);
  });
  const scan = new ContentScanner(rules);
  scan.ensure(2);
  const words = ['GET', '/api/v1/namespaces/default/pods', 'HTTP/1.1', 'Host:', 'kubernetes.default.svc', 'Accept:', 'application/json',
    'Content-Type:', '{"items":[{"metadata":{"name":"web-5d8f","namespace":"default","labels":{"app":"web"}}}]}', 'Authorization:', 'x-request-id:', '0af7651916cd43dd8448eb211c80319c'];
  let text = '';
  let k = 0;
  while (text.length < 1 << 20) text += words[(k++ * 7) % words.length] + (k % 5 === 0 ? '\r\n' : ' ');
  const buf = new TextEncoder().encode(text);
  const sink = { contentHit(): void {} };
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    let rel = 0;
    for (let m = 0; m < mb; m++) {
      scan.reset(1);
      for (let off = 0; off < buf.length; off += 1448) {
        const len = Math.min(1448, buf.length - off);
        scan.chunk(1, buf, off, len, rel, sink);
        rel += len;
      }
    }
    const ns = Number(process.hrtime.bigint() - t0) / (mb * buf.length);
    if (ns < best) best = ns;
  }
  return best;
}

if (process.argv[1]?.endsWith('content-scan.bench.ts')) console.log(`content scan: ${benchContentScan().toFixed(2)} ns/byte`);
