import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RateControl } from '../../../rules/match/policy-matcher.js';
import { Packet } from '../../../decoders/packet.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { parseCidr } from '../../../rules/parse/addresses.js';
import type { PolicyRule } from '../../../rules/parse/policy-schema.js';

function pkt(src: number): Packet {
  const b = Uint8Array.from([...Array(12).fill(2), 8, 0, 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, src, 10, 0, 0, 99, 0, 53, 0, 53, 0, 8, 0, 0]);
  const p = new Packet();
  p.reset(b, 0, b.length, b.length, 1);
  decodeFrame(p);
  return p;
}

function rule(over: Partial<PolicyRule>): PolicyRule {
  return { threshold: null, limit: null, suppress: [], ...over } as PolicyRule;
}

const pos = { file: 't', line: 1, column: 1 };

test('threshold: every Nth match per source within the window', () => {
  const rc = new RateControl(rule({ threshold: { count: 3, seconds: 60, by: 'src' } }));
  const got = [1, 2, 3, 4, 5, 6].map((i) => rc.allow(pkt(1), i, i * 1e6));
  assert.equal(got, [false, false, true, false, false, true]);
  assert.is(rc.allow(pkt(2), 9, 7e6), false); // another source counts apart
  assert.is(rc.allow(pkt(1), 10, 200e6), false); // new window: count restarts
});

test('limit: at most N alerts per window per key; by rule shares one key', () => {
  const rc = new RateControl(rule({ limit: { count: 2, seconds: 10, by: 'rule' } }));
  assert.equal([1, 2, 3].map((s) => rc.allow(pkt(s), s, 0)), [true, true, false]);
  assert.is(rc.allow(pkt(4), 4, 11e6), true);
});

test('suppress: listed sources never alert; by rule silences the rule', () => {
  const c = parseCidr('10.0.0.1/32', pos);
  const rc = new RateControl(rule({ suppress: [{ by: 'src', cidrs: [c] }] }));
  assert.is(rc.allow(pkt(1), 1, 0), false);
  assert.is(rc.allow(pkt(2), 2, 0), true);
  assert.is(new RateControl(rule({ suppress: [{ by: 'rule', cidrs: [] }] })).allow(pkt(2), 2, 0), false);
});

test.run();
