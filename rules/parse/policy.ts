// Policy files: YAML (yaml-source.ts) → validated, typed Policy (policy-schema.ts). Unknown fields are
// rejected; every error names file, line and column and what was expected. Schema: README.md.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  parseAddrSpec, parseCidr, parsePortRange, parsePortSpec,
  type AddrSpec, type Cidr, type PortRange, type PortSpec, type Vars,
} from './addresses.js';
import { parseContentBytes } from './content.js';
import { parseTail } from './char-class.js';
import { PolicyError, at, type SourcePos } from './policy-error.js';
import {
  BUFFERS, CATEGORIES, DIRECTIONS, DOMAIN_FIELDS, FLOW_STATES, PROFILE_DEFAULTS, PROTOCOLS, STRING_FIELDS, TRACK_BY,
  type Buffer, type Category, type ClusterProfile, type ContentMatch, type DnsTunnel, type Tail, type Dsize, type Policy,
  type PolicyRule, type Rate, type RuleMatch, type StringField, type StringMatch, type Suppress, type Volume,
} from './policy-schema.js';
import { parseYaml, type YMap, type YNode, type YScalar } from './yaml-source.js';
import { forEachLine } from './lists.js';

/** How list files (`domains_file`, `cidrs_file`) are read; paths are relative to the policy file. */
export interface PolicyOptions {
  readFile?: (path: string) => string;
  /**
   * Profile values given on the command line (`--pod-cidrs` …): they replace the file's values
   * before the rules' `$VARIABLES` are resolved.
   */
  profile?: Partial<Pick<ClusterProfile, 'podCidrs' | 'serviceCidrs' | 'nodeCidrs' | 'trustedSources' | 'controlPlaneAddresses'>>;
}

/** Reads and validates the policy at `path`. Throws PolicyError (KWIRE_ERR_POLICY) or KwireError for I/O. */
export function loadPolicy(path: string, opts: PolicyOptions = {}): Policy {
  const read = opts.readFile ?? defaultRead;
  return parsePolicy(read(path), path, opts);
}

/** Validates policy text; `file` names it in errors and anchors relative list paths. */
export function parsePolicy(text: string, file: string, opts: PolicyOptions = {}): Policy {
  const root = parseYaml(text, file);
  return new PolicyReader(file, opts.readFile ?? defaultRead, opts.profile ?? {}).policy(root);
}

function defaultRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyError({ file: path, line: 1, column: 1 }, `cannot read: ${(e as Error).message}; expected a readable policy file`);
  }
}

/** The `$VARIABLES` a cluster profile defines (README.md lists them). */
export function profileVars(c: ClusterProfile): Vars {
  const cidrs = (list: Cidr[]): AddrSpec => ({ any: false, include: list, exclude: [] });
  const ports = (list: PortRange[]): PortSpec => ({ any: false, include: list, exclude: [] });
  const cluster = [...c.podCidrs, ...c.serviceCidrs, ...c.nodeCidrs];
  const addr = new Map<string, AddrSpec>([
    ['POD_CIDRS', cidrs(c.podCidrs)],
    ['SERVICE_CIDRS', cidrs(c.serviceCidrs)],
    ['NODE_CIDRS', cidrs(c.nodeCidrs)],
    ['CLUSTER_CIDRS', cidrs(cluster)],
    ['HOME_NET', cidrs(cluster)],
    ['EXTERNAL_NET', { any: true, include: [], exclude: cluster }],
    ['CONTROL_PLANE', cidrs(c.controlPlaneAddresses)],
    ['TRUSTED_SOURCES', cidrs(c.trustedSources)],
    ['EGRESS_ALLOWED_CIDRS', cidrs(c.egressAllowedCidrs)],
  ]);
  const cp = [...c.apiServerPorts, ...c.etcdPorts, ...c.kubeletPorts, ...c.controlPlaneOtherPorts];
  const port = new Map<string, PortSpec>([
    ['API_SERVER_PORTS', ports(c.apiServerPorts)],
    ['ETCD_PORTS', ports(c.etcdPorts)],
    ['KUBELET_PORTS', ports(c.kubeletPorts)],
    ['CONTROL_PLANE_OTHER_PORTS', ports(c.controlPlaneOtherPorts)],
    ['CONTROL_PLANE_PORTS', ports(cp)],
    ['NODEPORT_RANGE', ports([c.nodePortRange])],
    ['OVERLAY_PORTS', ports(c.overlayPorts)],
    ['INGRESS_ALLOWED_PORTS', ports(c.ingressAllowedPorts)],
    ['EGRESS_ALLOWED_PORTS', ports(c.egressAllowedPorts)],
  ]);
  return { addr, port };
}

