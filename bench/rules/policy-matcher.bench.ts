// Matcher cost per packet as the policy grows: 10, 1k and 10k rules (a third each: header rules on
// distinct ports, TLS SNI names, DNS query names), plus one rule over a 100k-domain list. Measured
// as the in-process pipeline time with the policy minus the same run without one, on the first
// 200k packets of the generated mix. Target (issue 4): 10k rules cost < 2× 10 rules.
// Usage: node --import tsx bench/rules/policy-matcher.bench.ts [--packets N]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { META_STRIDE } from '../../engine/capture/batch.js';
import type { FrameBatch } from '../../engine/capture/batch.js';
import { DecoderConfig } from '../../decoders/packet.js';
import { FlowConfig } from '../../engine/flow/flow-config.js';
import { Inspector } from '../../engine/pipeline/inspector.js';
import { ReassemblyConfig } from '../../engine/reassembly/reassembly-config.js';
import { loadPolicy } from '../../rules/parse/policy.js';
import { compilePolicy } from '../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { loadBatches } from '../engine/capture/reader.bench.js';
import { BENCH_DIR, generatedMix } from '../inputs.js';

/** Write a policy of `n` rules (and optionally a 100k-domain list rule); returns its path. */
export function writePolicy(n: number, bigList: boolean): string {
  const dir = join(BENCH_DIR, 'policies');
  mkdirSync(dir, { recursive: true });
  const lines = ['version: 1', 'cluster:', '  pod_cidrs: [10.244.0.0/16]', '  service_cidrs: [10.96.0.0/12]', 'rules:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  - name: r${i}`, `    sid: ${1_000_000 + i}`, '    severity: 3', '    category: blocked-destination', '    match:');
    if (i % 3 === 0) lines.push('      protocol: tcp', `      dst_port: ${40000 + (i % 20000)}`);
    else if (i % 3 === 1) lines.push(`      tls.sni: {exact: [host${i}.bench.example]}`);
    else lines.push(`      dns.query: {dotprefix: [zone${i}.bench.example]}`);
  }
  if (bigList) {
    const list = join(dir, 'domains-100k.txt');
    const names: string[] = [];
    for (let i = 0; i < 100_000; i++) names.push(`d${i}.list.bench.example`);
    writeFileSync(list, names.join('\n') + '\n');
    lines.push('  - name: big-list', '    sid: 2000000', '    severity: 2', '    category: exfiltration', '    match:', `      tls.sni: {domains_file: ${list}}`);
  }
  const path = join(dir, `policy-${n}${bigList ? '-100k' : ''}.yaml`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function run(batches: FrameBatch[], policy: PolicyMatcher | null): number {
  const insp = new Inspector({
    decoder: new DecoderConfig(), flow: new FlowConfig(), reassembly: new ReassemblyConfig(),
    events: new Set(['alert']), format: 'eve', alertPorts: null, policy,
  }, () => undefined);
  const t0 = performance.now();
  for (const b of batches) {
    const { data, meta, count, firstFrame } = b;
    for (let i = 0; i < count; i++) {
      const m = i * META_STRIDE;
      insp.frame(data, meta[m], meta[m + 1], meta[m + 2], meta[m + 3], meta[m + 5], meta[m + 6], firstFrame + i, '');
    }
  }
  insp.finish();
  return performance.now() - t0;
}

export interface MatcherCost { rules: number; bigList: boolean; nsPerPacket: number }

/** Best of `rounds` runs per policy size, minus the best run without a policy. */
export async function benchMatcher(packets = 200_000, rounds = 5): Promise<{ rows: MatcherCost[]; packets: number }> {
  const all = await loadBatches(generatedMix(1_000_000));
  const batches: FrameBatch[] = [];
  let n = 0;
  for (const b of all) { if (n >= packets) break; batches.push(b); n += b.count; }
  const best = (p: PolicyMatcher | null): number => Math.min(...Array.from({ length: rounds }, () => run(batches, p)));
  run(batches, null); // warm up the JIT
  const base = best(null);
  const rows: MatcherCost[] = [];
  for (const [size, big] of [[10, false], [1000, false], [10_000, false], [10_000, true]] as const) {
    const policy = loadPolicy(writePolicy(size, big));
    const matcher = new PolicyMatcher(compilePolicy(policy), policy.cluster);
    rows.push({ rules: size, bigList: big, nsPerPacket: Math.max(0, ((best(matcher) - base) * 1e6) / n) });
  }
  return { rows, packets: n };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { packets: { type: 'string', default: '200000' } } });
  const { rows, packets } = await benchMatcher(Number(values.packets));
  console.log(`matcher cost per packet (${packets} packets of the generated mix; pipeline with policy − without)`);
  for (const r of rows) console.log(`${String(r.rules).padStart(6)} rules${r.bigList ? ' + 100k-domain list' : ''}: ${r.nsPerPacket.toFixed(1)} ns/packet`);
  const ratio = rows[2].nsPerPacket / Math.max(rows[0].nsPerPacket, 1);
  console.log(`10k / 10 rules: ${ratio.toFixed(2)}× (target < 2×)`);
  process.exitCode = ratio < 2 ? 0 : 1;
}
