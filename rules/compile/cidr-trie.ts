// CIDR sets for IPv4 and IPv6 (RFC 4632 prefixes, RFC 4291 §2.2 text forms): longest-prefix and
// any-match lookups on address bytes in a packet buffer, over a 4-bit-stride radix trie in typed arrays.
//
// Layout (one trie per family): node n owns slots n*16 .. n*16+15, one per nibble value.
//
//   slot s:  child[s]  next node for this nibble (0 = none; node 0 is the root, never a child)
//            value[s]  value of the longest prefix that ends inside this node and covers nibble s
//            plen[s]   that prefix's length + 1 (0 = no prefix ends here)
//
// A prefix whose last nibble is partial (/9, /10, /11) is expanded over the 2, 4 or 8 slots it covers
// (controlled prefix expansion); a longer prefix ending in the same node overrides a shorter one slot
// by slot, whatever the insertion order. An IPv4 lookup is at most 8 slot reads, IPv6 at most 32.
// The stride is 4 rather than 8 because a 256-slot node per level would cost ~180 MB for 10k
// scattered IPv6 /64s; 16-slot nodes keep that under 25 MB.

import { readFileSync } from 'node:fs';
import { RulesError, forEachListLine, shift, type SourcePos } from './rules-error.js';

export const NO_MATCH = -1;

const INITIAL_NODES = 64;

class NibbleTrie {
  child: Int32Array;
  value: Int32Array;
  plen: Uint8Array;
  nodes = 1;
  rootValue = NO_MATCH;
  rootSet = false;
  /** Prefix length of the last successful lookup (0 for a /0 match). */
  lastLength = 0;

  constructor(readonly addrBytes: number) {
    this.child = new Int32Array(INITIAL_NODES * 16);
    this.value = new Int32Array(INITIAL_NODES * 16);
    this.plen = new Uint8Array(INITIAL_NODES * 16);
  }

  private newNode(): number {
    if ((this.nodes + 1) * 16 > this.child.length) {
      const cap = this.child.length * 2;
      const c = new Int32Array(cap);
      c.set(this.child);
      const v = new Int32Array(cap);
      v.set(this.value);
      const p = new Uint8Array(cap);
      p.set(this.plen);
      this.child = c;
      this.value = v;
      this.plen = p;
    }
    return this.nodes++;
  }

  insert(addr: ArrayLike<number>, prefix: number, value: number): void {
    if (prefix === 0) {
      this.rootValue = value;
      this.rootSet = true;
      return;
    }
    const last = ((prefix + 3) >>> 2) - 1;
    let node = 0;
    for (let i = 0; i < last; i++) {
      const s = node * 16 + nibble(addr, i);
      let next = this.child[s];
      if (next === 0) {
        next = this.newNode();
        this.child[s] = next;
      }
      node = next;
    }
    const r = prefix - 4 * last;
    const span = 1 << (4 - r);
    const base = node * 16 + (nibble(addr, last) & ~(span - 1));
    for (let s = base; s < base + span; s++) {
      if (this.plen[s] <= prefix + 1) {
        this.plen[s] = prefix + 1;
        this.value[s] = value;
      }
    }
  }

  lookup(bytes: Uint8Array, offset: number): number {
    let best = this.rootValue;
    let bestLen = 0;
    const child = this.child;
    const plen = this.plen;
    let node = 0;
    const end = offset + this.addrBytes;
    for (let o = offset; o < end; o++) {
      const b = bytes[o];
      let s = (node << 4) | (b >>> 4);
      if (plen[s] !== 0) {
        best = this.value[s];
        bestLen = plen[s] - 1;
      }
      node = child[s];
      if (node === 0) break;
      s = (node << 4) | (b & 15);
      if (plen[s] !== 0) {
        best = this.value[s];
        bestLen = plen[s] - 1;
      }
      node = child[s];
      if (node === 0) break;
    }
    this.lastLength = bestLen;
    return best;
  }

  contains(bytes: Uint8Array, offset: number): boolean {
    if (this.rootSet) return true;
    const child = this.child;
    const plen = this.plen;
    let node = 0;
    const end = offset + this.addrBytes;
    for (let o = offset; o < end; o++) {
      const b = bytes[o];
      let s = (node << 4) | (b >>> 4);
      if (plen[s] !== 0) return true;
      node = child[s];
      if (node === 0) return false;
      s = (node << 4) | (b & 15);
      if (plen[s] !== 0) return true;
      node = child[s];
      if (node === 0) return false;
    }
    return false;
  }
}

function nibble(addr: ArrayLike<number>, i: number): number {
  const b = addr[i >>> 1];
  return (i & 1) === 0 ? b >>> 4 : b & 15;
}