type Fields = Map<string, YNode>;

const TOP_FIELDS = ['version', 'cluster', 'rules'];
const CLUSTER_FIELDS = [
  'name', 'pod_cidrs', 'service_cidrs', 'node_cidrs', 'control_plane_addresses', 'api_server_ports', 'etcd_ports',
  'kubelet_ports', 'control_plane_ports', 'nodeport_range', 'overlay_ports', 'ingress_allowed_ports',
  'egress_allowed_ports', 'egress_allowed_cidrs', 'egress_allowed_domains', 'trusted_sources',
];
const RULE_FIELDS = ['name', 'sid', 'rev', 'severity', 'category', 'msg', 'enabled', 'match', 'threshold', 'limit', 'suppress', 'volume', 'dns_tunnel'];
const MATCH_FIELDS = ['protocol', 'direction', 'src', 'dst', 'src_port', 'dst_port', 'flow', 'content', 'dsize', ...STRING_FIELDS];
const STRING_MATCH_FIELDS = ['exact', 'suffix', 'dotprefix', 'prefix', 'domains_file', 'negate'];
const ADDR_MAP_FIELDS = ['cidrs', 'cidrs_file', 'negate'];
const CONTENT_FIELDS = ['pattern', 'tail', 'buffer', 'nocase', 'offset', 'depth', 'startswith', 'endswith', 'negate'];
const RATE_FIELDS = ['count', 'seconds', 'by'];
const SUPPRESS_FIELDS = ['by', 'cidrs'];
const VOLUME_FIELDS = ['bytes', 'seconds'];
const DNS_TUNNEL_FIELDS = ['query_rate', 'label_length', 'entropy'];
const QUERY_RATE_FIELDS = ['count', 'seconds'];

export const MAX_LIST_ENTRIES = 1_000_000;

class PolicyReader {
  private vars: Vars = { addr: new Map(), port: new Map() };
  private allowedDomains: string[] = [];

  constructor(private readonly file: string, private readonly read: (path: string) => string,
    private readonly overrides: NonNullable<PolicyOptions['profile']> = {}) {}

  policy(root: YNode): Policy {
    const top = this.fields(root, 'the policy', TOP_FIELDS, ['version', 'cluster']);
    const vNode = top.get('version')!;
    const version = this.int(vNode, 'version', 1, 1);
    const cluster = { ...this.cluster(top.get('cluster')!), ...this.overrides };
    this.vars = profileVars(cluster);
    this.allowedDomains = cluster.egressAllowedDomains;
    const rules: PolicyRule[] = [];
    const rulesNode = top.get('rules');
    if (rulesNode !== undefined && rulesNode.kind !== 'null') {
      if (rulesNode.kind !== 'seq') this.fail(rulesNode.pos, 'expected "rules" to be a sequence of rules ("- name: ...")');
      const sids = new Map<number, number>();
      const names = new Map<string, number>();
      for (const n of rulesNode.items) {
        const r = this.rule(n);
        const s = sids.get(r.sid);
        if (s !== undefined) this.fail(r.pos, `duplicate sid ${r.sid} (first used by the rule at line ${s}); expected a unique sid`);
        sids.set(r.sid, r.pos.line);
        const nm = names.get(r.name);
        if (nm !== undefined) this.fail(r.pos, `duplicate rule name "${r.name}" (first at line ${nm}); expected a unique name`);
        names.set(r.name, r.pos.line);
        rules.push(r);
      }
    }
    return { file: this.file, version: version as 1, cluster, rules };
  }

  // ---- generic helpers -------------------------------------------------------------------------

  private fail(pos: SourcePos, msg: string): never {
    throw new PolicyError(pos, msg);
  }

  /** A mapping's fields by key; unknown keys and missing required ones are errors. */
  private fields(node: YNode, what: string, allowed: string[], required: string[] = []): Fields {
    if (node.kind !== 'map') this.fail(node.pos, `expected ${what} to be a mapping ("key: value")`);
    const out: Fields = new Map();
    for (const e of (node as YMap).entries) {
      if (!allowed.includes(e.key)) this.fail(e.keyPos, `unknown field "${e.key}" in ${what}; expected one of ${allowed.join(', ')}`);
      out.set(e.key, e.value);
    }
    for (const r of required) {
      if (!out.has(r) || out.get(r)!.kind === 'null') {
        const p = out.get(r)?.pos ?? node.pos;
        this.fail(p, `missing "${r}" in ${what}; expected a value`);
      }
    }
    return out;
  }

