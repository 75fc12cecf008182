// Domain-name sets matched on raw name bytes (TLS SNI, DNS query names in text form, HTTP Host):
// a reversed-label trie, exact and suffix matching, ASCII case-insensitive (RFC 4343), RFC 1035 labels.
//
// Patterns and what they match (`ex.com` stands for any domain):
//
//   ex.com       exact: `ex.com` (any case, with or without one trailing dot), nothing else
//   .ex.com      suffix with Suricata `dotprefix` semantics: `ex.com` itself and every name that ends
//                in `.ex.com` at a label boundary (`a.ex.com`, `a.b.ex.com`), never `badex.com`
//   *.ex.com     the same as `.ex.com` (the domain and all subdomains, at any depth)
//
// When several patterns match, an exact pattern for the whole name wins, then the suffix pattern with
// the most labels. Unicode patterns (`münchen.de`) are converted to their A-label form
// (`xn--mnchen-3ya.de`, UTS #46) at load time; names on the wire are compared byte for byte after
// folding A-Z, so punycode on the wire matches and raw UTF-8 on the wire matches nothing.
//
// Layout: nodes are indices (0 = the root); node n has exact[n] and suffix[n] (a value or -1). Edges
// live in one open-addressed hash table keyed by (parent node, label bytes):
//
//   slot e:  edgeParent[e] (-1 = empty)  edgeHash[e]  edgeChild[e]  edgeOff[e], edgeLen[e] → labels pool
//
// A lookup walks the name from its last label to its first, hashing each label while scanning it
// backwards, one probe sequence per label; no allocation, no strings.

import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { RulesError, forEachListLine, shift, type SourcePos } from './rules-error.js';

export const NO_MATCH = -1;

const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 65 && i <= 90 ? i + 32 : i;

const DOT = 46;
const SEED = 0x811c9dc5;
const PRIME = 0x01000193;