/**
 * A set of IPv4 and IPv6 prefixes, each with an integer value (a rule-group bitset index, an index
 * into an id list, ...). Build once at compile time, then share read-only: lookups never allocate
 * and never keep a reference to the buffer they read.
 *
 * - Overlapping prefixes: `lookup` returns the value of the longest matching prefix; inserting the
 *   same prefix twice keeps the last value (merge id lists before inserting).
 * - Negation (`!10.0.0.0/8`) is the caller's: compile the negated prefixes into a second set and
 *   test `!neg.contains(...)`.
 * - IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are IPv6 here; the caller decides whether to
 *   look them up as IPv4.
 */
export class CidrSet {
  private readonly v4 = new NibbleTrie(4);
  private readonly v6 = new NibbleTrie(16);
  /** Number of prefixes inserted (duplicates counted). */
  size = 0;
  /** Prefix length of the match of the last `lookup` call that matched. */
  get lastPrefixLength(): number {
    return this.lastV6 ? this.v6.lastLength : this.v4.lastLength;
  }
  private lastV6 = false;

  /**
   * Value of the longest prefix containing the address at `bytes[offset..]` (4 bytes when
   * `ipVersion` is 4, 16 when 6), or NO_MATCH (-1). The caller guarantees the bytes are there (the
   * decoder validated the header).
   */
  lookup(bytes: Uint8Array, offset: number, ipVersion: number): number {
    this.lastV6 = ipVersion === 6;
    return ipVersion === 6 ? this.v6.lookup(bytes, offset) : this.v4.lookup(bytes, offset);
  }

  /** True when any prefix contains the address (stops at the shortest matching prefix). */
  contains(bytes: Uint8Array, offset: number, ipVersion: number): boolean {
    return ipVersion === 6 ? this.v6.contains(bytes, offset) : this.v4.contains(bytes, offset);
  }

  /** Inserts a prefix given as network-order bytes (host bits beyond `prefix` are ignored). */
  insertBytes(addr: ArrayLike<number>, prefix: number, ipVersion: 4 | 6, value: number): void {
    const max = ipVersion === 6 ? 128 : 32;
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new RangeError(`prefix /${prefix} for IPv${ipVersion}`);
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`value ${value}: expected 0..2^31-1`);
    (ipVersion === 6 ? this.v6 : this.v4).insert(addr, prefix, value);
    this.size++;
  }

  /** Inserts `10.0.0.0/8`, `fd00::/8`, or a bare address (= /32, /128); errors name `pos`. */
  insert(cidr: string, value: number, pos: SourcePos = { file: '<cidr>', line: 1, column: 1 }): void {
    const p = parseCidr(cidr, pos);
    this.insertBytes(p.bytes, p.prefix, p.version, value);
  }

  /** Trie nodes in use, IPv4 and IPv6 (memory is 16 × 9 bytes per node). */
  nodeCount(): { v4: number; v6: number } {
    return { v4: this.v4.nodes, v6: this.v6.nodes };
  }
}

/** A parsed prefix; `bytes` is 4 or 16 bytes in network order. */
export interface ParsedCidr { version: 4 | 6; bytes: Uint8Array; prefix: number }

/**
 * Parses one CIDR in text form. Strict, so that nothing is silently misread: IPv4 is four decimal
 * octets without leading zeros; IPv6 is RFC 4291 text (one `::`, an optional dotted IPv4 tail, no zone
 * id); a prefix length is decimal within the family's bits; host bits beyond the prefix are an error.
 */
export function parseCidr(text: string, pos: SourcePos): ParsedCidr {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const v6 = addrText.includes(':');
  const bytes = v6 ? parseIpv6(addrText, pos) : parseIpv4(addrText, pos, true);
  const bits = v6 ? 128 : 32;
  let prefix = bits;
  if (slash >= 0) {
    const pt = text.slice(slash + 1);
    const at = shift(pos, slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(pt)) throw new RulesError(at, `bad prefix length "${pt}"; expected a number 0-${bits}`);
    prefix = Number(pt);
    if (prefix > bits) throw new RulesError(at, `prefix length /${prefix} too long for IPv${v6 ? 6 : 4}; expected 0-${bits}`);
  }
  for (let bit = prefix; bit < bits; bit++) {
    if ((bytes[bit >>> 3] & (0x80 >>> (bit & 7))) !== 0) {
      const net = bytes.slice();
      for (let b = prefix; b < bits; b++) net[b >>> 3] &= ~(0x80 >>> (b & 7));
      throw new RulesError(pos, `host bits set in "${text}"; expected the network address ${formatAddr(net, v6)}/${prefix}`);
    }
  }
  return { version: v6 ? 6 : 4, bytes, prefix };
}