  private scalar(node: YNode, what: string, expected: string): YScalar {
    if (node.kind !== 'scalar') this.fail(node.pos, `expected ${what} to be ${expected}, got a ${kindName(node)}`);
    return node as YScalar;
  }

  private str(node: YNode, what: string): string {
    const s = this.scalar(node, what, 'a string');
    if (s.value === '') this.fail(s.pos, `empty ${what}; expected a non-empty string`);
    return s.value;
  }

  private int(node: YNode, what: string, min: number, max: number): number {
    const s = this.scalar(node, what, `an integer ${min}-${max}`);
    if (s.style !== 'plain' || !/^\d+$/.test(s.value) || Number(s.value) < min || Number(s.value) > max) {
      this.fail(s.pos, `bad ${what} "${s.value}"; expected an integer ${min}-${max}`);
    }
    return Number(s.value);
  }

  private num(node: YNode, what: string, min: number, max: number): number {
    const s = this.scalar(node, what, `a number ${min}-${max}`);
    if (s.style !== 'plain' || !/^\d+(\.\d+)?$/.test(s.value) || Number(s.value) < min || Number(s.value) > max) {
      this.fail(s.pos, `bad ${what} "${s.value}"; expected a number ${min}-${max}`);
    }
    return Number(s.value);
  }

  private bool(node: YNode, what: string): boolean {
    const s = this.scalar(node, what, 'true or false');
    if (s.style === 'plain' && s.value === 'true') return true;
    if (s.style === 'plain' && s.value === 'false') return false;
    return this.fail(s.pos, `bad ${what} "${s.value}"; expected true or false`);
  }

  private oneOf<T extends string>(node: YNode, what: string, list: readonly T[]): T {
    const s = this.scalar(node, what, `one of ${list.join(', ')}`);
    if (!(list as readonly string[]).includes(s.value)) this.fail(s.pos, `bad ${what} "${s.value}"; expected one of ${list.join(', ')}`);
    return s.value as T;
  }

