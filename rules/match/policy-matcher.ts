// Evaluating a compiled policy on the packet path: header-only rules on a flow's first packet (or
// when it becomes established, for `flow: established` rules), app-layer rules when a ClientHello,
// DNS message or HTTP request is parsed. Alerts are raised once per flow and rule.
// Not evaluated yet (counted in `unsupported`): content on the TCP stream or packet payload,
// thresholds/limits, volume and DNS-tunnel heuristics — the next steps of issue 4.

import type { Packet } from '../../decoders/packet.js';
import type { ClusterProfile, PolicyRule, StringMatch } from '../parse/policy-schema.js';
import type { CompiledPolicy } from '../compile/compile-policy.js';
import { DomainTrie, loadDomainFile } from '../compile/domain-trie.js';
import type { CidrSet } from '../compile/cidr-trie.js';
import { makeAlertRule, type AlertRule } from '../alert-rule.js';
import { clusterSet, DIR_ANY, DIR_EAST_WEST, DIR_EGRESS, DIR_INGRESS, HeaderMatch } from './header-match.js';

export type AppKind = 'tls' | 'quic' | 'dns' | 'http';

/** The text fields of an app-layer event a rule can test (lower-cased where names are compared). */
export interface AppFields {
  sni?: string;
  query?: string;
  host?: string;
  uri?: string;
  ja3?: string;
  ja4?: string;
}

const FIELD_OF: Record<string, keyof AppFields> = {
  'tls.sni': 'sni', 'quic.sni': 'sni', 'dns.query': 'query', 'http.host': 'host', 'http.uri': 'uri', ja3: 'ja3', ja4: 'ja4',
};
const APP_OF_FIELD: Record<string, AppKind> = { 'tls.sni': 'tls', 'quic.sni': 'quic', 'dns.query': 'dns', 'http.host': 'http', 'http.uri': 'http' };
const APP_BUFFERS = new Set(['tls.sni', 'quic.sni', 'dns.query', 'http.host', 'http.uri']);

interface CompiledRule {
  rule: PolicyRule;
  alert: AlertRule;
  header: HeaderMatch;
  /** Which app events can satisfy the rule; empty: a header-only rule. */
  apps: Set<AppKind>;
  /** Per string condition, its domain list as a trie (when it has one). */
  lists: (DomainTrie | null)[];
}

function fieldText(f: AppFields, field: string): string | undefined {
  return f[FIELD_OF[field]];
}

function stringMatches(s: StringMatch, text: string, list: DomainTrie | null): boolean {
  const t = s.field === 'ja3' || s.field === 'ja4' ? text : text.toLowerCase().replace(/\.$/, '');
  let hit = s.exact.some((e) => t === e.toLowerCase()) ||
    s.suffix.some((e) => t.endsWith(e.toLowerCase())) ||
    s.prefix.some((e) => t.startsWith(e)) ||
    s.dotprefix.some((e) => { const d = e.toLowerCase().replace(/^[.*]+/, ''); return t === d || t.endsWith('.' + d); });
  if (!hit && list !== null) {
    const b = new TextEncoder().encode(t);
    hit = list.match(b, 0, b.length) >= 0;
  }
  return s.negate ? !hit : hit;
}

export class PolicyMatcher {
  private readonly rules: CompiledRule[] = [];
  private readonly headerOnly: number[] = [];
  private readonly byApp = new Map<AppKind, number[]>();
  private readonly cluster: CidrSet;
  /** Rules the packet path cannot evaluate yet (stream/payload content, volume, DNS tunnel). */
  readonly unsupported: PolicyRule[] = [];

