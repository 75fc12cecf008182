// The validated, typed form of a kwire policy (cluster profile + rules) and of imported Suricata rules:
// what rules/compile consumes. Field-by-field documentation: rules/parse/README.md.

import type { AddrSpec, Cidr, PortRange, PortSpec } from './addresses.js';
import type { SourcePos } from './policy-error.js';

export const CATEGORIES = [
  'control-plane-exposure',
  'disallowed-port',
  'metadata-api',
  'exfiltration',
  'blocked-destination',
  'secret-leak',
  'dns-tunnel',
  'protocol-anomaly',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PROTOCOLS = ['any', 'tcp', 'udp', 'icmp', 'icmpv6'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Application protocol a rule requires (from a Suricata header such as `alert tls ...`); null: any. */
export type AppProto = 'tls' | 'quic' | 'dns' | 'http' | null;

/** Direction relative to the cluster (cluster = pod, service and node CIDRs). */
export const DIRECTIONS = ['any', 'ingress', 'egress', 'east-west'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const FLOW_STATES = ['new', 'established', 'closed'] as const;
export type FlowState = (typeof FLOW_STATES)[number];

/** Application fields matched as names/strings (exact, suffix, dot-prefix). */
export const STRING_FIELDS = ['tls.sni', 'quic.sni', 'dns.query', 'http.host', 'http.uri', 'ja3', 'ja4'] as const;
export type StringField = (typeof STRING_FIELDS)[number];
/** Fields whose values are domain names (lower-cased, validated, `domains_file` allowed). */
export const DOMAIN_FIELDS: readonly StringField[] = ['tls.sni', 'quic.sni', 'dns.query', 'http.host'];

/** Buffers `content` patterns run on. `stream`: reassembled payload; `payload`: the packet's payload. */
export const BUFFERS = ['stream', 'payload', 'tls.sni', 'quic.sni', 'dns.query', 'http.host', 'http.uri', 'http.method', 'http.user_agent', 'http.header'] as const;
export type Buffer = (typeof BUFFERS)[number];

export const TRACK_BY = ['src', 'dst', 'flow', 'rule'] as const;
export type TrackBy = (typeof TRACK_BY)[number];

/**
 * A string condition on one field: matches when any list matches. Values are lower-cased for domain
 * fields and ja3/ja4. `dotprefix: example.com` matches `example.com` and any `*.example.com`;
 * `suffix` is a plain byte suffix; `prefix` is for `http.uri` only. `domainsFile` entries are
 * dot-prefix entries. `negate`: the rule matches when the field is present and none matches.
 */
export interface StringMatch {
  field: StringField;
  exact: string[];
  suffix: string[];
  dotprefix: string[];
  prefix: string[];
  domainsFile: { path: string; entries: number } | null;
  negate: boolean;
  pos: SourcePos;
}

/**
 * A bounded character-class run that must follow a content pattern (`[A-Z0-9]{16}`): `cls[b]` is 1
 * for bytes of the class; the run of class bytes right after the pattern must be `min`..`max` long
 * and end at a byte outside the class (a longer run is a different token, not a match).
 */
export interface Tail { cls: Uint8Array; min: number; max: number; text: string }

/** A byte pattern on a buffer; `bytes` is owned by the rule for its whole life. */
export interface ContentMatch {
  buffer: Buffer;
  bytes: Uint8Array;
  /** Other patterns any one of which may stand in for `bytes` (stream/payload buffers only). */
  alt: Uint8Array[];
  /** Character-class run required after the pattern, or null (stream/payload buffers only). */
  tail: Tail | null;
  nocase: boolean;
  /** Start looking at this byte offset of the buffer (0: start). */
  offset: number;
  /** Look only within this many bytes from `offset` (0: to the end). */
  depth: number;
  /** The buffer must start / end with the pattern (Suricata `startswith` / `endswith`). */
  startswith: boolean;
  endswith: boolean;
  /** Rule matches when the pattern is absent (Suricata `content:!"..."`). */
  negate: boolean;
  pos: SourcePos;
}

/** `count` matches within `seconds`, counted per key `by`. */
export interface Rate { count: number; seconds: number; by: TrackBy }

/** Do not alert when the tracked side's address is in `cidrs` (`by` src or dst; `rule`: never alert). */
export interface Suppress { by: TrackBy; cidrs: Cidr[] }

/** Bytes sent to one destination outside the cluster within a window. */
export interface Volume { bytes: number; seconds: number }

/** DNS tunnelling heuristics per registered domain; a rule fires when any enabled test trips. */
export interface DnsTunnel {
  /** Queries per registered domain within a window, or null. */
  queryRate: { count: number; seconds: number } | null;
  /** Flag a query with a label at least this long (0: off). */
  labelLength: number;
  /** Flag a query whose leftmost labels have Shannon entropy ≥ this (bits per character; 0: off). */
  entropy: number;
}

/** Payload size test (Suricata `dsize`). `op` '<>' means lo < size < hi (exclusive, as Suricata). */
export interface Dsize { op: '=' | '!=' | '<' | '>' | '<=' | '>=' | '<>'; lo: number; hi: number }

export interface RuleMatch {
  protocol: Protocol;
  app: AppProto;
  direction: Direction;
  src: AddrSpec;
  dst: AddrSpec;
  srcPorts: PortSpec;
  dstPorts: PortSpec;
  /** Suricata `<>`: the header also matches with source and destination swapped. */
  bidirectional: boolean;
  /** Flow state required, or null for any. */
  flowState: FlowState | null;
  /** to_server / to_client (Suricata `flow`), or null for either. */
  flowDirection: 'to_server' | 'to_client' | null;
  strings: StringMatch[];
  content: ContentMatch[];
  dsize: Dsize | null;
}

/** One rule, from the policy or imported from Suricata text; every field resolved (no variables). */
export interface PolicyRule {
  name: string;
  sid: number;
  rev: number;
  severity: 1 | 2 | 3 | 4;
  category: Category;
  /** The alert's `signature` text. */
  msg: string;
  enabled: boolean;
  match: RuleMatch;
  threshold: Rate | null;
  limit: Rate | null;
  suppress: Suppress[];
  volume: Volume | null;
  dnsTunnel: DnsTunnel | null;
  origin: 'policy' | 'suricata';
  /** Suricata classtype when imported, else null. */
  classtype: string | null;
  pos: SourcePos;
}

export interface ClusterProfile {
  name: string;
  podCidrs: Cidr[];
  serviceCidrs: Cidr[];
  nodeCidrs: Cidr[];
  controlPlaneAddresses: Cidr[];
  apiServerPorts: PortRange[];
  etcdPorts: PortRange[];
  kubeletPorts: PortRange[];
  /** Other control-plane ports (controller-manager, scheduler, kube-proxy, custom). */
  controlPlaneOtherPorts: PortRange[];
  nodePortRange: PortRange;
  overlayPorts: PortRange[];
  ingressAllowedPorts: PortRange[];
  egressAllowedPorts: PortRange[];
  egressAllowedCidrs: Cidr[];
  /** Lower-cased; dot-prefix semantics (a name and its subdomains). */
  egressAllowedDomains: string[];
  trustedSources: Cidr[];
}

export interface Policy {
  file: string;
  version: 1;
  cluster: ClusterProfile;
  rules: PolicyRule[];
}

/** Defaults of the cluster profile (kubeadm layout); README.md lists them. */
export const PROFILE_DEFAULTS = {
  apiServerPorts: '6443',
  etcdPorts: '2379-2380',
  kubeletPorts: '10250,10255',
  controlPlaneOtherPorts: '10257,10259,10249,10256',
  nodePortRange: '30000-32767',
  overlayPorts: '4789,8472,6081',
} as const;