  /** Seconds: an integer, or N followed by s, m, h or d. */
  private seconds(node: YNode, what: string): number {
    const s = this.scalar(node, what, 'a duration');
    const m = /^(\d{1,9})([smhd]?)$/.exec(s.value);
    const mult = m === null ? 0 : ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]!;
    const v = m === null ? 0 : Number(m[1]) * mult;
    if (m === null || v < 1 || v > 30 * 86400) this.fail(s.pos, `bad ${what} "${s.value}"; expected a duration 1s-30d (60, 30s, 5m, 1h, 1d)`);
    return v;
  }

  /** Bytes: an integer, or N followed by KB, MB, GB (10^3) or KiB, MiB, GiB (2^10). */
  private bytes(node: YNode, what: string): number {
    const s = this.scalar(node, what, 'a size');
    const m = /^(\d{1,15})\s*(|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.exec(s.value);
    const units: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
    const v = m === null ? 0 : Number(m[1]) * units[m[2]!]!;
    if (m === null || v < 1 || !Number.isSafeInteger(v)) this.fail(s.pos, `bad ${what} "${s.value}"; expected a size such as 1048576, 500KB, 100MiB or 2GB`);
    return v;
  }

  /** A scalar or a sequence of scalars, each with its position. */
  private scalars(node: YNode, what: string): YScalar[] {
    if (node.kind === 'scalar') return [node];
    if (node.kind === 'seq') {
      return node.items.map((n) => this.scalar(n, `an entry of ${what}`, 'a string'));
    }
    return this.fail(node.pos, `expected ${what} to be a value or a list [a, b]`);
  }

  /** Where the text of a scalar starts (after an opening quote). */
  private textPos(s: YScalar): SourcePos {
    return s.style === 'plain' ? s.pos : at(s.pos, 1);
  }

  private cidrList(node: YNode | undefined, what: string): Cidr[] {
    if (node === undefined || node.kind === 'null') return [];
    return this.scalars(node, what).map((s) => {
      if (s.value.startsWith('!') || s.value.startsWith('$')) this.fail(this.textPos(s), `bad entry "${s.value}" in ${what}; expected a literal address or CIDR (no negation or variables in the cluster profile)`);
      return parseCidr(s.value, this.textPos(s));
    });
  }

  private portList(node: YNode | undefined, what: string, def: string): PortRange[] {
    if (node === undefined) return def === '' ? [] : def.split(',').map((t) => parsePortRange(t, { file: '<default>', line: 1, column: 1 }));
    if (node.kind === 'null') return [];
    return this.scalars(node, what).map((s) => parsePortRange(s.value, this.textPos(s)));
  }

  private domainList(node: YNode | undefined, what: string): string[] {
    if (node === undefined || node.kind === 'null') return [];
    return this.scalars(node, what).map((s) => checkDomain(s.value.startsWith('.') ? s.value.slice(1) : s.value, this.textPos(s), what));
  }

  /** A list file's text; a read failure is reported at the policy line that names the file. */
  private readList(path: string, named: YScalar): string {
    try {
      return this.read(path);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.fail(this.textPos(named), `cannot read list file "${named.value}" (${path}): ${why}; expected a readable file, path relative to the policy`);
    }
  }

  // ---- cluster profile -------------------------------------------------------------------------

  private cluster(node: YNode): ClusterProfile {
    const f = this.fields(node, '"cluster"', CLUSTER_FIELDS, ['pod_cidrs', 'service_cidrs']);
    const nodePort = f.get('nodeport_range');
    let nodePortRange: PortRange;
    if (nodePort === undefined) nodePortRange = { lo: 30000, hi: 32767 };
    else {
      const s = this.scalar(nodePort, 'nodeport_range', 'a port range LO-HI');
      nodePortRange = parsePortRange(s.value, this.textPos(s));
    }
    return {
      name: f.has('name') ? this.str(f.get('name')!, 'cluster name') : 'cluster',
      podCidrs: this.cidrList(f.get('pod_cidrs'), 'pod_cidrs'),
      serviceCidrs: this.cidrList(f.get('service_cidrs'), 'service_cidrs'),
      nodeCidrs: this.cidrList(f.get('node_cidrs'), 'node_cidrs'),
      controlPlaneAddresses: this.cidrList(f.get('control_plane_addresses'), 'control_plane_addresses'),
      apiServerPorts: this.portList(f.get('api_server_ports'), 'api_server_ports', PROFILE_DEFAULTS.apiServerPorts),
      etcdPorts: this.portList(f.get('etcd_ports'), 'etcd_ports', PROFILE_DEFAULTS.etcdPorts),
      kubeletPorts: this.portList(f.get('kubelet_ports'), 'kubelet_ports', PROFILE_DEFAULTS.kubeletPorts),
      controlPlaneOtherPorts: this.portList(f.get('control_plane_ports'), 'control_plane_ports', PROFILE_DEFAULTS.controlPlaneOtherPorts),
      nodePortRange,
      overlayPorts: this.portList(f.get('overlay_ports'), 'overlay_ports', PROFILE_DEFAULTS.overlayPorts),
      ingressAllowedPorts: this.portList(f.get('ingress_allowed_ports'), 'ingress_allowed_ports', ''),
      egressAllowedPorts: this.portList(f.get('egress_allowed_ports'), 'egress_allowed_ports', ''),
      egressAllowedCidrs: this.cidrList(f.get('egress_allowed_cidrs'), 'egress_allowed_cidrs'),
      egressAllowedDomains: this.domainList(f.get('egress_allowed_domains'), 'egress_allowed_domains'),
      trustedSources: this.cidrList(f.get('trusted_sources'), 'trusted_sources'),
    };
  }

  // ---- rules -----------------------------------------------------------------------------------

  private rule(node: YNode): PolicyRule {
    const f = this.fields(node, 'a rule', RULE_FIELDS, ['name', 'sid', 'severity', 'category']);
    const nameNode = this.scalar(f.get('name')!, 'rule name', 'a string');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(nameNode.value)) {
      this.fail(this.textPos(nameNode), `bad rule name "${nameNode.value}"; expected letters, digits, ".", "_" or "-" (at most 128)`);
    }
    const name = nameNode.value;
    const g = (k: string) => f.get(k);
    const opt = <T>(k: string, fn: (n: YNode) => T): T | null => {
      const n = g(k);
      return n === undefined || n.kind === 'null' ? null : fn(n);
    };
    const match = opt('match', (n) => this.match(n)) ?? emptyMatch();
    const vol = g('volume');
    if (vol !== undefined && vol.kind !== 'null' && (match.direction === 'ingress' || match.direction === 'east-west')) {
      this.fail(vol.pos, `"volume" counts bytes to destinations outside the cluster; expected direction egress or any, not ${match.direction}`);
    }
    let suppress: Suppress[] = [];
    const sn = g('suppress');
    if (sn !== undefined && sn.kind !== 'null') {
      const list = sn.kind === 'seq' ? sn.items : [sn];
      suppress = list.map((n) => this.suppress(n));
    }
    return {
      name,
      sid: this.int(g('sid')!, 'sid', 1, 0xffffffff),
      rev: opt('rev', (n) => this.int(n, 'rev', 1, 0xffffffff)) ?? 1,
      severity: this.int(g('severity')!, 'severity', 1, 4) as 1 | 2 | 3 | 4,
      category: this.oneOf<Category>(g('category')!, 'category', CATEGORIES),
      msg: opt('msg', (n) => this.str(n, 'msg')) ?? name,
      enabled: opt('enabled', (n) => this.bool(n, 'enabled')) ?? true,
      match,
      threshold: opt('threshold', (n) => this.rate(n, 'threshold')),
      limit: opt('limit', (n) => this.rate(n, 'limit')),
      suppress,
      volume: opt('volume', (n) => this.volume(n)),
      dnsTunnel: opt('dns_tunnel', (n) => this.dnsTunnel(n)),
      origin: 'policy',
      classtype: null,
      pos: node.pos,
    };
  }

  private match(node: YNode): RuleMatch {
    const f = this.fields(node, '"match"', MATCH_FIELDS);
    const m = emptyMatch();
    for (const [k, v] of f) {
      if (v.kind === 'null') this.fail(v.pos, `empty "${k}"; expected a value (or leave the field out)`);
      switch (k) {
        case 'protocol': m.protocol = this.oneOf(v, 'protocol', PROTOCOLS); break;
        case 'direction': m.direction = this.oneOf(v, 'direction', DIRECTIONS); break;
        case 'src': m.src = this.addr(v, 'src'); break;
        case 'dst': m.dst = this.addr(v, 'dst'); break;
        case 'src_port': m.srcPorts = this.ports(v, 'src_port'); break;
        case 'dst_port': m.dstPorts = this.ports(v, 'dst_port'); break;
        case 'flow': this.flow(v, m); break;
        case 'content': {
          const list = v.kind === 'seq' ? v.items : [v];
          for (const c of list) m.content.push(this.content(c));
          break;
        }
        case 'dsize': {
          const s = this.scalar(v, 'dsize', 'a size test such as ">100" or "10<>20"');
          m.dsize = parseDsize(s.value, this.textPos(s));
          break;
        }
        default: m.strings.push(this.stringMatch(k as StringField, v));
      }
    }
    if ((m.srcPorts !== ANY_PORTS_MARK || m.dstPorts !== ANY_PORTS_MARK) && (m.protocol === 'icmp' || m.protocol === 'icmpv6')) {
      this.fail(f.get('src_port')?.pos ?? f.get('dst_port')!.pos, `ports with protocol ${m.protocol}; expected tcp, udp or any`);
    }
    return m;
  }

  private addr(node: YNode, what: string): AddrSpec {
    if (node.kind === 'map') {
      const f = this.fields(node, `"${what}"`, ADDR_MAP_FIELDS);
      if (!f.has('cidrs') && !f.has('cidrs_file')) this.fail(node.pos, `"${what}" has neither "cidrs" nor "cidrs_file"; expected at least one`);
      let spec: AddrSpec = { any: false, include: [], exclude: [] };
      if (f.has('cidrs')) spec = this.addrItems(f.get('cidrs')!, what);
      const fileNode = f.get('cidrs_file');
      if (fileNode !== undefined) {
        const s = this.scalar(fileNode, 'cidrs_file', 'a file path');
        const path = resolve(dirname(this.file), s.value);
        const list: Cidr[] = [];
        forEachLine(path, this.readList(path, s), (t, p) => {
          if (list.length >= MAX_LIST_ENTRIES) this.fail(p, `more than ${MAX_LIST_ENTRIES} entries; expected a shorter list`);
          list.push(parseCidr(t, p));
        });
        spec = { any: false, include: [...spec.include, ...list], exclude: spec.exclude };
      }
      if (f.has('negate') && this.bool(f.get('negate')!, 'negate')) {
        if (spec.exclude.length > 0 || spec.any) this.fail(f.get('negate')!.pos, `cannot negate "${what}" that already has negated entries or any; expected plain cidrs to negate`);
        spec = { any: true, include: [], exclude: spec.include };
      }
      return spec;
    }
    return this.addrItems(node, what);
  }

  /** A string or a list of strings, each an address spec; the list follows Suricata's rule. */
  private addrItems(node: YNode, what: string): AddrSpec {
    const items = this.scalars(node, what);
    return combine(items.map((s) => parseAddrSpec(s.value, this.textPos(s), this.vars)), items.map((s) => s.value.trimStart().startsWith('!')));
  }

  private ports(node: YNode, what: string): PortSpec {
    const items = this.scalars(node, what);
    return combine(items.map((s) => parsePortSpec(s.value, this.textPos(s), this.vars)), items.map((s) => s.value.trimStart().startsWith('!')));
  }

  private flow(node: YNode, m: RuleMatch): void {
    const seen = new Set<string>();
    for (const s of this.scalars(node, 'flow')) {
      const v = s.value;
      if (seen.has(v)) this.fail(s.pos, `"${v}" given twice in flow; expected each value once`);
      seen.add(v);
      if ((FLOW_STATES as readonly string[]).includes(v)) {
        if (m.flowState !== null) this.fail(s.pos, `two flow states ("${m.flowState}" and "${v}"); expected one of ${FLOW_STATES.join(', ')}`);
        m.flowState = v as RuleMatch['flowState'];
      } else if (v === 'to_server' || v === 'to_client') {
        if (m.flowDirection !== null) this.fail(s.pos, 'both to_server and to_client; expected one');
        m.flowDirection = v;
      } else this.fail(this.textPos(s), `bad flow "${v}"; expected ${FLOW_STATES.join(', ')}, to_server or to_client`);
    }
  }

  private stringMatch(field: StringField, node: YNode): StringMatch {
    const f = this.fields(node, `"${field}"`, STRING_MATCH_FIELDS);
    const isDomain = DOMAIN_FIELDS.includes(field);
    const out: StringMatch = { field, exact: [], suffix: [], dotprefix: [], prefix: [], domainsFile: null, negate: false, pos: node.pos };
    for (const [k, v] of f) {
      if (k === 'negate') {
        out.negate = this.bool(v, 'negate');
        continue;
      }
      if (k === 'domains_file') {
        if (!isDomain) this.fail(v.pos, `"domains_file" on ${field}; expected it only on ${DOMAIN_FIELDS.join(', ')}`);
        const s = this.scalar(v, 'domains_file', 'a file path');
        const path = resolve(dirname(this.file), s.value);
        let n = 0;
        forEachLine(path, this.readList(path, s), (t, p) => {
          if (n >= MAX_LIST_ENTRIES) this.fail(p, `more than ${MAX_LIST_ENTRIES} entries; expected a shorter list`);
          out.dotprefix.push(checkDomain(t.startsWith('.') ? t.slice(1) : t, p, 'a domains file'));
          n++;
        });
        out.domainsFile = { path, entries: n };
        continue;
      }
      if (k === 'prefix' && field !== 'http.uri') this.fail(v.pos, `"prefix" on ${field}; expected exact, suffix or dotprefix (prefix is for http.uri)`);
      if (k === 'dotprefix' && !isDomain) this.fail(v.pos, `"dotprefix" on ${field}; expected exact${field === 'http.uri' ? ', prefix' : ''} or suffix`);
      if (v.kind === 'null') this.fail(v.pos, `empty "${k}"; expected a value or a list`);
      const list = out[k as 'exact' | 'suffix' | 'dotprefix' | 'prefix'];
      for (const s of this.scalars(v, `${field} ${k}`)) {
        if (s.value === '$EGRESS_ALLOWED_DOMAINS' && isDomain) {
          list.push(...this.allowedDomains);
          continue;
        }
        list.push(this.fieldValue(field, k, s));
      }
    }
    if (out.exact.length + out.suffix.length + out.dotprefix.length + out.prefix.length === 0 && out.domainsFile === null) {
      this.fail(node.pos, `"${field}" has no values; expected exact, suffix, dotprefix${field === 'http.uri' ? ', prefix' : ''}${isDomain ? ' or domains_file' : ''}`);
    }
    return out;
  }

  private fieldValue(field: StringField, kind: string, s: YScalar): string {
    const p = this.textPos(s);
    if (DOMAIN_FIELDS.includes(field)) {
      if (kind === 'suffix') {
        const d = s.value.toLowerCase();
        checkDomain(d.startsWith('.') ? d.slice(1) : d, p, field);
        return d;
      }
      return checkDomain(kind === 'dotprefix' && s.value.startsWith('.') ? s.value.slice(1) : s.value, p, field);
    }
    if (field === 'ja3') {
      if (kind !== 'exact' || !/^[0-9a-fA-F]{32}$/.test(s.value)) this.fail(p, `bad ja3 "${s.value}"; expected exact: a 32-digit hex MD5`);
      return s.value.toLowerCase();
    }
    if (field === 'ja4') {
      if (!/^[A-Za-z0-9_]+$/.test(s.value) || s.value.length > 64) this.fail(p, `bad ja4 "${s.value}"; expected a JA4 fingerprint (t13d1516h2_8daaf6152771_e5627efa2ab1) or a part of one`);
      return s.value.toLowerCase();
    }
    if (!/^[\x21-\x7e]+$/.test(s.value)) this.fail(p, `bad ${field} "${s.value}"; expected printable ASCII without spaces`);
    return s.value;
  }

  private content(node: YNode): ContentMatch {
    const f = this.fields(node, 'a content pattern', CONTENT_FIELDS, ['pattern']);
    const pats = this.scalars(f.get('pattern')!, 'pattern');
    if (pats.length === 0) this.fail(f.get('pattern')!.pos, 'empty pattern list; expected at least one pattern');
    const all = pats.map((p) => parseContentBytes(p.value, this.textPos(p), false));
    const tailNode = f.get('tail');
    let tail: Tail | null = null;
    if (tailNode !== undefined) {
      const t = this.scalar(tailNode, 'tail', 'a class and count such as "[A-Z0-9]{16}"');
      tail = parseTail(t.value, this.textPos(t));
    }
    const c: ContentMatch = {
      buffer: f.has('buffer') ? this.oneOf<Buffer>(f.get('buffer')!, 'buffer', BUFFERS) : 'stream',
      bytes: all[0],
      alt: all.slice(1),
      tail,
      nocase: f.has('nocase') ? this.bool(f.get('nocase')!, 'nocase') : false,
      offset: f.has('offset') ? this.int(f.get('offset')!, 'offset', 0, 65535) : 0,
      depth: f.has('depth') ? this.int(f.get('depth')!, 'depth', 1, 65535) : 0,
      startswith: f.has('startswith') ? this.bool(f.get('startswith')!, 'startswith') : false,
      endswith: f.has('endswith') ? this.bool(f.get('endswith')!, 'endswith') : false,
      negate: f.has('negate') ? this.bool(f.get('negate')!, 'negate') : false,
      pos: node.pos,
    };
    if ((c.alt.length > 0 || c.tail !== null) && c.buffer !== 'stream' && c.buffer !== 'payload') {
      this.fail((tailNode ?? f.get('pattern')!).pos, `a pattern list or tail on buffer ${c.buffer}; expected them only on stream or payload`);
    }
    if ((c.alt.length > 0 || c.tail !== null) && (c.startswith || c.endswith || c.negate)) {
      this.fail((tailNode ?? f.get('pattern')!).pos, 'a pattern list or tail with startswith, endswith or negate; expected a plain positive pattern');
    }
    if (c.depth > 0 && c.depth < c.bytes.length) this.fail(f.get('depth')!.pos, `depth ${c.depth} is shorter than the pattern (${c.bytes.length} bytes); expected depth >= pattern length`);
    return c;
  }

  private rate(node: YNode, what: string): Rate {
    const f = this.fields(node, `"${what}"`, RATE_FIELDS, ['count', 'seconds']);
    return {
      count: this.int(f.get('count')!, `${what} count`, 1, 1_000_000_000),
      seconds: this.seconds(f.get('seconds')!, `${what} seconds`),
      by: f.has('by') ? this.oneOf(f.get('by')!, `${what} by`, TRACK_BY) : 'src',
    };
  }

  private suppress(node: YNode): Suppress {
    const f = this.fields(node, '"suppress"', SUPPRESS_FIELDS, ['by']);
    const by = this.oneOf(f.get('by')!, 'suppress by', TRACK_BY);
    if (by === 'flow') this.fail(f.get('by')!.pos, 'bad suppress by "flow"; expected src, dst or rule');
    const cidrs = f.has('cidrs') ? this.addrItems(f.get('cidrs')!, 'suppress cidrs') : null;
    if (by !== 'rule' && cidrs === null) this.fail(node.pos, `missing "cidrs" in "suppress" by ${by}; expected the addresses to stay silent for`);
    if (cidrs !== null && (cidrs.any || cidrs.exclude.length > 0)) this.fail(f.get('cidrs')!.pos, 'suppress cidrs must list addresses; expected no any or negation');
    return { by, cidrs: cidrs?.include ?? [] };
  }

  private volume(node: YNode): Volume {
    const f = this.fields(node, '"volume"', VOLUME_FIELDS, ['bytes', 'seconds']);
    return { bytes: this.bytes(f.get('bytes')!, 'volume bytes'), seconds: this.seconds(f.get('seconds')!, 'volume seconds') };
  }

  private dnsTunnel(node: YNode): DnsTunnel {
    const f = this.fields(node, '"dns_tunnel"', DNS_TUNNEL_FIELDS);
    if (f.size === 0) this.fail(node.pos, '"dns_tunnel" has no test; expected query_rate, label_length or entropy');
    let queryRate: DnsTunnel['queryRate'] = null;
    const q = f.get('query_rate');
    if (q !== undefined) {
      const qf = this.fields(q, '"query_rate"', QUERY_RATE_FIELDS, ['count', 'seconds']);
      queryRate = { count: this.int(qf.get('count')!, 'query_rate count', 1, 1_000_000_000), seconds: this.seconds(qf.get('seconds')!, 'query_rate seconds') };
    }
    return {
      queryRate,
      labelLength: f.has('label_length') ? this.int(f.get('label_length')!, 'label_length', 1, 63) : 0,
      entropy: f.has('entropy') ? this.num(f.get('entropy')!, 'entropy', 0, 8) : 0,
    };
  }
}