function mix(h: number, parent: number): number {
  h = Math.imul(h ^ parent, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * A set of domain patterns, each with an integer value. Build at compile time, then share read-only:
 * `match` never allocates and keeps no reference to the buffer it reads.
 */
export class DomainTrie {
  private exact = new Int32Array(256).fill(-1);
  private suffix = new Int32Array(256).fill(-1);
  private nodes = 1;

  private edgeParent = new Int32Array(512).fill(-1);
  private edgeHash = new Uint32Array(512);
  private edgeChild = new Int32Array(512);
  private edgeOff = new Int32Array(512);
  private edgeLen = new Uint8Array(512);
  private mask = 511;
  private edges = 0;

  private pool = new Uint8Array(4096);
  private poolUsed = 0;

  /** Patterns inserted (duplicates counted). */
  size = 0;

  /**
   * The value of the best pattern for the name in `bytes[offset .. offset+length)` (see the file
   * comment for precedence), or NO_MATCH (-1). A name with an empty label (`a..b`, `.a`) or longer
   * than 253 bytes matches nothing.
   */
  match(bytes: Uint8Array, offset: number, length: number): number {
    if (length > 0 && bytes[offset + length - 1] === DOT) length--;
    if (length <= 0 || length > 253) return NO_MATCH;
    const parentArr = this.edgeParent;
    const hashArr = this.edgeHash;
    const offArr = this.edgeOff;
    const lenArr = this.edgeLen;
    const childArr = this.edgeChild;
    const suffix = this.suffix;
    const pool = this.pool;
    const mask = this.mask;
    let best = NO_MATCH;
    let node = 0;
    let i = offset + length;
    for (;;) {
      // scan one label backwards: [j, i)
      let h = SEED;
      let j = i;
      while (j > offset) {
        const c = bytes[j - 1];
        if (c === DOT) break;
        h = Math.imul(h ^ FOLD[c], PRIME);
        j--;
      }
      const len = i - j;
      if (len === 0 || len > 63) return NO_MATCH;
      h = mix(h, node);
      let e = h & mask;
      let child = -1;
      for (;;) {
        const p = parentArr[e];
        if (p === -1) break;
        if (p === node && hashArr[e] === h && lenArr[e] === len) {
          const o = offArr[e];
          let k = 0;
          while (k < len && pool[o + k] === FOLD[bytes[j + k]]) k++;
          if (k === len) {
            child = childArr[e];
            break;
          }
        }
        e = (e + 1) & mask;
      }
      if (child < 0) return best;
      node = child;
      if (j === offset) break;
      const s = suffix[node];
      if (s >= 0) best = s;
      i = j - 1;
    }
    const x = this.exact[node];
    if (x >= 0) return x;
    const s = suffix[node];
    return s >= 0 ? s : best;
  }

  /**
   * Adds `example.com` (exact), `.example.com` or `*.example.com` (the domain and all subdomains).
   * The same pattern twice keeps the last value. Errors name `pos` (moved to the bad column).
   */
  insert(pattern: string, value: number, pos: SourcePos = { file: '<domain>', line: 1, column: 1 }): void {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`value ${value}: expected 0..2^31-1`);
    let text = pattern;
    let col = 0;
    let isSuffix = false;
    if (text.startsWith('*.')) {
      isSuffix = true;
      text = text.slice(2);
      col = 2;
    } else if (text.startsWith('.')) {
      isSuffix = true;
      text = text.slice(1);
      col = 1;
    }
    if (text.endsWith('.')) text = text.slice(0, -1);
    if (text === '') throw new RulesError(pos, `"${pattern}" names no domain; expected example.com, .example.com or *.example.com`);
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(text)) {
      const ascii = domainToASCII(text);
      if (ascii === '') throw new RulesError(shift(pos, col), `"${text}" is not a valid internationalized domain name; expected IDNA labels or punycode (xn--...)`);
      text = ascii;
      col = -1; // columns no longer map onto the source text
    }
    if (text.length > 253) throw new RulesError(shift(pos, Math.max(col, 0)), `domain is ${text.length} characters; expected at most 253`);
    const labels = text.split('.');
    let at = 0;
    for (const label of labels) {
      const here = shift(pos, col < 0 ? 0 : col + at);
      if (label === '') throw new RulesError(here, `empty label in "${pattern}"; expected labels separated by single dots`);
      if (label.length > 63) throw new RulesError(here, `label "${label.slice(0, 20)}..." is ${label.length} characters; expected at most 63`);
      const bad = label.search(/[^A-Za-z0-9_-]/);
      if (bad >= 0) {
        const c = label[bad];
        const why = c === '*' ? 'a wildcard is only allowed as the whole first label (*.example.com)' : 'letters, digits, "-" or "_"';
        throw new RulesError(shift(here, col < 0 ? 0 : bad), `unexpected "${c}" in "${pattern}"; expected ${why}`);
      }
      at += label.length + 1;
    }
    let node = 0;
    for (let k = labels.length - 1; k >= 0; k--) node = this.childFor(node, labels[k]);
    if (isSuffix) this.suffix[node] = value;
    else this.exact[node] = value;
    this.size++;
  }

  /** Trie nodes and edge-table slots in use. */
  stats(): { nodes: number; edges: number; tableSlots: number; poolBytes: number } {
    return { nodes: this.nodes, edges: this.edges, tableSlots: this.mask + 1, poolBytes: this.poolUsed };
  }

  private childFor(parent: number, label: string): number {
    const len = label.length;
    let h = SEED;
    for (let k = len - 1; k >= 0; k--) h = Math.imul(h ^ FOLD[label.charCodeAt(k)], PRIME);
    h = mix(h, parent);
    let e = h & this.mask;
    for (;;) {
      const p = this.edgeParent[e];
      if (p === -1) break;
      if (p === parent && this.edgeHash[e] === h && this.edgeLen[e] === len) {
        const o = this.edgeOff[e];
        let k = 0;
        while (k < len && this.pool[o + k] === FOLD[label.charCodeAt(k)]) k++;
        if (k === len) return this.edgeChild[e];
      }
      e = (e + 1) & this.mask;
    }
    const child = this.newNode();
    if (this.poolUsed + len > this.pool.length) {
      const np = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      np.set(this.pool);
      this.pool = np;
    }
    const off = this.poolUsed;
    for (let k = 0; k < len; k++) this.pool[off + k] = FOLD[label.charCodeAt(k)];
    this.poolUsed += len;
    this.edgeParent[e] = parent;
    this.edgeHash[e] = h;
    this.edgeChild[e] = child;
    this.edgeOff[e] = off;
    this.edgeLen[e] = len;
    if (++this.edges * 2 > this.mask + 1) this.growTable();
    return child;
  }

  private newNode(): number {
    if (this.nodes === this.exact.length) {
      const x = new Int32Array(this.exact.length * 2).fill(-1);
      x.set(this.exact);
      const s = new Int32Array(this.suffix.length * 2).fill(-1);
      s.set(this.suffix);
      this.exact = x;
      this.suffix = s;
    }
    return this.nodes++;
  }

  private growTable(): void {
    const oldP = this.edgeParent;
    const oldH = this.edgeHash;
    const oldC = this.edgeChild;
    const oldO = this.edgeOff;
    const oldL = this.edgeLen;
    const cap = (this.mask + 1) * 2;
    this.mask = cap - 1;
    this.edgeParent = new Int32Array(cap).fill(-1);
    this.edgeHash = new Uint32Array(cap);
    this.edgeChild = new Int32Array(cap);
    this.edgeOff = new Int32Array(cap);
    this.edgeLen = new Uint8Array(cap);
    for (let i = 0; i < oldP.length; i++) {
      if (oldP[i] === -1) continue;
      let e = oldH[i] & this.mask;
      while (this.edgeParent[e] !== -1) e = (e + 1) & this.mask;
      this.edgeParent[e] = oldP[i];
      this.edgeHash[e] = oldH[i];
      this.edgeChild[e] = oldC[i];
      this.edgeOff[e] = oldO[i];
      this.edgeLen[e] = oldL[i];
    }
  }
}

/**
 * Adds every pattern of a domain list's text (one per line, `#` comments, blank lines skipped) to
 * `trie` with `value`. A bad line throws a RulesError `FILE:LINE:COL: ...`.
 */
export function parseDomainList(content: string, file: string, value: number, trie: DomainTrie = new DomainTrie()): DomainTrie {
  forEachListLine(file, content, (text, pos) => {
    const ws = text.search(/\s/);
    if (ws >= 0) throw new RulesError(shift(pos, ws), `unexpected text after "${text.slice(0, ws)}"; expected one domain per line (comments start with #)`);
    trie.insert(text, value, pos);
  });
  return trie;
}

/** Reads a domain list file (see parseDomainList). */
export function loadDomainFile(path: string, value: number, trie: DomainTrie = new DomainTrie()): DomainTrie {
  return parseDomainList(readFileSync(path, 'utf8'), path, value, trie);
}
