// The JIT warm-up curve of one inspecting thread: `--workers 0` in-process, batch by batch, printing
// nanoseconds per packet for each group of batches. `--passes 2` inspects the file again with a
// fresh inspector (new flow table, new state) in the same process: the second pass has the same
// data but code V8 has already optimized, so the difference between the passes is the warm-up.
// Usage: node dist/bench/end-to-end/warm-up.js FILE [--policy P] [--group N] [--passes N] [inspect engine flags]
//    or: node --import tsx bench/end-to-end/warm-up.ts FILE ...

import { parseArgs } from 'node:util';
import { openCapture } from '../../engine/capture/open.js';
import { ENGINE_FLAGS, engineSpec } from '../../engine/cli/engine-flags.js';
import { BatchRunner } from '../../engine/pipeline/batch-runner.js';
import { buildPolicy, inspectorOptions, type EngineSpec } from '../../engine/pipeline/engine-spec.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';

const startedMs = performance.now();
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ...ENGINE_FLAGS, group: { type: 'string', default: '10' }, passes: { type: 'string', default: '1' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: warm-up FILE [--policy P] [--group BATCHES] [--passes N] [kwire inspect engine flags]\n');
  process.exit(2);
}
const parsed = engineSpec(values, 'eve');
if (typeof parsed === 'string') {
  process.stderr.write(`${parsed}\n`);
  process.exit(2);
}
const group = Math.max(1, Number(values.group));
const spec = parsed.spec;
console.log(`start-up to the first pass (kwire's modules loaded): ${(performance.now() - startedMs).toFixed(0)} ms`);
for (let pass = 1; pass <= Math.max(1, Number(values.passes)); pass++) await inspectOnce(pass, spec);

async function inspectOnce(pass: number, spec: EngineSpec): Promise<void> {
  const t0 = performance.now();
  const policy: PolicyMatcher | null = spec.policy === null ? null : buildPolicy(spec.policy);
  const runner = new BatchRunner(inspectorOptions(spec, policy), false);
  const reader = await openCapture(positionals[0]);
  const names = reader.interfaces.map((i) => i.name);
  const readyMs = performance.now();
  console.log(`\npass ${pass}: policy compiled and capture open in ${(readyMs - t0).toFixed(0)} ms`);
  console.log('batches | packets so far | ns/packet (inspection of the group) | ms');
  let packets = 0;
  let groupPackets = 0;
  let groupNs = 0;
  let batches = 0;
  let inspectNs = 0;
  const row = (): void => {
    console.log(`${batches - ((batches - 1) % group)}-${batches} | ${packets} | ${(groupNs / groupPackets).toFixed(0)} | ${(groupNs / 1e6).toFixed(0)}`);
    groupPackets = groupNs = 0;
  };
  for (;;) {
    const batch = await reader.next();
    if (batch === null) break;
    const b0 = process.hrtime.bigint();
    runner.run(batch.data, batch.meta, batch.count, batch.firstFrame, names, null, 0);
    const ns = Number(process.hrtime.bigint() - b0);
    reader.recycle(batch);
    batches++;
    packets += batch.count;
    groupPackets += batch.count;
    groupNs += ns;
    inspectNs += ns;
    if (batches % group === 0) row();
  }
  if (groupPackets > 0) row();
  const finishT0 = performance.now();
  runner.finish();
  const finishMs = performance.now() - finishT0;
  await reader.close();
  const totalMs = performance.now() - readyMs;
  console.log(`pass ${pass}: ${packets} packets, inspection ${(inspectNs / 1e6).toFixed(0)} ms (${(inspectNs / packets).toFixed(0)} ns/packet on average), ` +
    `end of input (every flow ended) ${finishMs.toFixed(0)} ms, reading ${(totalMs - inspectNs / 1e6 - finishMs).toFixed(0)} ms`);
}
