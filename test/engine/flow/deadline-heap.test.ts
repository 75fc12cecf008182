// The flow table's timeout schedule: an indexed min-heap checked against a plain list after every
// insert, move (earlier and later) and removal of a random sequence.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeadlineHeap } from '../../../engine/flow/deadline-heap.js';

/** Deterministic xorshift32 in [0, 1). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test('random set/remove: minimum, membership and size match a list', () => {
  const cap = 64;
  const heap = new DeadlineHeap(cap);
  const ref = new Map<number, number>();
  const rand = rng(0x9e3779b9);
  for (let step = 0; step < 20_000; step++) {
    const slot = Math.floor(rand() * cap);
    if (rand() < 0.3) {
      heap.remove(slot);
      ref.delete(slot);
    } else {
      const key = Math.floor(rand() * 1000); // many equal keys
      heap.set(slot, key);
      ref.set(slot, key);
    }
    assert.is(heap.size, ref.size);
    assert.is(heap.has(slot), ref.has(slot));
    if (ref.size === 0) {
      assert.is(heap.minKey(), Infinity);
      continue;
    }
    const min = Math.min(...ref.values());
    assert.is(heap.minKey(), min);
    assert.is(ref.get(heap.minSlot()), min);
  }
});

test('popping in key order empties the heap', () => {
  const heap = new DeadlineHeap(8);
  [5, 3, 9, 1, 7].forEach((k, slot) => heap.set(slot, k));
  heap.set(2, 0); // earlier
  heap.set(1, 10); // later
  const order: number[] = [];
  while (heap.size > 0) {
    order.push(heap.minSlot());
    heap.remove(heap.minSlot());
  }
  assert.equal(order, [2, 3, 0, 4, 1]);
});

test.run();
