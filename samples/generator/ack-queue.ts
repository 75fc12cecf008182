// Segments in flight towards one TCP endpoint, as seen at the capture point: when each was seen,
// the sequence number it ends at, and when the receiver will acknowledge it (delayed ACK, RFC 9293
// section 3.8.6.3: at least every second full segment, otherwise after a timer).
//
//   ring of entries, stride 3:  [ seen | seqEnd | due ] [ seen | seqEnd | due ] ...
//                                 head ->                       (count entries)
// `due` is Infinity for entries that do not trigger an ACK of their own. Finite dues increase from
// head to tail: an earlier-due ACK for a later segment makes the older pending ACKs redundant.

const STRIDE = 3;

export class AckQueue {
  private ring = new Float64Array(8 * STRIDE);
  private cap = 8;
  private head = 0;
  private count = 0;
  /** Earliest pending ACK time, Infinity when no ACK is owed. */
  due = Infinity;
  /** Segments pushed since the last one that asked for an ACK. */
  sinceWant = 0;

  get length(): number {
    return this.count;
  }

  push(seen: number, seqEnd: number, due: number): void {
    if (this.count === this.cap) this.grow();
    const r = this.ring;
    if (due !== Infinity) {
      this.sinceWant = 0;
      this.dropWantsFrom(this.count - 1, due);
    } else {
      this.sinceWant++;
    }
    const i = ((this.head + this.count) % this.cap) * STRIDE;
    r[i] = seen;
    r[i + 1] = seqEnd;
    r[i + 2] = due;
    this.count++;
    if (due < this.due) this.due = due;
  }

  /** Makes the newest entry ask for an ACK `delay` after it was seen (the sender stalls on the window). */
  wantNewest(delay: number): void {
    if (this.count === 0) return;
    const i = ((this.head + this.count - 1) % this.cap) * STRIDE;
    const due = this.ring[i]! + delay;
    if (this.ring[i + 2]! <= due) return;
    this.dropWantsFrom(this.count - 2, due);
    this.ring[i + 2] = due;
    this.refreshDue();
  }

  /** Clears pending ACKs of entries k, k-1, ... that fall due at or after `due` (made redundant). */
  private dropWantsFrom(k: number, due: number): void {
    const r = this.ring;
    for (; k >= 0; k--) {
      const j = ((this.head + k) % this.cap) * STRIDE + 2;
      if (r[j]! < due) break;
      r[j] = Infinity;
    }
  }

  /**
   * Removes every entry seen at or before `seen` and returns the sequence number the newest of
   * them ends at, or -1 when none qualifies.
   */
  consume(seen: number): number {
    const r = this.ring;
    let ack = -1;
    while (this.count > 0) {
      const i = this.head * STRIDE;
      if (r[i]! > seen) break;
      ack = r[i + 1]!;
      this.head = (this.head + 1) % this.cap;
      this.count--;
    }
    if (ack !== -1) this.refreshDue();
    return ack;
  }

  clear(): void {
    this.count = 0;
    this.head = 0;
    this.due = Infinity;
    this.sinceWant = 0;
  }

  private refreshDue(): void {
    const r = this.ring;
    let d = Infinity;
    for (let k = 0; k < this.count; k++) {
      const v = r[((this.head + k) % this.cap) * STRIDE + 2]!;
      if (v !== Infinity) {
        d = v;
        break;
      }
    }
    this.due = d;
  }

  private grow(): void {
    const next = new Float64Array(this.cap * 2 * STRIDE);
    for (let k = 0; k < this.count; k++) {
      const from = ((this.head + k) % this.cap) * STRIDE;
      next.set(this.ring.subarray(from, from + STRIDE), k * STRIDE);
    }
    this.ring = next;
    this.cap *= 2;
    this.head = 0;
  }
}
