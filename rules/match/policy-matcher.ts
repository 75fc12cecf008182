// Evaluating a compiled policy on the packet path: header-only rules on a flow's first packet (or
// when it becomes established, for `flow: established` rules), app-layer rules when a ClientHello,
// DNS message or HTTP request is parsed. Alerts are raised once per flow and rule.
// Content on the TCP stream is matched on the direction's bytes in sequence order (content-scan.ts
// over tcp-stream-inspect.ts); `payload` content per packet. Rules the packet path cannot evaluate
// (payload content mixed with app fields, volume with string conditions) are listed in `unsupported`.

import { readFileSync } from 'node:fs';
import type { Packet } from '../../decoders/packet.js';
import { TCP_SYN } from '../../decoders/tcp.js';
import { TO_SERVER } from '../../engine/flow/flow-table.js';
import type { ClusterProfile, ContentMatch, PolicyRule } from '../parse/policy-schema.js';
import type { CompiledPolicy } from '../compile/compile-policy.js';
import { loadDomainFile } from '../compile/domain-trie.js';
import { AppContentMatch, AppStringMatch } from './app-strings.js';
import { AppNameIndex, IdList } from './app-index.js';
import { ContentScanner, REDACT_MAX, type ContentHitSink } from './content-scan.js';
import { TlsEncrypted } from './tls-encrypted.js';
import { RuleGroups } from './rule-groups.js';
import { TunnelNames } from './tunnel-names.js';
import { addressKey, RateControl } from './rate-control.js';

export { RateControl } from './rate-control.js';
import { PagePool, type InOrderSink } from '../../engine/reassembly/ooo-pages.js';
import { TcpInspectDirection } from '../../engine/reassembly/tcp-stream-inspect.js';
import { StreamStats } from '../../engine/reassembly/tcp-stream.js';
import { ReassemblyMemory, type ReassemblyConfig } from '../../engine/reassembly/reassembly-config.js';
import { CidrSet } from '../compile/cidr-trie.js';
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
  /** HTTP request method, User-Agent value, and the field lines (`Name: value` CRLF ..., no request line). */
  method?: string;
  userAgent?: string;
  header?: string;
}

const FIELD_OF: Record<string, keyof AppFields> = {
  'tls.sni': 'sni', 'quic.sni': 'sni', 'dns.query': 'query', 'http.host': 'host', 'http.uri': 'uri', ja3: 'ja3', ja4: 'ja4',
  'http.method': 'method', 'http.user_agent': 'userAgent', 'http.header': 'header',
};
const APP_OF_FIELD: Record<string, AppKind> = {
  'tls.sni': 'tls', 'quic.sni': 'quic', 'dns.query': 'dns', 'http.host': 'http', 'http.uri': 'http',
  'http.method': 'http', 'http.user_agent': 'http', 'http.header': 'http',
};
const APP_BUFFERS = new Set(Object.keys(APP_OF_FIELD));

interface CompiledRule {
  rule: PolicyRule;
  rate: RateControl;
  alert: AlertRule;
  header: HeaderMatch;
  /** Which app events can satisfy the rule; empty: a header-only rule. */
  apps: Set<AppKind>;
  /** The string conditions, compiled (with their domain lists as tries). */
  strings: AppStringMatch[];
  /** The content conditions on app fields, compiled. */
  contents: AppContentMatch[];
}

function fieldText(f: AppFields, field: string): string | undefined {
  return f[FIELD_OF[field]];
}