const ANY_PORTS_MARK: PortSpec = Object.freeze({ any: true, include: [], exclude: [] }) as PortSpec;

function emptyMatch(): RuleMatch {
  return {
    protocol: 'any', app: null, direction: 'any',
    src: { any: true, include: [], exclude: [] }, dst: { any: true, include: [], exclude: [] },
    srcPorts: ANY_PORTS_MARK, dstPorts: ANY_PORTS_MARK, bidirectional: false,
    flowState: null, flowDirection: null, strings: [], content: [], dsize: null,
  };
}

/** Union of positive specs minus negated ones (a spec that is "everything minus X" counts as `!X`). */
/**
 * A YAML list of specs: positive entries are unioned, negated ones (`negated[i]`: the entry's text
 * starts with "!") subtracted. A negated entry contributes only its exclusions, even when they are
 * empty (a negated empty variable excludes nothing; it must not widen the list to "any").
 */
function combine<T extends { any: boolean; include: U[]; exclude: U[] }, U>(specs: T[], negated: boolean[]): T {
  let any = false;
  let positives = 0;
  const include: U[] = [];
  const exclude: U[] = [];
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i];
    if ((negated[i] && s.include.length === 0) || (s.any && s.include.length === 0 && s.exclude.length > 0)) {
      exclude.push(...s.exclude);
      continue;
    }
    positives++;
    if (s.any) any = true;
    include.push(...s.include);
    exclude.push(...s.exclude);
  }
  if (positives === 0) any = true;
  return { any, include, exclude } as unknown as T;
}

