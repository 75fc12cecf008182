// Binary min-heap of flows ordered by (at, order): the next frame of the capture is always the
// earliest event of any live flow, so timestamps never go backwards.

import type { Flow } from './flow.js';

export class Scheduler {
  private readonly heap: Flow[] = [];
  private nextOrder = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Adds a flow; its `order` is assigned here. */
  add(f: Flow): void {
    f.order = this.nextOrder++;
    const h = this.heap;
    h.push(f);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(f, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = f;
  }

  /** The earliest flow; undefined when empty. */
  top(): Flow | undefined {
    return this.heap[0];
  }

  /** Restores heap order after the top flow's `at` grew; drops it when it reached Infinity. */
  settleTop(): void {
    const h = this.heap;
    const f = h[0]!;
    if (f.at === Infinity) {
      const last = h.pop()!;
      if (h.length === 0) return;
      this.siftDown(last);
      return;
    }
    this.siftDown(f);
  }

  private siftDown(f: Flow): void {
    const h = this.heap;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, f)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = f;
  }
}

function before(a: Flow, b: Flow): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