  constructor(compiled: CompiledPolicy, profile: ClusterProfile) {
    this.cluster = clusterSet(profile);
    compiled.rules.forEach((rule) => {
      const m = rule.match;
      if (rule.volume !== null || rule.dnsTunnel !== null || m.content.some((c) => !APP_BUFFERS.has(c.buffer))) {
        this.unsupported.push(rule);
        return;
      }
      const apps = new Set<AppKind>();
      for (const s of m.strings) {
        if (APP_OF_FIELD[s.field]) apps.add(APP_OF_FIELD[s.field]);
        else { apps.add('tls'); apps.add('quic'); } // ja3 / ja4
      }
      for (const c of m.content) apps.add(APP_OF_FIELD[c.buffer]);
      if (m.app !== null) apps.add(m.app);
      const cr: CompiledRule = {
        rule,
        alert: makeAlertRule({ gid: 1, sid: rule.sid, rev: rule.rev, signature: rule.msg || rule.name, category: rule.category, severity: rule.severity, action: 'allowed' }),
        header: new HeaderMatch(m),
        apps,
        lists: m.strings.map((s) => (s.domainsFile === null ? null : loadDomainFile(s.domainsFile.path, 1))),
      };
      const i = this.rules.push(cr) - 1;
      if (apps.size === 0) this.headerOnly.push(i);
      for (const a of apps) (this.byApp.get(a) ?? this.byApp.set(a, []).get(a)!).push(i);
    });
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** The packet's direction relative to the cluster. */
  clusterDirection(pkt: Packet): number {
    const v = pkt.ipVersion;
    const sIn = this.cluster.contains(pkt.bytes, pkt.srcAddrOffset, v);
    const dIn = this.cluster.contains(pkt.bytes, pkt.dstAddrOffset, v);
    return sIn ? (dIn ? DIR_EAST_WEST : DIR_EGRESS) : dIn ? DIR_INGRESS : DIR_ANY;
  }

  /**
   * Header-only rules: on the flow's first packet (rules without `flow: established`), or on the
   * packet that makes it established. `fire(alert, index)` raises an alert.
   */
  flowPacket(pkt: Packet, isNew: boolean, justEstablished: boolean, toServer: boolean, fire: (a: AlertRule, i: number) => void): void {
    if (!isNew && !justEstablished) return;
    const dir = this.clusterDirection(pkt);
    for (const i of this.headerOnly) {
      const r = this.rules[i];
      if (r.header.established ? !justEstablished : !isNew) continue;
      if (r.header.toServer !== null && r.header.toServer !== toServer) continue;
      if (r.header.matches(pkt, dir)) fire(r.alert, i);
    }
  }

  /** Rules on an app-layer event of `kind` with its text fields. */
  app(kind: AppKind, f: AppFields, pkt: Packet, fire: (a: AlertRule, i: number) => void): void {
    const list = this.byApp.get(kind);
    if (list === undefined) return;
    const dir = this.clusterDirection(pkt);
    for (const i of list) {
      const r = this.rules[i];
      const m = r.rule.match;
      if (!r.header.matches(pkt, dir)) continue;
      let ok = true;
      for (let k = 0; k < m.strings.length && ok; k++) {
        const s = m.strings[k];
        const text = fieldText(f, s.field);
        if (text === undefined || (APP_OF_FIELD[s.field] !== undefined && APP_OF_FIELD[s.field] !== kind)) ok = false;
        else ok = stringMatches(s, text, r.lists[k]);
      }
      for (let k = 0; k < m.content.length && ok; k++) {
        const c = m.content[k];
        const text = fieldText(f, c.buffer);
        if (text === undefined) { ok = false; break; }
        const hay = c.nocase ? text.toLowerCase() : text;
        const needle = new TextDecoder('latin1').decode(c.bytes);
        const n = c.nocase ? needle.toLowerCase() : needle;
        const at = hay.indexOf(n, c.offset);
        let hit = at >= 0 && (c.depth <= 0 || at + n.length <= c.offset + c.depth);
        if (hit && c.startswith) hit = hay.startsWith(n);
        if (hit && c.endswith) hit = hay.endsWith(n);
        ok = c.negate ? !hit : hit;
      }
      if (ok) fire(r.alert, i);
    }
  }
}