export class PolicyMatcher implements ContentHitSink, InOrderSink {
  private readonly rules: CompiledRule[] = [];
  /** Header-only rules grouped by protocol × destination port × direction (rule-groups.ts). */
  private readonly headerGroups: RuleGroups;
  /** App rules checked on every event of their kind (not indexable by name). */
  private readonly byApp = new Map<AppKind, number[]>();
  /** The same, grouped by packet direction (rules of that direction or any). */
  private readonly byAppDir = new Map<AppKind, number[][]>();
  /** App rules indexed by exact name, and by domain (the name or a parent domain). */
  private readonly appIndex = new Map<AppKind, AppNameIndex>();
  private readonly candidates = new IdList();
  private readonly cluster: CidrSet;
  private readonly payloadRules: number[] = [];
  /** Content rules whose contents are all on `stream` (TCP: the reassembled stream; else the datagram). */
  private readonly streamScan: ContentScanner | null;
  /** Content rules with a `payload` content: each packet on its own. */
  private readonly packetScan: ContentScanner | null;
  /** Per TCP flow direction (slot × 2 + direction): in-order delivery for stream content. */
  private streams: (TcpInspectDirection | undefined)[] = [];
  /** Per flow direction: scanLimit() once decided, else -1; cluster direction, else -1; volume rules whose header it matches (bits), else -1. */
  private limits = new Int32Array(0);
  private dirs = new Int8Array(0);
  private volumeMasks = new Int32Array(0);
  /** Rules of `streamScan`, and the stream offset past which none of each rule's contents can match. */
  private readonly streamRules: number[] = [];
  private readonly streamEnds: number[] = [];
  private pool: PagePool = new PagePool(new ReassemblyMemory(64 * 1024 * 1024));
  private maxOoo = 64;
  /** Counters of stream content inspection (out of order held and dropped, overlap conflicts). */
  readonly streamStats = new StreamStats();
  /** Where TLS flows turn encrypted: stream content inspection stops there (tls-encrypted.ts). */
  private readonly tls = new TlsEncrypted();
  /**
   * Suricata's `app-layer.protocols.tls.encryption-handling`: 'default' stops raw stream content
   * inspection at a TLS flow's first application_data record; 'full' inspects encrypted bytes too.
   */
  encryptionHandling: 'default' | 'full' = 'default';
  // the packet being matched, for contentHit() and data()
  private curPkt: Packet | null = null;
  private curFire: ((a: AlertRule, i: number, redacted: string) => void) | null = null;
  private curCtx = 0;
  private curStream = -1;
  private readonly volumeRules: number[] = [];
  /** Per volume rule: destination key → window start (µs), bytes, fired. Bounded. */
  private readonly volumeState = new Map<number, Map<number, { start: number; bytes: number; fired: boolean }>>();
  /** Per DNS-tunnel rule: registered domain → window start (µs), queries, fired. Bounded. */
  private readonly tunnelState = new Map<number, Map<number, { start: number; count: number; fired: boolean }>>();
  /** Rules the packet path cannot evaluate yet (stream/payload content, volume, DNS tunnel). */
  readonly unsupported: PolicyRule[] = [];
  /** Registered domain, longest label and entropy per DNS query name (cached). */
  private readonly tunnelNames = new TunnelNames();

