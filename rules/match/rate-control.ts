// Rate control of policy rules (Suricata threshold, limit and suppress) and the address keys it
// and the volume rules count by.

import type { Packet } from '../../decoders/packet.js';
import type { PolicyRule } from '../parse/policy-schema.js';
import type { CidrSet } from '../compile/cidr-trie.js';
import { cidrSetOf } from './header-match.js';

/** A 32-bit key for an address (IPv4 exactly; IPv6 hashed). */
export function addressKey(b: Uint8Array, off: number, v: number): number {
  if (v === 4) return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[off + i], 0x01000193);
  return (h >>> 0) + 0x100000000; // never equal to an IPv4 key
}

/**
 * Rate control of one rule (Suricata's threshold, limit and suppress): `allow()` says whether a
 * match becomes an alert. threshold: an alert every `count` matches within `seconds` per key;
 * limit: at most `count` alerts per `seconds` per key; suppress: never for listed src/dst CIDRs.
 */
export class RateControl {
  private readonly counts = new Map<number, { start: number; matches: number; alerts: number }>();
  private readonly suppress: { by: string; set: CidrSet | null }[];
  constructor(private readonly rule: PolicyRule) {
    this.suppress = rule.suppress.map((s) => ({ by: s.by, set: s.cidrs.length > 0 ? cidrSetOf(s.cidrs) : null }));
  }

  /** Does the rule control anything beyond once-per-flow alerting? */
  get counted(): boolean {
    return this.rule.threshold !== null || this.rule.limit !== null;
  }

  allow(pkt: Packet, flowId: number, nowUs: number): boolean {
    return !this.suppressed(pkt) && (!this.counted || this.admit(this.key(pkt, flowId), nowUs));
  }

  /** Suppressed for the packet's addresses (stateless: any thread may decide). */
  suppressed(pkt: Packet): boolean {
    for (const s of this.suppress) {
      if (s.by === 'rule' || s.set === null) return true;
      const off = s.by === 'dst' ? pkt.dstAddrOffset : pkt.srcAddrOffset;
      if (s.set.contains(pkt.bytes, off, pkt.ipVersion)) return true;
    }
    return false;
  }

  /** The counting key of a match (rule, flow, source or destination address), for admit(). */
  key(pkt: Packet, flowId: number): number {
    const by = (this.rule.threshold ?? this.rule.limit)?.by ?? 'rule';
    return by === 'rule' ? 0 : by === 'flow' ? flowId : addressKey(pkt.bytes, by === 'dst' ? pkt.dstAddrOffset : pkt.srcAddrOffset, pkt.ipVersion);
  }

  /**
   * Count a match under `key` at `nowUs` and say whether it becomes an alert (threshold/limit).
   * Stateful: with worker threads the dispatcher calls it in capture order for all workers.
   */
  admit(key: number, nowUs: number): boolean {
    const t = this.rule.threshold;
    const l = this.rule.limit;
    if (t === null && l === null) return true;
    const windowUs = (t ?? l)!.seconds * 1e6;
    let st = this.counts.get(key);
    if (st === undefined || nowUs - st.start > windowUs) {
      if (st === undefined && this.counts.size >= 65_536) this.counts.delete(this.counts.keys().next().value!);
      st = { start: nowUs, matches: 0, alerts: 0 };
      this.counts.set(key, st);
    }
    st.matches++;
    if (t !== null && st.matches % t.count !== 0) return false;
    if (l !== null && st.alerts >= l.count) return false;
    st.alerts++;
    return true;
  }
}
