// Policy → compiled matching structures: rules grouped by protocol, direction and app protocol,
// one domain trie per string field, one multi-pattern automaton per content buffer. This is the
// compiler's first stage (used by `kwire rules check`); wiring the groups into the packet path is
// the next step of issue 4.

import type { Policy, PolicyRule } from '../parse/policy-schema.js';
import { AhoCorasick } from './aho-corasick.js';
import { DomainTrie, loadDomainFile } from './domain-trie.js';

export interface CompiledPolicy {
  rules: PolicyRule[];
  /** "tcp/egress/tls" → rule indexes (candidates are only taken from the packet's own group). */
  groups: Map<string, number[]>;
  /** One trie per string field (tls.sni, dns.query, ...); value = rule index. */
  domains: Map<string, DomainTrie>;
  /** One automaton per content buffer (stream, payload, http.uri, ...); pattern id → rule index. */
  content: Map<string, { automaton: AhoCorasick; ruleOf: number[] }>;
  /** Rules per category, and the rules skipped because they are disabled. */
  byCategory: Map<string, number>;
  disabled: number;
}

/** Compile the enabled rules of `policy` (and imported Suricata rules appended to it). */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const rules = policy.rules.filter((r) => r.enabled);
  const groups = new Map<string, number[]>();
  const domains = new Map<string, DomainTrie>();
  const content = new Map<string, { automaton: AhoCorasick; ruleOf: number[] }>();
  const byCategory = new Map<string, number>();
  rules.forEach((rule, i) => {
    const m = rule.match;
    const key = `${m.protocol}/${m.direction}/${m.app ?? 'any'}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
    byCategory.set(rule.category, (byCategory.get(rule.category) ?? 0) + 1);
    for (const s of m.strings) {
      if (s.field === 'ja3' || s.field === 'ja4' || s.field === 'http.uri') continue; // matched as strings
      const trie = domains.get(s.field) ?? domains.set(s.field, new DomainTrie()).get(s.field)!;
      for (const d of s.exact) trie.insert(d, i, s.pos);
      for (const d of [...s.suffix, ...s.dotprefix]) trie.insert(`.${d.replace(/^[.*]+/, '')}`, i, s.pos);
      if (s.domainsFile !== null) loadDomainFile(s.domainsFile.path, i, trie);
    }
    for (const c of m.content) {
      const e = content.get(c.buffer) ?? content.set(c.buffer, { automaton: new AhoCorasick(256), ruleOf: [] }).get(c.buffer)!;
      for (const b of [c.bytes, ...c.alt]) e.ruleOf[e.automaton.add(b, c.nocase, c.pos)] = i;
    }
  });
  for (const e of content.values()) e.automaton.compile();
  return { rules, groups, domains, content, byCategory, disabled: policy.rules.length - rules.length };
}

/** Human summary of a compiled policy (`kwire rules check`). */
export function compiledSummary(policy: Policy, c: CompiledPolicy): string {
  const p = policy.cluster;
  const lines = [
    `policy ${policy.file}: ${c.rules.length} rules enabled${c.disabled ? `, ${c.disabled} disabled` : ''}`,
    `cluster ${p.name || '(unnamed)'}: ${p.podCidrs.length} pod, ${p.serviceCidrs.length} service, ${p.nodeCidrs.length} node CIDRs; ` +
      `${p.trustedSources.length} trusted sources; NodePorts ${p.nodePortRange.lo}-${p.nodePortRange.hi}`,
    `categories: ${[...c.byCategory].sort().map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `groups (protocol/direction/app → rules): ${[...c.groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v.length}`).join(', ')}`,
  ];
  for (const [field, trie] of [...c.domains].sort(([a], [b]) => a.localeCompare(b))) lines.push(`domain trie ${field}: ${trie.size} names`);
  for (const [buf, e] of [...c.content].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`content automaton ${buf}: ${e.automaton.patternCount} patterns, ${e.automaton.states} states`);
  }
  return lines.join('\n') + '\n';
}
