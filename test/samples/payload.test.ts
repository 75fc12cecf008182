import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checksum, fold, sum16 } from '../../samples/generator/checksum.js';
import { ONCE, POOL, Payload, SHARED } from '../../samples/generator/payload.js';
import { Rng } from '../../samples/generator/prng.js';

function naive(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i += 2) s += (b[off + i]! << 8) | (i + 1 < len ? b[off + i + 1]! : 0);
  return s;
}

test('checksum: RFC 1071 section 3 example', () => {
  const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  assert.is(fold(sum16(b, 0, b.length)), 0xddf2);
  assert.is(checksum(sum16(b, 0, b.length)), 0x220d);
});

test('sum16: 32-bit reads fold to the same value as 16-bit words, any offset and length', () => {
  const rng = new Rng('sum16');
  const b = rng.bytes(4096);
  for (let i = 0; i < 2000; i++) {
    const off = rng.int(2000);
    const len = rng.int(2000);
    assert.is(fold(sum16(b, off, len)), fold(naive(b, off, len)), `off ${off} len ${len}`);
  }
  assert.is(fold(2 ** 40 + 5), fold((2 ** 40 % 65535) + 5));
});

test('Payload.copyOut: copies and sums like the bytes it wrote (POOL wrap, SHARED, ONCE, patches)', () => {
  const rng = new Rng('payload');
  const dst = new Uint8Array(4096);
  const pool = new Payload(rng.bytes(10_000), POOL);
  const shared = new Payload(rng.bytes(3001), SHARED);
  const once = new Payload(rng.bytes(3001), ONCE);
  for (let i = 0; i < 3000; i++) {
    const len = 1 + rng.int(1448);
    const patch = rng.chance(0.5) ? rng.bytes(1 + rng.int(rng.chance(0.5) ? 40 : 400)) : null;
    // Pool reads: even offsets, possibly wrapping past the end.
    const off = 2 * rng.int(20_000);
    const patchAt = off + rng.int(len + 100) - 50;
    const pos = rng.int(500);
    const s = pool.copyOut(dst, pos, off, len, patch, patchAt);
    assert.is(fold(s), fold(naive(dst, pos, len)));
    for (let k = 0; k < len; k++) {
      const logical = off + k;
      const inPatch = patch !== null && logical >= patchAt && logical < patchAt + patch.length;
      const want = inPatch ? patch[logical - patchAt]! : pool.bytes[logical % pool.size]!;
      if (dst[pos + k] !== want) assert.unreachable(`byte ${k} of read at ${off}`);
    }
    // Non-wrapping reads of one-off and shared blocks, odd offsets included.
    for (const p of [shared, once]) {
      const o = rng.int(p.size - len + 1);
      const sum = p.copyOut(dst, pos, o, len, patch, o + rng.int(len));
      assert.is(fold(sum), fold(naive(dst, pos, len)));
    }
  }
});

test('Payload: a pooled block needs an even length', () => {
  assert.throws(() => new Payload(new Uint8Array(3), POOL), /even length/);
});

test.run();
