import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateTargets, MAX_OTHER_CORES } from '../../../bench/end-to-end/targets.js';
import { parseResult, type BenchResult, type ProgramResult } from '../../../bench/end-to-end/result.js';
import { ROOT } from '../../helpers/paths.js';

const FILE = join(ROOT, 'test', 'bench', 'end-to-end', 'fixtures', 'k8s-mini.result.json');
const saved = (): BenchResult => parseResult(readFileSync(FILE, 'utf8'), FILE);

function prog(r: BenchResult, name: string): ProgramResult {
  const inp = r.inputs[0];
  const p = [...inp.kwire, ...inp.peers].find((x) => x.name === name);
  if (!p) throw new Error(`no ${name} in the fixture`);
  return p;
}

function target(r: BenchResult, prefix: string): { status: string; detail: string } {
  const t = evaluateTargets(r).find((x) => x.name.startsWith(prefix));
  if (!t) throw new Error(`no target ${prefix}`);
  return t;
}

/** Both workers configurations measured, `ratio` apart, with `other` cores busy elsewhere. */
function withWorkers(ratio: number, other: number): BenchResult {
  const r = saved();
  const d = prog(r, 'default');
  for (const [name, k] of [['workers=1', 1], ['workers=2', ratio]] as const) {
    Object.assign(prog(r, name), { ...d, name, pps: d.pps * k, bps: d.bps * k, otherCores: other });
  }
  return r;
}

test('three targets per input, each PASS, FAIL or SKIP with what was measured', () => {
  const r = saved();
  const t = evaluateTargets(r);
  assert.is(t.length, 3 * r.inputs.length);
  for (const x of t) assert.ok(['pass', 'fail', 'skipped'].includes(x.status) && x.detail.length > 0);
});

test('default ≥ 1.5× ndpiReader: the ratio of the saved figures, failing below, passing at or above', () => {
  const r = saved();
  const ratio = prog(r, 'default').pps / prog(r, 'ndpiReader').pps;
  const t = target(r, 'default ≥ 1.5× ndpiReader');
  assert.is(t.status, ratio >= 1.5 ? 'pass' : 'fail');
  assert.ok(t.detail.startsWith(`${ratio.toFixed(2)}×`), t.detail);
  prog(r, 'ndpiReader').pps = prog(r, 'default').pps / 1.5;
  assert.is(target(r, 'default ≥ 1.5×').status, 'pass');
  prog(r, 'ndpiReader').pps *= 1.01;
  assert.is(target(r, 'default ≥ 1.5×').status, 'fail');
  Object.assign(prog(r, 'ndpiReader'), { status: 'missing', note: 'peer missing: ndpiReader not installed' });
  const s = target(r, 'default ≥ 1.5×');
  assert.is(s.status, 'skipped');
  assert.match(s.detail, /peer missing/);
});

test('peak RSS ≤ 200 MB: the largest configuration counts', () => {
  const r = withWorkers(2, 0);
  assert.is(target(r, 'peak RSS').status, prog(r, 'default').peakRssMB <= 200 ? 'pass' : 'fail');
  prog(r, 'workers=2').peakRssMB = 200;
  assert.is(target(r, 'peak RSS').status, 'pass');
  prog(r, 'workers=2').peakRssMB = 201;
  const t = target(r, 'peak RSS');
  assert.is(t.status, 'fail');
  assert.match(t.detail, /^201 MB \(workers=2, 2000 packets\)/);
});

test('workers=2 ≥ 1.6× workers=1, only when two cores are free', () => {
  assert.is(target(withWorkers(1.7, 0.1), 'workers=2').status, 'pass');
  assert.is(target(withWorkers(1.5, 0.1), 'workers=2').status, 'fail');
  const busy = target(withWorkers(1.2, MAX_OTHER_CORES + 0.5), 'workers=2');
  assert.is(busy.status, 'skipped');
  assert.match(busy.detail, /^cores busy: other processes used 0\.75 cores .*measured 1\.20×/);
  const one = withWorkers(1.7, 0);
  one.machine.cores = 1;
  assert.is(target(one, 'workers=2').status, 'skipped');
  // without --workers (before the worker engine), skipped with the reason
  const none = target(saved(), 'workers=2');
  assert.is(none.status, 'skipped');
  assert.match(none.detail, /no --workers/);
});

test.run();