  constructor(compiled: CompiledPolicy, profile: ClusterProfile) {
    this.cluster = clusterSet(profile);
    const streamRules: [number, ContentMatch[]][] = [];
    const packetRules: [number, ContentMatch[]][] = [];
    const headerRules: number[] = [];
    compiled.rules.forEach((rule) => {
      const m = rule.match;
      if (rule.volume !== null || rule.dnsTunnel !== null) {
        const dnsOnly = m.content.length === 0 && m.strings.every((s) => s.field === 'dns.query');
        if (rule.volume !== null ? m.strings.length > 0 || m.content.length > 0 : !dnsOnly) {
          this.unsupported.push(rule); // volume with string/content conditions, tunnel beyond dns.query: not yet
          return;
        }
        const i = this.rules.push(this.compileRule(rule, new Set())) - 1;
        if (rule.volume !== null) this.volumeRules.push(i);
        else (this.byApp.get('dns') ?? this.byApp.set('dns', []).get('dns')!).push(i);
        return;
      }
      const payloadContent = m.content.filter((c) => !APP_BUFFERS.has(c.buffer));
      if (payloadContent.length > 0) {
        if (payloadContent.length !== m.content.length || m.strings.length > 0) {
          this.unsupported.push(rule); // mixing payload content with app fields: not yet
          return;
        }
        const i = this.rules.push(this.compileRule(rule, new Set())) - 1;
        (m.content.every((c) => c.buffer === 'stream') ? streamRules : packetRules).push([i, m.content]);
        this.payloadRules.push(i);
        return;
      }
      const apps = new Set<AppKind>();
      for (const s of m.strings) {
        if (APP_OF_FIELD[s.field]) apps.add(APP_OF_FIELD[s.field]);
        else { apps.add('tls'); apps.add('quic'); } // ja3 / ja4
      }
      for (const c of m.content) apps.add(APP_OF_FIELD[c.buffer]);
      if (m.app !== null) apps.add(m.app);
      const i = this.rules.push(this.compileRule(rule, apps)) - 1;
      if (apps.size === 0) headerRules.push(i);
      for (const a of apps) {
        if (!this.indexAppRule(a, i)) (this.byApp.get(a) ?? this.byApp.set(a, []).get(a)!).push(i);
      }
    });
    for (const [kind, list] of this.byApp) {
      this.byAppDir.set(kind, [0, 1, 2, 3].map((d) => list.filter((i) => {
        const rd = this.rules[i].header.direction;
        return rd === DIR_ANY || rd === d;
      })));
    }
    this.headerGroups = new RuleGroups(headerRules.map((i) => {
      const h = this.rules[i].header;
      return { id: i, proto: h.proto, direction: h.direction, dport: h.dport, bidirectional: h.bidirectional };
    }));
    this.streamScan = streamRules.length > 0 ? new ContentScanner(streamRules) : null;
    for (const [i, cs] of streamRules) {
      this.streamRules.push(i);
      this.streamEnds.push(Math.max(...cs.map(contentEnd)));
    }
    this.packetScan = packetRules.length > 0 ? new ContentScanner(packetRules) : null;
  }

