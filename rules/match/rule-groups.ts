// Rule groups as Suricata's signature group heads (detect-engine-siggroup.c): the rules that can match
// a packet of one protocol, destination port and direction relative to the cluster. Each dimension is
// a bitset of candidate rules; a group is their intersection, built once on first use and cached as
// a list, so the packet path does one lookup and checks only the group's rules.
//
//   protoBits[protocol index]   rules of that protocol or any protocol
//   dirBits[packet direction]   rules of that direction or any direction
//   portClass[dport] → class    ports that no rule tells apart share a class
//   classBits[class]            rules listing a port of the class, or any port
//   group(proto, class, dir)  = protoBits ∩ classBits ∩ dirBits   (cached, as rule ids in order)

import { Bitset } from '../compile/bitset.js';

/** A rule as the groups see it (header conditions only; everything else is checked on the candidates). */
export interface GroupedRule {
  /** The caller's rule id, returned in group lists. */
  id: number;
  /** IP protocol number, 0 for any. */
  proto: number;
  /** Direction relative to the cluster (header-match.ts DIR_*), DIR_ANY (0) for any. */
  direction: number;
  /** Destination-port ranges `[lo, hi, ...]` (header-match.ts portRanges), null for any port. */
  dport: Int32Array | null;
  /** `<>` rules also match with the ports swapped: in every port class. */
  bidirectional: boolean;
}

/** Protocols with their own bitset; others use index 0 (rules for any protocol only). */
const PROTO_INDEX = new Uint8Array(256);
PROTO_INDEX[6] = 1;
PROTO_INDEX[17] = 2;
PROTO_INDEX[1] = 3;
PROTO_INDEX[58] = 4;
const PROTOS = [0, 6, 17, 1, 58];
const DIRS = 4;
/** A rule listing more ports than this goes into every port class (checked on every candidate). */
const MAX_INDEXED_PORTS = 4096;
const EMPTY = new Int32Array(0);

export class RuleGroups {
  private readonly ids: Int32Array;
  private readonly protoBits: Bitset[];
  private readonly dirBits: Bitset[];
  private readonly portClass = new Int32Array(65536);
  private readonly classBits: Bitset[] = [];
  private readonly cache = new Map<number, Int32Array>();
  private readonly scratch: Bitset;

  constructor(rules: GroupedRule[]) {
    const n = rules.length;
    this.ids = Int32Array.from(rules.map((r) => r.id));
    this.scratch = new Bitset(n);
    this.protoBits = PROTOS.map((p) => {
      const b = new Bitset(n);
      rules.forEach((r, k) => { if (r.proto === 0 || (p !== 0 && r.proto === p)) b.add(k); });
      return b;
    });
    this.dirBits = Array.from({ length: DIRS }, (_, d) => {
      const b = new Bitset(n);
      rules.forEach((r, k) => { if (r.direction === 0 || r.direction === d) b.add(k); });
      return b;
    });
    // Port classes by partition refinement: each indexed rule splits the classes of its ports.
    const portsOf: (Int32Array | null)[] = rules.map((r) => {
      if (r.dport === null || r.bidirectional) return null;
      let count = 0;
      for (let k = 0; k < r.dport.length; k += 2) count += r.dport[k + 1] - r.dport[k] + 1;
      if (count > MAX_INDEXED_PORTS) return null;
      const ports = new Int32Array(count);
      let w = 0;
      for (let k = 0; k < r.dport.length; k += 2) for (let p = r.dport[k]; p <= r.dport[k + 1]; p++) ports[w++] = p;
      return ports;
    });
    let classes = 1;
    const stamp: number[] = [-1];
    const remap: number[] = [0];
    portsOf.forEach((ports, k) => {
      if (ports === null) return;
      for (const p of ports) {
        const c = this.portClass[p];
        if (stamp[c] !== k) {
          stamp[c] = k;
          remap[c] = classes;
          stamp.push(-1);
          remap.push(0);
          classes++;
        }
        this.portClass[p] = remap[c];
      }
    });
    // Renumber the classes in use densely (split-off parents may be left without ports).
    const dense = new Int32Array(classes).fill(-1);
    let used = 0;
    for (let p = 0; p < 65536; p++) {
      const c = this.portClass[p];
      if (dense[c] < 0) dense[c] = used++;
      this.portClass[p] = dense[c];
    }
    for (let c = 0; c < used; c++) this.classBits.push(new Bitset(n));
    portsOf.forEach((ports, k) => {
      if (ports === null) {
        for (const b of this.classBits) b.add(k);
        return;
      }
      for (const p of ports) this.classBits[this.portClass[p]].add(k);
    });
  }

  /** Number of distinct destination-port classes (for summaries and tests). */
  get portClasses(): number {
    return this.classBits.length;
  }

  /** Groups built so far. */
  get built(): number {
    return this.cache.size;
  }

  /**
   * The ids of the rules that can match a packet of IP protocol `proto` to `dport` (0 when the
   * protocol has no ports) in cluster direction `dir`, ascending. The returned array is shared and
   * read-only; it stays valid for the life of the groups.
   */
  candidates(proto: number, dport: number, dir: number): Int32Array {
    if (this.ids.length === 0) return EMPTY;
    const pc = this.portClass[dport];
    const pi = PROTO_INDEX[proto];
    const key = (pc * 5 + pi) * DIRS + dir;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const s = this.scratch;
    s.copyFrom(this.classBits[pc]);
    s.and(this.protoBits[pi]);
    s.and(this.dirBits[dir]);
    const out = new Int32Array(s.count());
    let w = 0;
    for (let k = s.next(0); k >= 0; k = s.next(k + 1)) out[w++] = this.ids[k];
    this.cache.set(key, out);
    return out;
  }
}
