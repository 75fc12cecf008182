// The flow table's idle order: one doubly linked list per timeout class (protocol family × state),
// most recently seen at the head. Every flow of a class has the same timeout, so a class's tail is
// its next flow to time out and a sweep stops at the first flow still in time: it visits the flows
// that end, plus one per class. One list over all classes had to walk every flow idle past the
// shortest timeout on every sweep (the k8s mix: thousands of established TCP flows, 10 minutes'
// timeout, walked at each batch's sweep for their 60-second neighbours).
//
// The links live in the flow table's records (flow-table.ts: prev and next words, the class byte,
// a touch sequence word), so this class holds only the heads and tails. The touch sequence orders
// flows across classes as one list would (the least recently touched of all is the smallest among
// the tails), for eviction and the end-of-input flush; it wraps after 2^32 packets on one thread,
// and compares modulo 2^32 (flows touched 2^31 packets apart are never compared in practice: the
// table's capacity is far below that).

/** Protocol families (TCP, UDP, other) × states (new, established, closed). */
export const IDLE_CLASSES = 9;

export class IdleLists {
  private readonly head = new Int32Array(IDLE_CLASSES).fill(-1);
  private readonly tailOf = new Int32Array(IDLE_CLASSES).fill(-1);
  private seq = 0;

  /**
   * `i32`/`u8`: the table's record views; `stride` words per record; word offsets of prev, next and
   * the touch sequence, byte offset of the class.
   */
  constructor(private readonly i32: Int32Array, private readonly u8: Uint8Array, private readonly stride: number,
    private readonly prevW: number, private readonly nextW: number, private readonly seqW: number, private readonly classB: number) {}

  /** The least recently seen flow of class `c`, or -1. */
  tail(c: number): number {
    return this.tailOf[c];
  }

  /** The class `slot` is listed in. */
  classOf(slot: number): number {
    return this.u8[slot * this.stride * 4 + this.classB];
  }

  /** Put a new flow at the head of class `c`. */
  add(slot: number, c: number): void {
    this.u8[slot * this.stride * 4 + this.classB] = c;
    this.linkHead(slot, c);
  }

  /** A packet of `slot`: it becomes the most recently seen, in class `c` (its class may have changed). */
  touch(slot: number, c: number): void {
    const b = slot * this.stride * 4 + this.classB;
    if (this.u8[b] === c && this.head[c] === slot) {
      this.i32[slot * this.stride + this.seqW] = ++this.seq;
      return;
    }
    this.unlink(slot);
    this.u8[b] = c;
    this.linkHead(slot, c);
  }

  /** Take `slot` out of its list (the flow ends). */
  unlink(slot: number): void {
    const i32 = this.i32;
    const st = this.stride;
    const o = slot * st;
    const c = this.u8[o * 4 + this.classB];
    const p = i32[o + this.prevW];
    const n = i32[o + this.nextW];
    if (p >= 0) i32[p * st + this.nextW] = n; else this.head[c] = n;
    if (n >= 0) i32[n * st + this.prevW] = p; else this.tailOf[c] = p;
  }

  /** The least recently touched flow of all, or -1 when the table is empty. */
  oldest(): number {
    let best = -1;
    let bestSeq = 0;
    for (let c = 0; c < IDLE_CLASSES; c++) {
      const t = this.tailOf[c];
      if (t < 0) continue;
      const s = this.i32[t * this.stride + this.seqW];
      if (best < 0 || ((s - bestSeq) | 0) < 0) {
        best = t;
        bestSeq = s;
      }
    }
    return best;
  }

  private linkHead(slot: number, c: number): void {
    const i32 = this.i32;
    const st = this.stride;
    const o = slot * st;
    const h = this.head[c];
    i32[o + this.prevW] = -1;
    i32[o + this.nextW] = h;
    i32[o + this.seqW] = ++this.seq;
    if (h >= 0) i32[h * st + this.prevW] = slot; else this.tailOf[c] = slot;
    this.head[c] = slot;
  }
}
