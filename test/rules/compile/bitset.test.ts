import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Bitset } from '../../../rules/compile/bitset.js';
import { int, rng } from '../../helpers/rng.js';

test('bitset: add, has, delete, next, count at word edges', () => {
  const b = new Bitset(70);
  for (const i of [0, 31, 32, 63, 64, 69]) b.add(i);
  assert.equal([0, 31, 32, 63, 64, 69].map((i) => b.has(i)), [true, true, true, true, true, true]);
  assert.is(b.has(1) || b.has(33) || b.has(70) || b.has(-1), false);
  assert.is(b.count(), 6);
  const seen: number[] = [];
  for (let i = b.next(0); i >= 0; i = b.next(i + 1)) seen.push(i);
  assert.equal(seen, [0, 31, 32, 63, 64, 69]);
  b.delete(31);
  assert.is(b.has(31), false);
  assert.throws(() => b.add(70), RangeError);
});

test('bitset: setAll/invert stay inside size; and/or/andNot', () => {
  const a = new Bitset(40);
  a.setAll();
  assert.is(a.count(), 40);
  a.invert();
  assert.ok(a.isEmpty());
  const x = new Bitset(40);
  const y = new Bitset(40);
  x.fillRange(0, 20);
  y.fillRange(10, 39);
  const z = new Bitset(40);
  z.copyFrom(x);
  z.and(y);
  assert.is(z.count(), 11);
  z.copyFrom(x);
  z.or(y);
  assert.is(z.count(), 40);
  z.copyFrom(x);
  z.andNot(y);
  assert.is(z.count(), 10);
  assert.throws(() => z.and(new Bitset(41)), RangeError);
});

test('bitset: fillRange matches a naive boolean array (seeded)', () => {
  const r = rng(7);
  for (let round = 0; round < 300; round++) {
    const size = 1 + int(r, 300);
    const b = new Bitset(size);
    const ref = new Array<boolean>(size).fill(false);
    for (let k = 0; k < 6; k++) {
      let lo = int(r, size);
      let hi = int(r, size);
      if (lo > hi) [lo, hi] = [hi, lo];
      const v = r() < 0.6;
      b.fillRange(lo, hi, v);
      for (let i = lo; i <= hi; i++) ref[i] = v;
    }
    for (let i = 0; i < size; i++) if (b.has(i) !== ref[i]) assert.unreachable(`size ${size} bit ${i}`);
    assert.is(b.count(), ref.filter(Boolean).length);
  }
});

test.run();
