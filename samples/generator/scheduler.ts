// Binary min-heap of flows ordered by (at, order): the next frame of the capture is always the
// earliest event of any live flow, so timestamps never go backwards. Keys live in parallel arrays
// so comparisons never touch the (differently shaped) flow objects.

import type { Flow } from './flow.js';

export class Scheduler {
  private flows: Flow[] = [];
  private at: number[] = [];
  private ord: number[] = [];
  private nextOrder = 0;

  get size(): number {
    return this.flows.length;
  }

  /** Adds a flow; its `order` is assigned here. */
  add(f: Flow): void {
    f.order = this.nextOrder++;
    this.flows.push(f);
    this.at.push(f.at);
    this.ord.push(f.order);
    this.siftUp(this.flows.length - 1);
  }

  /** The earliest flow; undefined when empty. */
  top(): Flow | undefined {
    return this.flows[0];
  }

  /** Restores heap order after the top flow's `at` grew; drops it when it reached Infinity. */
  settleTop(): void {
    const f = this.flows[0]!;
    const t = f.at;
    if (t === Infinity) {
      const last = this.flows.length - 1;
      if (last > 0) {
        this.flows[0] = this.flows[last]!;
        this.at[0] = this.at[last]!;
        this.ord[0] = this.ord[last]!;
      }
      this.flows.pop();
      this.at.pop();
      this.ord.pop();
      if (last > 0) this.siftDown(0);
      return;
    }
    this.at[0] = t;
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    const { flows, at, ord } = this;
    const f = flows[i]!;
    const t = at[i]!;
    const o = ord[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (at[p]! < t || (at[p] === t && ord[p]! < o)) break;
      flows[i] = flows[p]!;
      at[i] = at[p]!;
      ord[i] = ord[p]!;
      i = p;
    }
    flows[i] = f;
    at[i] = t;
    ord[i] = o;
  }

  private siftDown(i: number): void {
    const { flows, at, ord } = this;
    const n = flows.length;
    const f = flows[i]!;
    const t = at[i]!;
    const o = ord[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (at[r]! < at[l]! || (at[r] === at[l] && ord[r]! < ord[l]!)) ? r : l;
      if (t < at[c]! || (t === at[c] && o < ord[c]!)) break;
      flows[i] = flows[c]!;
      at[i] = at[c]!;
      ord[i] = ord[c]!;
      i = c;
    }
    flows[i] = f;
    at[i] = t;
    ord[i] = o;
  }
}
