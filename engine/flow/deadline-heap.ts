// Timeout schedule of the flow table: an indexed binary min-heap of slots by a deadline (µs), so a
// sweep visits only flows that may be due, never every idle one.
//
//   heap position  0      1      2      3   ...      pos[slot] → heap position (-1: not scheduled)
//   slots          s7     s2     s9     s4           keys[i] ≤ keys[2i+1], keys[2i+2]
//   keys           t7  ≤  t2     t9     t4

/** A fixed-capacity min-heap of slots 0..capacity-1, each present at most once. */
export class DeadlineHeap {
  /** Heap position → slot, and its key. */
  private readonly slots: Int32Array;
  private readonly keys: Float64Array;
  /** Slot → heap position, -1 when the slot is not in the heap. */
  private readonly pos: Int32Array;
  /** Slots in the heap. */
  size = 0;

  constructor(capacity: number) {
    this.slots = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  /** The smallest key, or Infinity when the heap is empty. */
  minKey(): number {
    return this.size > 0 ? this.keys[0] : Infinity;
  }

  /** The slot with the smallest key (the heap is not empty). */
  minSlot(): number {
    return this.slots[0];
  }

  has(slot: number): boolean {
    return this.pos[slot] >= 0;
  }

  /** Schedule `slot` at `key`: inserted, or moved when it is already in the heap. */
  set(slot: number, key: number): void {
    let i = this.pos[slot];
    if (i < 0) {
      i = this.size++;
      this.put(i, slot, key);
    } else if (key > this.keys[i]) {
      this.keys[i] = key;
      this.down(i);
      return;
    }
    this.keys[i] = key;
    this.up(i);
  }

  /** Take `slot` out of the heap (nothing when it is not in it). */
  remove(slot: number): void {
    const i = this.pos[slot];
    if (i < 0) return;
    this.pos[slot] = -1;
    const last = --this.size;
    if (i === last) return;
    const key = this.keys[last];
    this.put(i, this.slots[last], key);
    if (i > 0 && key < this.keys[(i - 1) >> 1]) this.up(i);
    else this.down(i);
  }

  private up(i: number): void {
    const keys = this.keys;
    const slot = this.slots[i];
    const key = keys[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      this.put(i, this.slots[p], keys[p]);
      i = p;
    }
    this.put(i, slot, key);
  }

  private down(i: number): void {
    const keys = this.keys;
    const n = this.size;
    const slot = this.slots[i];
    const key = keys[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      this.put(i, this.slots[c], keys[c]);
      i = c;
    }
    this.put(i, slot, key);
  }

  /** Heap position `i` holds `slot` at `key`. */
  private put(i: number, slot: number, key: number): void {
    this.slots[i] = slot;
    this.keys[i] = key;
    this.pos[slot] = i;
  }
}