  /**
   * Prefilter for app rules: a rule with a positive name condition (exact names, dot-prefix
   * domains, a domain list) is indexed by those names; the event's name and its parent domains
   * are looked up, so only rules naming it are checked. Returns false when the rule cannot be
   * indexed (it is then checked on every event of its kind).
   */
  private indexAppRule(kind: AppKind, i: number): boolean {
    const m = this.rules[i].rule.match;
    const s = m.strings.find((x) => !x.negate && APP_OF_FIELD[x.field] === kind && x.field !== 'http.uri' &&
      x.prefix.length === 0 && x.suffix.every((e) => /^(\*\.|\.)/.test(e)));
    if (s === undefined || this.rules[i].rule.dnsTunnel !== null) return false;
    const index = this.appIndex.get(kind) ?? this.appIndex.set(kind, new AppNameIndex()).get(kind)!;
    for (const e of s.exact) index.addExact(e.toLowerCase().replace(/\.$/, ''), i);
    for (const e of [...s.dotprefix, ...s.suffix]) index.addDomain(e.toLowerCase().replace(/^(\*\.|\.)+/, ''), i);
    if (s.domainsFile !== null) {
      for (const raw of readFileSync(s.domainsFile.path, 'utf8').split('\n')) {
        const line = raw.replace(/#.*/, '').trim().toLowerCase();
        if (line === '') continue;
        if (/^(\*\.|\.)/.test(line)) index.addDomain(line.replace(/^(\*\.|\.)+/, ''), i);
        else index.addExact(line.replace(/\.$/, ''), i);
      }
    }
    return true;
  }

  /** Candidate app rules of an event named `name` in direction `dir`: the always-checked ones of that direction and those naming it. */
  private appCandidates(kind: AppKind, name: string | undefined, dir: number): IdList {
    const out = this.candidates;
    out.n = 0;
    const always = this.byAppDir.get(kind)?.[dir];
    if (always !== undefined) for (let k = 0; k < always.length; k++) out.push(always[k]);
    if (name !== undefined) this.appIndex.get(kind)?.collect(name, out);
    out.sortUnique();
    return out;
  }

  private compileRule(rule: PolicyRule, apps: Set<AppKind>): CompiledRule {
    return {
      rule,
      rate: new RateControl(rule),
      alert: makeAlertRule({ gid: 1, sid: rule.sid, rev: rule.rev, signature: rule.msg || rule.name, category: rule.category,
        severity: rule.severity, action: 'allowed', metadata: { kwire_rule: [rule.name] } }),
      header: new HeaderMatch(rule.match),
      apps,
      strings: rule.match.strings.map((s) => new AppStringMatch(s, s.domainsFile === null ? null : loadDomainFile(s.domainsFile.path, 1))),
      contents: rule.match.content.map((c) => new AppContentMatch(c)),
    };
  }

  /** Is there any rule on packet payloads (so the caller scans them)? */
  get hasPayloadRules(): boolean {
    return this.payloadRules.length > 0;
  }

  /**
   * Where stream content gets its memory: out-of-order bytes held in pages counted in `mem` (the
   * thread's reassembly memcap), at most `cfg.maxOooSegments` pieces per direction.
   */
  attachReassembly(cfg: ReassemblyConfig, mem: ReassemblyMemory): void {
    this.pool = new PagePool(mem);
    this.maxOoo = cfg.maxOooSegments;
  }

  /**
   * Content rules on one packet. `stream` (slot × 2 + direction, or -1) selects TCP stream
   * inspection: `stream` contents see the direction's bytes in sequence order within `depth` (out-of-order
   * segments held until the gap fills, overlaps first-wins), so a pattern split across segments
   * matches at the packet that completes it. `payload` contents (and `stream` ones off TCP) see this
   * packet's payload alone, while `inDepth`. `fire(alert, index, redacted)` gets the matched token with
   * all but its first 4 characters masked.
   */
  payload(pkt: Packet, fire: (a: AlertRule, i: number, redacted: string) => void, stream = -1, isNew = false, depth = 32 * 1024, inDepth = true): void {
    if (this.payloadRules.length === 0 || (pkt.payloadLength === 0 && (pkt.ipProto !== 6 || (pkt.tcpFlags & TCP_SYN) === 0))) return;
    this.curPkt = pkt;
    this.curFire = fire;
    this.curStream = stream;
    const ss = this.streamScan;
    if (ss !== null) {
      if (stream >= 0) {
        this.ensureStreams(stream + 2);
        if (isNew) this.forget(stream);
      }
      if (stream >= 0 && pkt.ipProto === 6) {
        const limit = this.scanLimit(stream, pkt, depth);
        let d = this.streams[stream];
        if (d === undefined) this.streams[stream] = d = new TcpInspectDirection(this.maxOoo);
        if (limit > 0 && this.tls.encrypted[stream] === 0) {
          this.curCtx = stream + 1;
          d.segment(pkt, this, limit, this.pool, this.streamStats);
        } else if (d.held > 0) d.reset(this.pool); // encrypted from here on: held bytes are never inspected
      } else if (inDepth && pkt.payloadLength > 0 && (stream < 0 || this.scanLimit(stream, pkt, depth) > 0)) {
        ss.packet(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, this);
      }
    }
    if (this.packetScan !== null && inDepth && pkt.payloadLength > 0) this.packetScan.packet(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, this);
    this.curPkt = null;
  }

  /** Room for per-stream state of streams 0 .. n-1. */
  private ensureStreams(n: number): void {
    if (this.streamScan !== null) {
      this.streamScan.ensure(n + 1);
      this.tls.ensure(n);
    }
    if (n <= this.limits.length) return;
    const size = Math.max(n, this.limits.length * 2, 1024);
    const l = new Int32Array(size).fill(-1);
    l.set(this.limits);
    this.limits = l;
    const d = new Int8Array(size).fill(-1);
    d.set(this.dirs);
    this.dirs = d;
    const v = new Int32Array(size).fill(-1);
    v.set(this.volumeMasks);
    this.volumeMasks = v;
  }

  /** A new flow in the slot of stream `s`: both directions start over. */
  private forget(s: number): void {
    const o = s ^ 1;
    this.limits[s] = this.limits[o] = -1;
    this.dirs[s] = this.dirs[o] = -1;
    this.volumeMasks[s] = this.volumeMasks[o] = -1;
    const ss = this.streamScan;
    if (ss === null) return;
    this.streams[s]?.reset(this.pool);
    this.streams[o]?.reset(this.pool);
    ss.reset(s + 1);
    ss.reset(o + 1);
    this.tls.reset(s);
  }

  /** The cluster direction of stream `s` (its packets' addresses), from its first packet `pkt`. */
  private streamDir(s: number, pkt: Packet): number {
    let d = this.dirs[s];
    if (d < 0) this.dirs[s] = d = this.clusterDirection(pkt);
    return d;
  }

  /**
   * How far into stream `s` content can still match (decided on its first packet, by the header
   * conditions of the content rules: protocol, addresses, ports, cluster direction, `flow:
   * to_server`/`to_client`): 0 when no rule can match it, else the largest end (offset + depth,
   * plus tail and redaction margin) among them, at most `depth`.
   */
  private scanLimit(s: number, pkt: Packet, depth: number): number {
    let lim = this.limits[s];
    if (lim >= 0) return Math.min(lim, depth);
    lim = 0;
    const dir = this.streamDir(s, pkt);
    const toServer = (s & 1) === TO_SERVER;
    for (let k = 0; k < this.streamRules.length; k++) {
      const r = this.rules[this.streamRules[k]];
      const h = r.header;
      if ((h.toServer === null || h.toServer === toServer) && this.streamEnds[k] > lim && h.matches(pkt, dir)) lim = this.streamEnds[k];
    }
    this.limits[s] = lim;
    return Math.min(lim, depth);
  }


  /** In-order stream bytes of the current packet's direction (from TcpInspectDirection). */
  data(bytes: Uint8Array, off: number, len: number, rel: number): void {
    const ctx = this.curCtx;
    let n = len;
    if (this.encryptionHandling === 'default') {
      if (this.tls.encrypted[ctx - 1] !== 0) return;
      n = this.tls.cleartext(ctx - 1, bytes, off, len, rel);
    }
    if (n > 0) this.streamScan!.chunk(ctx, bytes, off, n, rel, this);
  }

  /** Content inspection counters: bytes scanned (streams and payloads), TLS flows whose stream inspection stopped at encrypted data. */
  get contentStats(): { bytes_scanned: number; tls_encrypted_flows: number } {
    return {
      bytes_scanned: (this.streamScan?.bytesScanned ?? 0) + (this.packetScan?.bytesScanned ?? 0),
      tls_encrypted_flows: this.tls.flows,
    };
  }

  /** Every content of rule `i` holds: check its header on the current packet and fire. */
  contentHit(i: number, redacted: string): void {
    const r = this.rules[i];
    const pkt = this.curPkt!;
    const h = r.header;
    if (h.toServer !== null && this.curStream >= 0 && h.toServer !== ((this.curStream & 1) === TO_SERVER)) return;
    if (h.matches(pkt, this.clusterDirection(pkt))) this.curFire!(r.alert, i, redacted);
  }

  /**
   * DNS tunnelling per registered domain (Public Suffix List, ICANN and private sections: the
   * public suffix plus one label, so `a.b.evil.co.uk` counts under `evil.co.uk`): a query trips with a label of at
   * least `label_length`, or a subdomain part (≥ 16 characters) whose Shannon entropy reaches
   * `entropy`, or when the domain's queries reach `query_rate` within its window. One alert per
   * domain and window.
   */
  private tunnelTrips(i: number, rule: PolicyRule, query: string, nowUs: number): boolean {
    const t = rule.dnsTunnel!;
    const q = this.tunnelNames;
    if (!q.lookup(query)) return false;
    // A test left at 0 is off.
    const trip = (t.labelLength > 0 && q.maxLabel >= t.labelLength) ||
      (t.entropy > 0 && q.subLength >= 16 && q.subEntropy >= t.entropy);
    if (this.tunnelGate !== null) {
      this.tunnelGate(i, q.key, trip, nowUs);
      return true; // decided by tunnelAdmit() in capture order (engine/pipeline)
    }
    return this.tunnelAdmit(i, q.key, trip, nowUs);
  }

  /**
   * When set, DNS-tunnel queries are not counted here: each query that reaches the rule is passed
   * on (registered-domain key, whether it trips on its own) and fires; the caller decides with
   * tunnelAdmit() in capture order, across worker threads.
   */
  tunnelGate: ((rule: number, domain: number, trip: boolean, nowUs: number) => void) | null = null;

  /** Is rule `i` a DNS-tunnel rule (counted per query and registered domain, not once per flow)? */
  isDnsTunnel(i: number): boolean {
    return this.rules[i].rule.dnsTunnel !== null;
  }

  /** Count one query of registered domain `key` for tunnel rule `i`; true = it alerts. */
  tunnelAdmit(i: number, key: number, trip: boolean, nowUs: number): boolean {
    const t = this.rules[i].rule.dnsTunnel!;
    let states = this.tunnelState.get(i);
    if (states === undefined) this.tunnelState.set(i, (states = new Map()));
    let st = states.get(key);
    const windowUs = (t.queryRate?.seconds ?? 60) * 1e6;
    if (st === undefined || nowUs - st.start > windowUs) {
      if (st === undefined && states.size >= 10_000) states.delete(states.keys().next().value!);
      st = { start: nowUs, count: 0, fired: false };
      states.set(key, st);
    }
    st.count++;
    if (t.queryRate !== null && st.count >= t.queryRate.count) trip = true;
    if (!trip || st.fired) return false;
    st.fired = true;
    return true;
  }

  /** Is there a volume rule (so the caller accounts every packet)? */
  get hasVolumeRules(): boolean {
    return this.volumeRules.length > 0;
  }

  /**
   * Volume rules: bytes sent to one destination outside the cluster within the window; one alert
   * per destination and window. Destinations are keyed by a hash of their address (no allocation).
   * With `stream` (slot × 2 + direction) the direction and the rules' header checks are decided
   * once per flow direction.
   */
  volume(pkt: Packet, nowUs: number, fire: (a: AlertRule, i: number) => void, stream = -1): void {
    let dir: number;
    let mask = -1;
    if (stream >= 0 && this.volumeRules.length <= 31) {
      this.ensureStreams(stream + 2);
      dir = this.streamDir(stream, pkt);
      if (dir !== DIR_EGRESS && dir !== DIR_ANY) return;
      mask = this.volumeMasks[stream];
      if (mask < 0) {
        mask = 0;
        for (let k = 0; k < this.volumeRules.length; k++) if (this.rules[this.volumeRules[k]].header.matches(pkt, dir)) mask |= 1 << k;
        this.volumeMasks[stream] = mask;
      }
      if (mask === 0) return;
    } else {
      dir = this.clusterDirection(pkt);
      if (dir !== DIR_EGRESS && dir !== DIR_ANY) return; // (both leave the destination outside the cluster)
    }
    const key = addressKey(pkt.bytes, pkt.dstAddrOffset, pkt.ipVersion);
    for (let k = 0; k < this.volumeRules.length; k++) {
      const i = this.volumeRules[k];
      const r = this.rules[i];
      const v = r.rule.volume!;
      if (mask >= 0 ? (mask & (1 << k)) === 0 : !r.header.matches(pkt, dir)) continue;
      let states = this.volumeState.get(i);
      if (states === undefined) this.volumeState.set(i, (states = new Map()));
      let st = states.get(key);
      if (st === undefined || nowUs - st.start > v.seconds * 1e6) {
        if (st === undefined && states.size >= 65_536) states.delete(states.keys().next().value!);
        st = { start: nowUs, bytes: 0, fired: false };
        states.set(key, st);
      }
      st.bytes += pkt.origLen;
      if (!st.fired && st.bytes >= v.bytes) {
        st.fired = true;
        fire(r.alert, i);
      }
    }
  }


  /**
   * Rate control for a match of rule `i` on the current packet: false when suppressed or held by
   * its threshold/limit. `perFlow` tells the caller whether to also alert only once per flow.
   */
  allow(i: number, pkt: Packet, flowId: number, nowUs: number): boolean {
    return this.rules[i].rate.allow(pkt, flowId, nowUs);
  }

  /** The rate control of rule `i` (suppress is stateless; threshold/limit counting is not). */
  rate(i: number): RateControl {
    return this.rules[i].rate;
  }

  /** Rules with a threshold or limit count every match; others alert once per flow. */
  perFlow(i: number): boolean {
    return !this.rules[i].rate.counted;
  }

  /** The app fields some rule reads: an app event need not render the others as text. */
  get appFieldsUsed(): Set<keyof AppFields> {
    const used = new Set<keyof AppFields>();
    for (const r of this.rules) {
      for (const s of r.rule.match.strings) if (FIELD_OF[s.field] !== undefined) used.add(FIELD_OF[s.field]);
      for (const c of r.rule.match.content) if (FIELD_OF[c.buffer] !== undefined) used.add(FIELD_OF[c.buffer]);
    }
    return used;
  }

  /** Does any rule test JA3 or JA4 (so hellos must be fingerprinted)? */
  get usesFingerprints(): boolean {
    return this.rules.some((r) => r.rule.match.strings.some((s) => s.field === 'ja3' || s.field === 'ja4'));
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
   * packet that makes it established. `fire(alert, index)` raises an alert. `stream` (slot × 2 +
   * direction, as for payload()): on a new flow, its content inspection state starts over even
   * when the first packet carries nothing to inspect.
   */
  flowPacket(pkt: Packet, isNew: boolean, justEstablished: boolean, toServer: boolean, fire: (a: AlertRule, i: number) => void, stream = -1): void {
    if (isNew && stream >= 0) {
      this.ensureStreams(stream + 2);
      this.forget(stream);
    }
    if (!isNew && !justEstablished) return;
    const dir = this.clusterDirection(pkt);
    const p = pkt.ipProto;
    const c = this.headerGroups.candidates(p, pkt.l4Offset !== 0 && (p === 6 || p === 17) ? pkt.dstPort : 0, dir);
    for (let k = 0; k < c.length; k++) {
      const i = c[k];
      const r = this.rules[i];
      if (r.header.established ? !justEstablished : !isNew) continue;
      if (r.header.toServer !== null && r.header.toServer !== toServer) continue;
      if (r.header.matches(pkt, dir)) fire(r.alert, i);
    }
  }

  /** Rules on an app-layer event of `kind` with its text fields. */
  app(kind: AppKind, f: AppFields, pkt: Packet, fire: (a: AlertRule, i: number) => void, nowUs = 0): void {
    const dir = this.clusterDirection(pkt);
    const list = this.appCandidates(kind, kind === 'dns' ? f.query : kind === 'http' ? f.host : f.sni, dir);
    const n = list.n;
    for (let c = 0; c < n; c++) { // the candidate scratch is not reused before this loop ends
      const i = list.ids[c];
      const r = this.rules[i];
      const m = r.rule.match;
      if (!r.header.matches(pkt, dir)) continue;

      let ok = true;
      for (let k = 0; k < m.strings.length && ok; k++) {
        const s = m.strings[k];
        const text = fieldText(f, s.field);
        if (text === undefined || (APP_OF_FIELD[s.field] !== undefined && APP_OF_FIELD[s.field] !== kind)) ok = false;
        else ok = r.strings[k].matches(text);
      }
      for (let k = 0; k < m.content.length && ok; k++) {
        const text = fieldText(f, m.content[k].buffer);
        ok = text !== undefined && r.contents[k].matches(text);
      }
      if (ok && r.rule.dnsTunnel !== null) ok = f.query !== undefined && this.tunnelTrips(i, r.rule, f.query, nowUs);
      if (ok) fire(r.alert, i);
    }
  }
}

/**
 * The stream offset past which content `c` changes nothing: offset + depth, plus its tail and the
 * bytes a redacted token may extend over (content-scan.ts REDACT_MAX); no depth: no end.
 */
function contentEnd(c: ContentMatch): number {
  if (c.depth <= 0) return 0x7fffffff;
  return c.offset + c.depth + (c.tail === null ? 0 : c.tail.max + 1) + REDACT_MAX;
}