function formatAddr(b: Uint8Array, v6: boolean): string {
  if (!v6) return Array.from(b).join('.');
  const g: string[] = [];
  for (let i = 0; i < 16; i += 2) g.push(((b[i] << 8) | b[i + 1]).toString(16));
  return g.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function parseIpv4(text: string, pos: SourcePos, whole: boolean): Uint8Array {
  const parts = text.split('.');
  const what = whole ? 'an IPv4 address a.b.c.d or an IPv6 address, optionally /LEN' : 'a dotted IPv4 tail a.b.c.d';
  if (parts.length !== 4) throw new RulesError(pos, `bad address "${text}"; expected ${what}`);
  const out = new Uint8Array(4);
  let col = 0;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    const at = shift(pos, col);
    if (!/^\d{1,3}$/.test(p)) throw new RulesError(at, `bad IPv4 octet "${p}" in "${text}"; expected a decimal number 0-255`);
    if (p.length > 1 && p[0] === '0') throw new RulesError(at, `IPv4 octet "${p}" has a leading zero (octal or decimal?); expected a decimal number 0-255 without leading zeros`);
    const v = Number(p);
    if (v > 255) throw new RulesError(at, `IPv4 octet ${v} out of range in "${text}"; expected 0-255`);
    out[i] = v;
    col += p.length + 1;
  }
  return out;
}

function parseIpv6(text: string, pos: SourcePos): Uint8Array {
  const out = new Uint8Array(16);
  const pct = text.indexOf('%');
  if (pct >= 0) throw new RulesError(shift(pos, pct), `zone id in "${text}"; expected an IPv6 address without %zone`);
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) throw new RulesError(shift(pos, text.indexOf('::', dbl + 1)), `second "::" in "${text}"; expected at most one`);
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const tail = dbl >= 0 ? text.slice(dbl + 2) : '';
  const groups = (s: string, col: number): { vals: number[]; v4: Uint8Array | null } => {
    const vals: number[] = [];
    let v4: Uint8Array | null = null;
    if (s === '') return { vals, v4 };
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const at = shift(pos, col);
      if (i === parts.length - 1 && p.includes('.')) {
        v4 = parseIpv4(p, at, false);
      } else if (!/^[0-9a-fA-F]{1,4}$/.test(p)) {
        throw new RulesError(at, `bad IPv6 group "${p}" in "${text}"; expected 1-4 hex digits`);
      } else {
        vals.push(parseInt(p, 16));
      }
      col += p.length + 1;
    }
    return { vals, v4 };
  };
  const h = groups(head, 0);
  if (h.v4 !== null && dbl >= 0) throw new RulesError(pos, `dotted IPv4 before "::" in "${text}"; expected it as the last 32 bits`);
  const t = groups(tail, dbl + 2);
  const n = h.vals.length + t.vals.length + ((h.v4 ?? t.v4) !== null ? 2 : 0);
  if (dbl < 0 && n !== 8) throw new RulesError(pos, `"${text}" has ${n} groups; expected 8 (or "::" for zeros)`);
  if (dbl >= 0 && n > 7) throw new RulesError(pos, `"${text}" has too many groups for "::"; expected at most 7 beside it`);
  let i = 0;
  for (const v of h.vals) {
    out[i++] = v >>> 8;
    out[i++] = v & 255;
  }
  if (h.v4 !== null) out.set(h.v4, i);
  i = 16 - t.vals.length * 2 - (t.v4 !== null ? 4 : 0);
  for (const v of t.vals) {
    out[i++] = v >>> 8;
    out[i++] = v & 255;
  }
  if (t.v4 !== null) out.set(t.v4, i);
  return out;
}

/**
 * Adds every prefix of a list file's text (one CIDR or address per line, `#` comments, blank lines
 * skipped) to `set` with `value`. A bad line throws a RulesError `FILE:LINE:COL: ...`.
 */
export function parseCidrList(content: string, file: string, value: number, set: CidrSet = new CidrSet()): CidrSet {
  forEachListLine(file, content, (text, pos) => {
    if (/\s/.test(text)) throw new RulesError(shift(pos, text.search(/\s/)), `unexpected text after "${text.split(/\s/)[0]}"; expected one CIDR per line (comments start with #)`);
    const p = parseCidr(text, pos);
    set.insertBytes(p.bytes, p.prefix, p.version, value);
  });
  return set;
}

/** Reads a CIDR list file (see parseCidrList). */
export function loadCidrFile(path: string, value: number, set: CidrSet = new CidrSet()): CidrSet {
  return parseCidrList(readFileSync(path, 'utf8'), path, value, set);
}
