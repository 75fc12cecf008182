// What the DNS-tunnel heuristics need of a query name, computed once per name and kept in a small
// direct-mapped cache (names repeat: search-path expansions, retries, polling clients): the
// registered domain's key (Public Suffix List: public suffix plus one label), the longest label,
// and the length and Shannon entropy of the part under the registered domain.

import { publicSuffixList, splitName, type PublicSuffixList } from '../compile/public-suffix.js';

const SLOTS = 4096;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A 32-bit FNV-1a key of a registered domain (lower case). */
function domainKey(d: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class TunnelNames {
  private psl: PublicSuffixList | null = null;
  private readonly names: (string | null)[] = new Array<string | null>(SLOTS).fill(null);
  /** Per slot: registered-domain key, or -1 when the name has nothing under its registered domain (or is no name). */
  private readonly keys = new Float64Array(SLOTS);
  private readonly maxLabels = new Int32Array(SLOTS);
  private readonly subLengths = new Int32Array(SLOTS);
  private readonly entropies = new Float64Array(SLOTS);
  // the result of the last lookup()
  key = -1;
  maxLabel = 0;
  subLength = 0;
  subEntropy = 0;

  /** Fill key / maxLabel / subLength / subEntropy for `query`; false when no tunnel test applies (key -1). */
  lookup(query: string): boolean {
    let h = 0;
    for (let i = 0; i < query.length; i++) h = Math.imul(h ^ query.charCodeAt(i), 0x01000193);
    const slot = (h >>> 0) & (SLOTS - 1);
    if (this.names[slot] !== query) {
      this.compute(query, slot);
      this.names[slot] = query;
    }
    this.key = this.keys[slot];
    this.maxLabel = this.maxLabels[slot];
    this.subLength = this.subLengths[slot];
    this.subEntropy = this.entropies[slot];
    return this.key >= 0;
  }

  private compute(query: string, slot: number): void {
    this.keys[slot] = -1;
    const labels = splitName(query);
    if (labels === null) return;
    this.psl ??= publicSuffixList();
    const n = this.psl.suffixLabels(labels) + 1; // labels of the registered domain
    if (labels.length <= n) return; // nothing under the registered domain
    const sub = labels.slice(0, labels.length - n).join('');
    let max = 0;
    for (const l of labels) if (l.length > max) max = l.length;
    this.keys[slot] = domainKey(labels.slice(labels.length - n).join('.'));
    this.maxLabels[slot] = max;
    this.subLengths[slot] = sub.length;
    this.entropies[slot] = sub.length >= 16 ? entropy(sub) : 0;
  }
}