function kindName(n: YNode): string {
  return n.kind === 'seq' ? 'list' : n.kind === 'map' ? 'mapping' : n.kind === 'null' ? 'empty value' : 'value';
}

/** Lower-cased, validated domain name (labels of letters, digits, "-", "_"; at most 253 characters). */
export function checkDomain(name: string, pos: SourcePos, what: string): string {
  const d = name.toLowerCase();
  if (d.includes('*')) throw new PolicyError(pos, `wildcard in "${name}" (${what}); expected a plain name (use dotprefix for subdomains)`);
  const ok = d.length > 0 && d.length <= 253 && d.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l));
  if (!ok) throw new PolicyError(pos, `bad domain name "${name}" (${what}); expected labels of letters, digits, "-" or "_" separated by dots`);
  return d;
}

/** Suricata `dsize` syntax: `N`, `!N`, `<N`, `>N`, `<=N`, `>=N`, `LO<>HI`. */
export function parseDsize(text: string, pos: SourcePos): Dsize {
  const t = text.trim();
  let m = /^(\d{1,5})\s*<>\s*(\d{1,5})$/.exec(t);
  if (m !== null) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (lo >= hi || hi > 65535) throw new PolicyError(pos, `bad dsize range "${text}"; expected LO<>HI with LO < HI <= 65535`);
    return { op: '<>', lo, hi };
  }
  m = /^(<=|>=|<|>|!|=)?\s*(\d{1,5})$/.exec(t);
  if (m === null || Number(m[2]) > 65535) throw new PolicyError(pos, `bad dsize "${text}"; expected N, !N, <N, >N, <=N, >=N or LO<>HI (0-65535)`);
  const op = (m[1] === undefined ? '=' : m[1] === '!' ? '!=' : m[1]) as Dsize['op'];
  const n = Number(m[2]);
  return { op, lo: n, hi: n };
}
