// App rules indexed by the names they list (exact names, dot-prefix domains, domain files): an
// event's name and each of its parent domains are looked up by a hash of that suffix, computed
// right to left over the name in one pass, so a lookup makes no substrings. Two names with one
// hash share a list: that only adds candidates, which are checked in full.

/** Hashes are kept to 30 bits: small-integer Map keys, never boxed. */
const MASK = 0x3fffffff;

/** The hash of `s` (already lower-cased) as lookups compute it for a suffix. */
function hashOf(s: string): number {
  let h = 0;
  for (let i = s.length - 1; i >= 0; i--) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h & MASK;
}

function put(map: Map<number, number[]>, name: string, rule: number): void {
  const key = hashOf(name);
  const list = map.get(key);
  if (list === undefined) map.set(key, [rule]);
  else if (list[list.length - 1] !== rule) list.push(rule);
}

/** A growable list of rule ids, reused from event to event (no allocation once grown). */
export class IdList {
  ids = new Int32Array(64);
  n = 0;

  push(v: number): void {
    if (this.n === this.ids.length) {
      const b = new Int32Array(this.n * 2);
      b.set(this.ids);
      this.ids = b;
    }
    this.ids[this.n++] = v;
  }

  /** Sort ascending and drop repeats (a few ids: insertion sort). */
  sortUnique(): void {
    const a = this.ids;
    const n = this.n;
    for (let k = 1; k < n; k++) {
      const v = a[k];
      let j = k - 1;
      while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
      a[j + 1] = v;
    }
    let w = 0;
    for (let k = 0; k < n; k++) if (k === 0 || a[k] !== a[k - 1]) a[w++] = a[k];
    this.n = w;
  }
}

function pushAll(from: number[] | undefined, out: IdList): void {
  if (from !== undefined) for (let k = 0; k < from.length; k++) out.push(from[k]);
}

export class AppNameIndex {
  private readonly exact = new Map<number, number[]>();
  private readonly domain = new Map<number, number[]>();

  /** Rule `rule` names `name` exactly (lower case, no trailing dot). */
  addExact(name: string, rule: number): void {
    put(this.exact, name, rule);
  }

  /** Rule `rule` names `domain` and every name under it (lower case, no leading dot). */
  addDomain(domain: string, rule: number): void {
    put(this.domain, domain, rule);
  }

  /**
   * Push the rules naming `name` (any case, one trailing dot ignored) exactly or by one of its
   * domains onto `out` (unsorted, maybe repeated).
   */
  collect(name: string, out: IdList): void {
    this.walk(name, out, false);
  }

  /** `lowered`: `name` went through toLowerCase() already (it has non-ASCII characters). */
  private walk(name: string, out: IdList, lowered: boolean): void {
    let end = name.length;
    if (end > 0 && name.charCodeAt(end - 1) === 46) end--;
    const domain = this.domain;
    let h = 0;
    for (let i = end - 1; i >= 0; i--) {
      let c = name.charCodeAt(i);
      if (c >= 128 && !lowered) return this.walk(name.toLowerCase(), out, true); // Unicode case rules, as the keys had
      if (c === 46) pushAll(domain.get(h & MASK), out); // the parent domain after this dot
      if (c >= 65 && c <= 90) c += 32;
      h = (Math.imul(h, 31) + c) | 0;
    }
    pushAll(this.exact.get(h & MASK), out);
    pushAll(domain.get(h & MASK), out);
  }
}
