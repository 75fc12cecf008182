import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareResults, comparedCount } from '../../../bench/end-to-end/compare.js';
import { parseResult, type BenchResult, type ProgramResult } from '../../../bench/end-to-end/result.js';
import { ROOT } from '../../helpers/paths.js';

// Results saved by real `kwire bench --save` runs (the 1M-packet one is the README's table).
const DIR = join(ROOT, 'test', 'bench', 'end-to-end', 'fixtures');
const FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => join(DIR, f));

function load(file: string): BenchResult {
  return parseResult(readFileSync(file, 'utf8'), file);
}

/** A deep copy with every measured kwire configuration changed by `f`. */
function doctor(r: BenchResult, f: (p: ProgramResult) => void, list: 'kwire' | 'peers' = 'kwire'): BenchResult {
  const c = structuredClone(r);
  for (const inp of c.inputs) for (const p of inp[list]) if (p.status === 'ok') f(p);
  return c;
}

function measuredConfigs(r: BenchResult): number {
  return r.inputs.reduce((n, inp) => n + inp.kwire.filter((p) => p.status === 'ok').length, 0);
}

test('fixtures are real saved results with at least one measured kwire configuration', () => {
  assert.ok(FIXTURES.length >= 1);
  for (const f of FIXTURES) assert.ok(measuredConfigs(load(f)) >= 1, f);
});

for (const file of FIXTURES) {
  const name = file.slice(DIR.length + 1);

  test(`${name}: a result compared with itself compares every measured configuration and regresses nothing`, () => {
    const r = load(file);
    const c = compareResults(r, r);
    assert.is(comparedCount(c), measuredConfigs(r));
    assert.is(c.regressions.length, 0);
    assert.is(c.unmatched.length, 0);
    for (const row of c.rows) assert.is(row.change, 0);
    // peers are compared for context
    const peers = r.inputs.reduce((n, i) => n + i.peers.filter((p) => p.status === 'ok').length, 0);
    assert.is(c.rows.filter((x) => x.peer && x.metric === 'pps').length, peers);
  });

  test(`${name}: a baseline twice as fast is a packets/s regression of 50% on every configuration`, () => {
    const r = load(file);
    const fast = doctor(r, (p) => { p.pps *= 2; p.bps *= 2; });
    const c = compareResults(fast, r);
    const pps = c.regressions.filter((x) => x.metric === 'pps');
    assert.is(pps.length, measuredConfigs(r));
    for (const x of pps) assert.ok(Math.abs(x.change + 0.5) < 1e-9, String(x.change));
    assert.is(c.regressions.filter((x) => x.metric === 'peakRssMB').length, 0);
  });

  test(`${name}: the 10% threshold: 9% slower or bigger passes, 11% fails`, () => {
    const r = load(file);
    const n = measuredConfigs(r);
    assert.is(compareResults(r, doctor(r, (p) => { p.pps *= 0.91; })).regressions.length, 0);
    assert.is(compareResults(r, doctor(r, (p) => { p.pps *= 0.89; })).regressions.length, n);
    assert.is(compareResults(r, doctor(r, (p) => { p.peakRssMB *= 1.09; })).regressions.length, 0);
    const mem = compareResults(r, doctor(r, (p) => { p.peakRssMB *= 1.11; }));
    assert.is(mem.regressions.length, n);
    assert.ok(mem.regressions.every((x) => x.metric === 'peakRssMB' && x.change > 0.1));
    // faster and smaller is never a regression
    assert.is(compareResults(r, doctor(r, (p) => { p.pps *= 3; p.peakRssMB /= 3; })).regressions.length, 0);
    // the tolerance is a parameter
    assert.is(compareResults(r, doctor(r, (p) => { p.pps *= 0.97; }), 0.02).regressions.length, n);
  });

  test(`${name}: a slower peer is shown but is not a kwire regression`, () => {
    const r = load(file);
    const c = compareResults(r, doctor(r, (p) => { p.pps /= 2; }, 'peers'));
    assert.is(c.regressions.length, 0);
    const peerRows = c.rows.filter((x) => x.peer && x.metric === 'pps');
    assert.ok(peerRows.every((x) => Math.abs(x.change + 0.5) < 1e-9));
  });

  test(`${name}: a different input, or a configuration the baseline did not measure, is named and not compared`, () => {
    const r = load(file);
    const renamed = structuredClone(r);
    for (const inp of renamed.inputs) inp.name += '-other';
    const c = compareResults(renamed, r);
    assert.is(comparedCount(c), 0);
    assert.is(c.unmatched.length, r.inputs.length);
    assert.match(c.unmatched[0], /not in the baseline/);

    const resized = structuredClone(r);
    resized.inputs[0].packets += 1;
    assert.match(compareResults(resized, r).unmatched.join('\n'), /packets now, \d+ in the baseline/);

    const failed = doctor(r, (p) => { p.status = 'failed'; p.note = 'exit 1'; });
    const f = compareResults(failed, r);
    assert.is(comparedCount(f), 0);
    assert.match(f.unmatched.join('\n'), /failed in the baseline/);
  });
}

test.run();
