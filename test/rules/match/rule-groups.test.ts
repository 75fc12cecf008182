// Rule groups by protocol × destination port × direction: every group equals the brute-force set of
// rules whose protocol, direction and destination ports admit the packet; ports no rule tells apart
// share one class.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RuleGroups, type GroupedRule } from '../../../rules/match/rule-groups.js';
import { int, rng } from '../../helpers/rng.js';
import { portRanges } from '../../../rules/match/header-match.js';

/** Ranges from a 65,536-entry map (as a rule's port spec would give). */
const ranges = (m: Uint8Array): Int32Array => portRanges({ any: false, include: [...m].flatMap((v, p) => (v ? [{ lo: p, hi: p }] : [])), exclude: [] })!;

const PROTOS = [0, 6, 17, 1, 58];

function randomRules(r: () => number, n: number) {
  return Array.from({ length: n }, (_, id) => {
    let dport: Uint8Array | null = null; // a map here, ranges for the groups
    const kind = int(r, 5);
    if (kind > 0) {
      dport = new Uint8Array(65536);
      if (kind === 1) dport[int(r, 20)] = 1; // a few popular low ports
      else if (kind === 2) dport.fill(1, 30000, 32768); // a range
      else if (kind === 3) { dport.fill(1); dport[53] = 0; dport[443] = 0; } // "not these": > 4096 ports
      else for (let k = 0; k < 1 + int(r, 5); k++) dport[int(r, 65536)] = 1;
    }
    return { id: id * 3 + 1, proto: PROTOS[int(r, 5)], direction: int(r, 4), dport, bidirectional: int(r, 10) === 0 };
  });
}

const grouped = (rules: ReturnType<typeof randomRules>): GroupedRule[] => rules.map((x) => ({ ...x, dport: x.dport === null ? null : ranges(x.dport) }));

function brute(rules: ReturnType<typeof randomRules>, proto: number, dport: number, dir: number): number[] {
  return rules.filter((x) => (x.proto === 0 || x.proto === proto) && (x.direction === 0 || x.direction === dir) &&
    (x.dport === null || x.bidirectional || x.dport[dport] !== 0 || x.dport.reduce((a, b) => a + b, 0) > 4096)).map((x) => x.id);
}

test('every group equals the brute-force candidate set (random rules, random packets)', () => {
  const r = rng(11);
  for (let round = 0; round < 20; round++) {
    const rules = randomRules(r, 1 + int(r, 120));
    const g = new RuleGroups(grouped(rules));
    for (let k = 0; k < 200; k++) {
      const proto = [6, 17, 1, 58, 47][int(r, 5)];
      const dport = int(r, 3) === 0 ? int(r, 20) : int(r, 3) === 0 ? 30000 + int(r, 3000) : int(r, 65536);
      const dir = int(r, 4);
      assert.equal([...g.candidates(proto, dport, dir)], brute(rules, proto, dport, dir), `round ${round} ${proto}/${dport}/${dir}`);
    }
  }
});

test('ports no rule tells apart share one class; groups are cached', () => {
  const one = new Uint8Array(65536);
  one[6443] = 1;
  const range = new Uint8Array(65536).fill(1, 30000, 32768);
  const rules: GroupedRule[] = [];
  for (let i = 0; i < 1000; i++) rules.push({ id: i, proto: 6, direction: 1, dport: ranges(i % 2 ? one : range), bidirectional: false });
  const g = new RuleGroups(rules);
  assert.is(g.portClasses, 3, 'everything else, 6443, 30000-32767');
  assert.is(g.candidates(6, 6443, 1).length, 500);
  assert.is(g.candidates(6, 31000, 1), g.candidates(6, 30001, 1), 'same class, same cached list');
  assert.is(g.candidates(6, 31000, 2).length, 0, 'other direction');
  assert.is(g.candidates(17, 6443, 1).length, 0, 'other protocol');
  assert.is(g.built, 4);
  assert.is(new RuleGroups([]).candidates(6, 80, 0).length, 0);
});

test.run();
