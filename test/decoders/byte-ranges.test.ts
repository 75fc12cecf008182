// Native range comparison and the zero-run skip used by QUIC PADDING and IP fragment overlaps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareRanges, skipZeros } from '../../decoders/byte-ranges.js';

test('compareRanges: equal and differing ranges at any offsets', () => {
  const a = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const b = new Uint8Array(400);
  b.set(a.subarray(10, 210), 50); // b[50..250) = a[10..210)
  assert.is(compareRanges.call(a, b, 50, 250, 10, 210), 0);
  b[249] ^= 1;
  assert.is.not(compareRanges.call(a, b, 50, 250, 10, 210), 0);
  assert.is(compareRanges.call(a, b, 50, 249, 10, 209), 0);
});

test('skipZeros: the first non-zero byte, short and long runs, runs to the end, past 4 KiB', () => {
  for (const [len, nz] of [[10, -1], [10, 3], [100, -1], [100, 99], [100, 64], [5000, -1], [5000, 4500], [1200, 0]] as const) {
    const b = new Uint8Array(len + 7);
    b[len + 3] = 9; // beyond `end`: never looked at
    if (nz >= 0) b[2 + nz] = 1;
    assert.is(skipZeros(b, 2, len + 2), nz >= 0 ? 2 + nz : len + 2, `${len} ${nz}`);
  }
});

test.run();
