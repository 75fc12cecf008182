// BatchRunner on real captures: a runner that sees every frame decides threshold/limit and
// DNS-tunnel alerts itself (ungated) and writes exactly what a gated runner plus the merge's
// admission writes, without rendering the candidates that are held back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENGINE_FLAGS, engineSpec } from '../../../engine/cli/engine-flags.js';
import { openCapture } from '../../../engine/capture/open.js';
import { BatchRunner } from '../../../engine/pipeline/batch-runner.js';
import { buildPolicy, inspectorOptions, type EngineSpec } from '../../../engine/pipeline/engine-spec.js';
import { mergeRecords, type RecordBuffer } from '../../../engine/pipeline/record-buffer.js';
import { policyAdmit } from '../../../engine/pipeline/record-buffer.js';
import { ROOT, SHARED_FILES } from '../../helpers/paths.js';

/** The engine spec `kwire inspect --policy <default> --events alert,flow,dns` builds. */
function spec(): EngineSpec {
  const { values } = parseArgs({ args: ['--policy', join(ROOT, 'rules', 'default', 'policy.yaml'), '--events', 'alert,flow,dns'], options: ENGINE_FLAGS });
  const s = engineSpec(values, 'eve');
  if (typeof s === 'string') throw new Error(s);
  return s.spec;
}

async function run(file: string, gated: boolean): Promise<{ lines: string[]; gatedRecords: number }> {
  const s = spec();
  const policy = buildPolicy(s.policy!);
  const runner = new BatchRunner(inspectorOptions(s, policy), gated);
  const admit = policyAdmit(buildPolicy(s.policy!));
  const lines: string[] = [];
  let gatedRecords = 0;
  const take = (r: RecordBuffer): void => {
    gatedRecords += r.gate.filter((g) => g >= 0).length;
    mergeRecords([r], (l) => lines.push(l), admit);
  };
  const reader = await openCapture(file);
  for (let b = await reader.next(); b !== null; b = await reader.next()) take(runner.run(b.data, b.meta, b.count, b.firstFrame, ['eth0'], null, 0));
  take(runner.finish());
  await reader.close();
  return { lines, gatedRecords };
}

for (const file of [join(ROOT, 'samples', 'netns', 'k8s-real.pcap'), join(SHARED_FILES, 'mercury', 'capture2.pcap')]) {
  test(`an ungated runner writes what a gated one and the merge write, and holds nothing back: ${file.split('/').slice(-2).join('/')}`, async () => {
    const gated = await run(file, true);
    const ungated = await run(file, false);
    assert.ok(gated.gatedRecords > ungated.gatedRecords, `gated candidates: ${gated.gatedRecords}`);
    assert.is(ungated.gatedRecords, 0);
    assert.ok(gated.lines.some((l) => l.includes('"event_type":"alert"')));
    assert.equal(ungated.lines, gated.lines);
  });
}

test.run();
