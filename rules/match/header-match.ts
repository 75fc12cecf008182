// A rule's header conditions compiled for the packet path: protocol, addresses (CIDR tries with
// negation), ports (sorted ranges), direction relative to the cluster, flow direction and state.

import type { Packet } from '../../decoders/packet.js';
import type { AddrSpec, PortSpec } from '../parse/addresses.js';
import type { ClusterProfile, RuleMatch } from '../parse/policy-schema.js';
import { CidrSet } from '../compile/cidr-trie.js';

const PROTO: Record<string, number> = { any: 0, tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
export const DIR_ANY = 0;
export const DIR_INGRESS = 1;
export const DIR_EGRESS = 2;
export const DIR_EAST_WEST = 3;
const DIRS: Record<string, number> = { any: DIR_ANY, ingress: DIR_INGRESS, egress: DIR_EGRESS, 'east-west': DIR_EAST_WEST };

/** An address spec as two tries (include, exclude); null include means any. */
class AddrMatch {
  private readonly inc: CidrSet | null;
  private readonly exc: CidrSet | null;
  constructor(s: AddrSpec) {
    this.inc = s.any ? null : cidrSet(s.include);
    this.exc = s.exclude.length > 0 ? cidrSet(s.exclude) : null;
  }
  has(b: Uint8Array, off: number, v: number): boolean {
    if (this.inc !== null && !this.inc.contains(b, off, v)) return false;
    return this.exc === null || !this.exc.contains(b, off, v);
  }
}

export function cidrSetOf(list: { bytes: Uint8Array; prefix: number }[]): CidrSet {
  return cidrSet(list);
}

function cidrSet(list: { bytes: Uint8Array; prefix: number }[]): CidrSet {
  const set = new CidrSet();
  for (const c of list) set.insertBytes(c.bytes, c.prefix, c.bytes.length === 16 ? 6 : 4, 1);
  return set;
}

const PORT_SCRATCH = new Uint8Array(65536);

/**
 * A port spec as sorted, disjoint inclusive ranges `[lo0, hi0, lo1, hi1, ...]`, or null for any
 * port. A few ranges per rule (not a 64 KiB map): 10k rules stay small and cache-friendly.
 */
export function portRanges(s: PortSpec): Int32Array | null {
  if (s.any && s.exclude.length === 0) return null;
  const m = PORT_SCRATCH;
  m.fill(s.any ? 1 : 0);
  for (const r of s.include) m.fill(1, r.lo, r.hi + 1);
  for (const r of s.exclude) m.fill(0, r.lo, r.hi + 1);
  const out: number[] = [];
  for (let lo = m.indexOf(1); lo >= 0; ) {
    const end = m.indexOf(0, lo); // runs found by the native scan, not a loop over 65,536 ports
    const hi = end < 0 ? 65536 : end;
    out.push(lo, hi - 1);
    lo = hi < 65536 ? m.indexOf(1, hi) : -1;
  }
  return Int32Array.from(out);
}

/** Is `port` in the ranges? */
export function inPortRanges(r: Int32Array, port: number): boolean {
  for (let k = 0; k < r.length; k += 2) {
    if (port < r[k]) return false;
    if (port <= r[k + 1]) return true;
  }
  return false;
}

/** The cluster's own addresses (pod, service, node CIDRs and control-plane addresses). */
export function clusterSet(c: ClusterProfile): CidrSet {
  return cidrSet([...c.podCidrs, ...c.serviceCidrs, ...c.nodeCidrs, ...c.controlPlaneAddresses]);
}

export class HeaderMatch {
  readonly proto: number;
  readonly direction: number;
  private readonly src: AddrMatch;
  private readonly dst: AddrMatch;
  private readonly sport: Int32Array | null;
  /** Destination-port ranges (portRanges), null for any port (read by the rule groups). */
  readonly dport: Int32Array | null;
  readonly bidirectional: boolean;
  readonly established: boolean;
  readonly toServer: boolean | null;

  constructor(m: RuleMatch) {
    this.proto = PROTO[m.protocol] ?? 0;
    this.direction = DIRS[m.direction] ?? DIR_ANY;
    this.src = new AddrMatch(m.src);
    this.dst = new AddrMatch(m.dst);
    this.sport = portRanges(m.srcPorts);
    this.dport = portRanges(m.dstPorts);
    this.bidirectional = m.bidirectional;
    this.established = m.flowState === 'established';
    this.toServer = m.flowDirection === null ? null : m.flowDirection === 'to_server';
  }

  /**
   * Does the decoded packet match? `clusterDir` is the packet's direction relative to the cluster
   * (DIR_INGRESS / DIR_EGRESS / DIR_EAST_WEST, or DIR_ANY when both ends are outside).
   */
  matches(pkt: Packet, clusterDir: number): boolean {
    if (this.proto !== 0 && pkt.ipProto !== this.proto) return false;
    if (this.direction !== DIR_ANY && this.direction !== clusterDir) return false;
    const b = pkt.bytes;
    const v = pkt.ipVersion;
    if (this.oriented(b, pkt.srcAddrOffset, pkt.srcPort, pkt.dstAddrOffset, pkt.dstPort, v)) return true;
    return this.bidirectional && this.oriented(b, pkt.dstAddrOffset, pkt.dstPort, pkt.srcAddrOffset, pkt.srcPort, v);
  }

  private oriented(b: Uint8Array, s: number, sp: number, d: number, dp: number, v: number): boolean {
    if (this.sport !== null && !inPortRanges(this.sport, sp)) return false;
    if (this.dport !== null && !inPortRanges(this.dport, dp)) return false;
    return this.src.has(b, s, v) && this.dst.has(b, d, v);
  }
}
