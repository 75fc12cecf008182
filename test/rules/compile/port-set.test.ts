import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePortSet } from '../../../rules/compile/port-set.js';
import { RulesError } from '../../../rules/compile/rules-error.js';
import { KwireError } from '../../../engine/errors.js';
import { int, rng } from '../../helpers/rng.js';

test('port set: the control-plane spec', () => {
  const s = parsePortSet('6443,2379-2380,!22,30000-32767');
  for (const p of [6443, 2379, 2380, 30000, 31000, 32767]) assert.ok(s.has(p), String(p));
  for (const p of [22, 0, 2378, 2381, 6442, 29999, 32768, 65535]) assert.not.ok(s.has(p), String(p));
  assert.is(s.count(), 1 + 2 + 2768);
});

test('port set: negation only means every port but those; negation wins over a positive', () => {
  const s = parsePortSet('!22, !1000-1999');
  assert.is(s.count(), 65536 - 1 - 1000);
  assert.not.ok(s.has(22));
  assert.ok(s.has(0) && s.has(65535) && s.has(2000) && s.has(999));
  const t = parsePortSet('20-30,!25');
  assert.is(t.count(), 10);
  assert.not.ok(t.has(25));
  assert.is(parsePortSet('any').count(), 65536);
  assert.is(parsePortSet('0,65535').count(), 2);
});

function errorOf(spec: string): RulesError {
  try {
    parsePortSet(spec, { file: 'policy.yaml', line: 12, column: 10 });
  } catch (e) {
    assert.instance(e, RulesError);
    assert.instance(e, KwireError);
    assert.is((e as KwireError).code, 'KWIRE_ERR_RULES');
    return e as RulesError;
  }
  throw new Error(`no error for ${spec}`);
}

test('port set: errors name file:line:column and the bad token', () => {
  assert.is(errorOf('80,http').message, 'policy.yaml:12:13: bad port item "http"; expected a port (0-65535), a range LO-HI or a negation !PORT / !LO-HI');
  assert.match(errorOf('80, 70000').message, /^policy\.yaml:12:14: port out of range in "70000"/);
  assert.match(errorOf('5-3').message, /^policy\.yaml:12:10: empty range "5-3"/);
  assert.match(errorOf('80,,81').message, /^policy\.yaml:12:13: empty item/);
  assert.match(errorOf('1-2-3').message, /bad port item "1-2-3"/);
  assert.match(errorOf('!').message, /bad port item "!"/);
  assert.match(errorOf('').message, /empty item/);
  assert.match(errorOf('-5').message, /bad port item "-5"/);
  const e = errorOf('22,x');
  assert.is(e.file, 'policy.yaml');
  assert.is(e.line, 12);
  assert.is(e.column, 13);
});

test('port set: random specs against a naive evaluator (seeded)', () => {
  const r = rng(42);
  for (let round = 0; round < 200; round++) {
    const items: { neg: boolean; lo: number; hi: number }[] = [];
    const n = 1 + int(r, 6);
    for (let k = 0; k < n; k++) {
      const lo = int(r, 65536);
      const hi = r() < 0.5 ? lo : Math.min(65535, lo + int(r, 5000));
      items.push({ neg: r() < 0.3, lo, hi });
    }
    const spec = items.map((i) => `${i.neg ? '!' : ''}${i.lo}${i.hi !== i.lo ? `-${i.hi}` : ''}`).join(',');
    const s = parsePortSet(spec);
    const hasPos = items.some((i) => !i.neg);
    for (let p = 0; p < 65536; p += 1 + int(r, 7)) {
      const inPos = hasPos ? items.some((i) => !i.neg && p >= i.lo && p <= i.hi) : true;
      const inNeg = items.some((i) => i.neg && p >= i.lo && p <= i.hi);
      if (s.has(p) !== (inPos && !inNeg)) assert.unreachable(`${spec}: port ${p}`);
    }
  }
});

test.run();
