// Fixed-size bitsets over a Uint32Array: rule-group candidate sets and port sets. One allocation at
// construction; every operation after that works in place.

/**
 * A set of integers in [0, size). The set owns `words` for its whole life; operations that combine
 * two sets require the same size and never allocate.
 */
export class Bitset {
  readonly size: number;
  readonly words: Uint32Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`bitset size ${size}`);
    this.size = size;
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  has(i: number): boolean {
    return i >= 0 && i < this.size && (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    this.check(i);
    this.words[i >>> 5] |= 1 << (i & 31);
  }

  delete(i: number): void {
    this.check(i);
    this.words[i >>> 5] &= ~(1 << (i & 31));
  }

  /** Sets (or clears, with `value` false) every bit of [lo, hi], both ends included. */
  fillRange(lo: number, hi: number, value = true): void {
    this.check(lo);
    this.check(hi);
    if (lo > hi) return;
    const w = this.words;
    const lw = lo >>> 5;
    const hw = hi >>> 5;
    const lmask = (0xffffffff << (lo & 31)) >>> 0;
    const hmask = (0xffffffff >>> (31 - (hi & 31))) >>> 0;
    if (lw === hw) {
      const m = lmask & hmask;
      w[lw] = value ? w[lw] | m : w[lw] & ~m;
      return;
    }
    w[lw] = value ? w[lw] | lmask : w[lw] & ~lmask;
    w.fill(value ? 0xffffffff : 0, lw + 1, hw);
    w[hw] = value ? w[hw] | hmask : w[hw] & ~hmask;
  }

  clearAll(): void {
    this.words.fill(0);
  }

  /** Every bit of [0, size) set. */
  setAll(): void {
    this.words.fill(0xffffffff);
    this.trim();
  }

  /** this := this ∩ other. */
  and(other: Bitset): void {
    const a = this.words;
    const b = this.same(other);
    for (let i = 0; i < a.length; i++) a[i] &= b[i];
  }

  /** this := this ∪ other. */
  or(other: Bitset): void {
    const a = this.words;
    const b = this.same(other);
    for (let i = 0; i < a.length; i++) a[i] |= b[i];
  }

  /** this := this \ other. */
  andNot(other: Bitset): void {
    const a = this.words;
    const b = this.same(other);
    for (let i = 0; i < a.length; i++) a[i] &= ~b[i];
  }

  /** this := complement of this within [0, size). */
  invert(): void {
    const a = this.words;
    for (let i = 0; i < a.length; i++) a[i] = ~a[i];
    this.trim();
  }

  /** this := other (same size). */
  copyFrom(other: Bitset): void {
    this.words.set(this.same(other));
  }

  isEmpty(): boolean {
    const a = this.words;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
    return true;
  }

  count(): number {
    let n = 0;
    const a = this.words;
    for (let i = 0; i < a.length; i++) {
      let v = a[i];
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  /** The smallest member ≥ `from`, or -1: `for (let i = s.next(0); i >= 0; i = s.next(i + 1))`. */
  next(from: number): number {
    if (from < 0) from = 0;
    if (from >= this.size) return -1;
    const a = this.words;
    let wi = from >>> 5;
    let v = a[wi] & ((0xffffffff << (from & 31)) >>> 0);
    for (;;) {
      if (v !== 0) {
        const i = (wi << 5) + (31 - Math.clz32(v & -v));
        return i < this.size ? i : -1;
      }
      if (++wi >= a.length) return -1;
      v = a[wi];
    }
  }

  private trim(): void {
    const r = this.size & 31;
    if (r !== 0) this.words[this.words.length - 1] &= (0xffffffff >>> (32 - r));
  }

  private same(other: Bitset): Uint32Array {
    if (other.size !== this.size) throw new RangeError(`bitset sizes differ: ${this.size} vs ${other.size}`);
    return other.words;
  }

  private check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new RangeError(`bit ${i} outside [0, ${this.size})`);
  }
}
