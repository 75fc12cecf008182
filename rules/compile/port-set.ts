// Port sets of the rule engine ("6443,2379-2380,!22,30000-32767") compiled into a 65,536-bit bitset
// (8 KiB): membership is one load, a shift and a mask.

import { Bitset } from './bitset.js';
import { RulesError, shift, type SourcePos } from './rules-error.js';

export const PORT_COUNT = 65536;

/**
 * A compiled port set. Owns its 8 KiB bitset for its whole life; `has` never allocates.
 * Semantics of a spec: the set is the union of the positive items (or every port when there are
 * only negated items, or the spec is `any`), minus the union of the negated items (`!22`, `!1-1023`),
 * whatever their order. Bracketed groups are not supported.
 */
export class PortSet {
  readonly bits = new Bitset(PORT_COUNT);

  has(port: number): boolean {
    return (this.bits.words[port >>> 5] & (1 << (port & 31))) !== 0;
  }

  add(lo: number, hi = lo): void {
    this.bits.fillRange(lo, hi, true);
  }

  remove(lo: number, hi = lo): void {
    this.bits.fillRange(lo, hi, false);
  }

  count(): number {
    return this.bits.count();
  }
}

const DEFAULT_POS: SourcePos = { file: '<port list>', line: 1, column: 1 };

/**
 * Parses a comma-separated port spec: items `N`, `LO-HI`, `!N`, `!LO-HI`, or the single word `any`;
 * blanks around items are allowed. A bad item throws a RulesError naming `pos` moved to the item's
 * column, the item and what was expected. `pos` is where `spec` starts in its file.
 */
export function parsePortSet(spec: string, pos: SourcePos = DEFAULT_POS): PortSet {
  const set = new PortSet();
  const neg = new PortSet();
  let positives = 0;
  let negatives = 0;
  let start = 0;
  if (spec.trim() === 'any') {
    set.bits.setAll();
    return set;
  }
  for (;;) {
    let end = spec.indexOf(',', start);
    if (end < 0) end = spec.length;
    let s = start;
    let e = end;
    while (s < e && (spec.charCodeAt(s) === 32 || spec.charCodeAt(s) === 9)) s++;
    while (e > s && (spec.charCodeAt(e - 1) === 32 || spec.charCodeAt(e - 1) === 9)) e--;
    const at = shift(pos, s);
    const item = spec.slice(s, e);
    if (item === '') throw new RulesError(at, `empty item in port list "${spec}"; expected a port, LO-HI or !PORT`);
    const m = /^(!?)(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    if (m === null) throw new RulesError(at, `bad port item "${item}"; expected a port (0-65535), a range LO-HI or a negation !PORT / !LO-HI`);
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (lo > 65535 || hi > 65535) throw new RulesError(at, `port out of range in "${item}"; expected 0-65535`);
    if (lo > hi) throw new RulesError(at, `empty range "${item}"; expected LO-HI with LO <= HI`);
    if (m[1] === '!') {
      neg.add(lo, hi);
      negatives++;
    } else {
      set.add(lo, hi);
      positives++;
    }
    if (end === spec.length) break;
    start = end + 1;
  }
  if (positives === 0 && negatives > 0) set.bits.setAll();
  set.bits.andNot(neg.bits);
  return set;
}
