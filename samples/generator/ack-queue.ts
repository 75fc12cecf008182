// Segments in flight towards one TCP endpoint, as seen at the capture point: when each was seen,
// the sequence number it ends at, and when the receiver will acknowledge it (delayed ACK, RFC 9293
// section 3.8.6.3: at least every second full segment, otherwise after a timer).
//
//   entries, stride 3:  [ seen | seqEnd | due ] [ seen | seqEnd | due ] ...
//                         ^ head                                            ^ length
// `due` is Infinity for entries that do not trigger an ACK of their own. Finite dues increase from
// head to tail: an earlier-due ACK for a later segment makes the older pending ACKs redundant.

const STRIDE = 3;
const NO_ENTRIES: number[] = [];

export class AckQueue {
  /** Plain array, allocated on first use, compacted when the consumed prefix grows large. */
  private e: number[] = NO_ENTRIES;
  private head = 0;
  /** Earliest pending ACK time, Infinity when no ACK is owed. */
  due = Infinity;
  /** Segments pushed since the last one that asked for an ACK. */
  sinceWant = 0;

  get length(): number {
    return (this.e.length - this.head) / STRIDE;
  }

  push(seen: number, seqEnd: number, due: number): void {
    if (this.e === NO_ENTRIES) this.e = [];
    if (due !== Infinity) {
      this.sinceWant = 0;
      this.dropWantsFrom(this.e.length - STRIDE, due);
    } else {
      this.sinceWant++;
    }
    this.e.push(seen, seqEnd, due);
    if (due < this.due) this.due = due;
  }

  /** Makes the newest entry ask for an ACK `delay` after it was seen (the sender stalls on the window). */
  wantNewest(delay: number): void {
    const e = this.e;
    if (e.length === this.head) return;
    const i = e.length - STRIDE;
    const due = e[i]! + delay;
    if (e[i + 2]! <= due) return;
    this.dropWantsFrom(i - STRIDE, due);
    e[i + 2] = due;
    this.refreshDue();
  }

  /**
   * Removes every entry seen at or before `seen` and returns the sequence number the newest of
   * them ends at, or -1 when none qualifies.
   */
  consume(seen: number): number {
    const e = this.e;
    let h = this.head;
    let ack = -1;
    while (h < e.length && e[h]! <= seen) {
      ack = e[h + 1]!;
      h += STRIDE;
    }
    if (ack === -1) return -1;
    if (h === e.length) {
      e.length = 0;
      h = 0;
    } else if (h > 96 && h * 2 > e.length) {
      e.splice(0, h);
      h = 0;
    }
    this.head = h;
    this.refreshDue();
    return ack;
  }

  clear(): void {
    this.e = NO_ENTRIES;
    this.head = 0;
    this.due = Infinity;
    this.sinceWant = 0;
  }

  /** Clears pending ACKs of the entry at index i and older ones that fall due at or after `due`. */
  private dropWantsFrom(i: number, due: number): void {
    const e = this.e;
    for (; i >= this.head; i -= STRIDE) {
      if (e[i + 2]! < due) break;
      e[i + 2] = Infinity;
    }
  }

  private refreshDue(): void {
    const e = this.e;
    let d = Infinity;
    for (let i = this.head + 2; i < e.length; i += STRIDE) {
      if (e[i] !== Infinity) {
        d = e[i]!;
        break;
      }
    }
    this.due = d;
  }
}
