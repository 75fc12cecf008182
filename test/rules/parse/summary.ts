// Compact one-line text of parsed rules for golden tests (addresses and ports as written, sorted never).

import type { AddrSpec, PortSpec } from '../../../rules/parse/addresses.js';
import type { PolicyRule } from '../../../rules/parse/policy-schema.js';

export function addrText(a: AddrSpec): string {
  const inc = a.any ? 'any' : `[${a.include.map((c) => c.text).join(',')}]`;
  return a.exclude.length === 0 ? inc : `${inc}-[${a.exclude.map((c) => c.text).join(',')}]`;
}

export function portText(p: PortSpec): string {
  const r = (x: { lo: number; hi: number }) => (x.lo === x.hi ? `${x.lo}` : `${x.lo}-${x.hi}`);
  const inc = p.any ? 'any' : `[${p.include.map(r).join(',')}]`;
  return p.exclude.length === 0 ? inc : `${inc}-[${p.exclude.map(r).join(',')}]`;
}

export function ruleText(r: PolicyRule): string {
  const m = r.match;
  const parts = [
    `${r.sid}:${r.rev} ${r.name} sev${r.severity} ${r.category}${r.enabled ? '' : ' disabled'}`,
    `msg=${JSON.stringify(r.msg)}`,
    `${m.protocol}${m.app === null ? '' : '/' + m.app} ${m.direction}`,
    `${addrText(m.src)}:${portText(m.srcPorts)} ${m.bidirectional ? '<>' : '->'} ${addrText(m.dst)}:${portText(m.dstPorts)}`,
  ];
  if (m.flowState !== null || m.flowDirection !== null) parts.push(`flow=${[m.flowState, m.flowDirection].filter((x) => x !== null).join(',')}`);
  for (const s of m.strings) {
    const lists = (['exact', 'suffix', 'dotprefix', 'prefix'] as const).filter((k) => s[k].length > 0).map((k) => `${k}[${s[k].length <= 3 ? s[k].join(',') : s[k].length + ' entries'}]`);
    parts.push(`${s.negate ? '!' : ''}${s.field}:${lists.join(':')}${s.domainsFile === null ? '' : `:file(${s.domainsFile.entries})`}`);
  }
  for (const c of m.content) {
    const txt = Array.from(c.bytes, (b) => (b >= 0x20 && b < 0x7f && b !== 0x7c ? String.fromCharCode(b) : `|${b.toString(16).padStart(2, '0')}|`)).join('');
    const mods = [c.nocase ? 'nocase' : '', c.offset ? `offset=${c.offset}` : '', c.depth ? `depth=${c.depth}` : '', c.startswith ? 'startswith' : '', c.endswith ? 'endswith' : ''].filter((x) => x !== '');
    parts.push(`content(${c.buffer})${c.negate ? '!' : ''}"${txt}"${mods.length ? '[' + mods.join(',') + ']' : ''}`);
  }
  if (m.dsize !== null) parts.push(`dsize${m.dsize.op}${m.dsize.op === '<>' ? `${m.dsize.lo},${m.dsize.hi}` : m.dsize.lo}`);
  if (r.threshold !== null) parts.push(`threshold=${r.threshold.count}/${r.threshold.seconds}s/${r.threshold.by}`);
  if (r.limit !== null) parts.push(`limit=${r.limit.count}/${r.limit.seconds}s/${r.limit.by}`);
  for (const s of r.suppress) parts.push(`suppress=${s.by}[${s.cidrs.map((c) => c.text).join(',')}]`);
  if (r.volume !== null) parts.push(`volume=${r.volume.bytes}B/${r.volume.seconds}s`);
  if (r.dnsTunnel !== null) {
    const d = r.dnsTunnel;
    parts.push(`dns_tunnel=${d.queryRate === null ? '-' : `${d.queryRate.count}/${d.queryRate.seconds}s`},len${d.labelLength},H${d.entropy}`);
  }
  if (r.classtype !== null) parts.push(`classtype=${r.classtype}`);
  parts.push(`@${r.pos.line}`);
  return parts.join(' ');
}
