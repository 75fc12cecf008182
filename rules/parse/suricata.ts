// Suricata rule import for the common subset (Suricata 7 "Rules Format"): header, msg, sid, rev,
// classtype, flow, content with modifiers, sticky buffers, dsize, threshold. Anything else skips the
// rule with a warning naming the rule and the keyword; nothing is silently misread.

import { readFileSync } from 'node:fs';
import { parseAddrSpec, parsePortSpec, type PortSpec, type Vars } from './addresses.js';
import { parseContentBytes } from './content.js';
import { parseTail } from './char-class.js';
import { PolicyError, type SourcePos } from './policy-error.js';
import { parseDsize, profileVars } from './policy.js';
import { CATEGORIES, type AppProto, type Buffer, type Category, type ClusterProfile, type ContentMatch, type PolicyRule, type Protocol, type Rate, type RuleMatch, type TrackBy } from './policy-schema.js';

export interface SuricataOptions {
  /** Extra or overriding variables, as suricata.yaml `vars` (values in rule syntax, may use other variables). */
  addressVars?: Record<string, string>;
  portVars?: Record<string, string>;
  /** Category when neither a `kwire_category` metadata entry nor a known classtype gives one. */
  defaultCategory?: Category;
  readFile?: (path: string) => string;
}

/** A rule skipped (or, with `skipped` false, imported with a remark), naming the rule and the keyword. */
export interface ImportWarning {
  file: string;
  line: number;
  column: number;
  /** The rule's sid when it has one. */
  sid: number | null;
  keyword: string;
  skipped: boolean;
  message: string;
}

export interface SuricataImport {
  rules: PolicyRule[];
  /** Number of rules skipped because of an unsupported keyword, protocol, action or variable. */
  skipped: number;
  warnings: ImportWarning[];
}

/**
 * Suricata classtypes (classification.config) → kwire category and default severity (the classtype's
 * priority, at most 4). Overridden per rule by `priority` and `metadata: kwire_category <category>`.
 */
export const CLASSTYPES: Record<string, [Category, number]> = {
  'trojan-activity': ['blocked-destination', 1],
  'command-and-control': ['blocked-destination', 1],
  'domain-c2': ['blocked-destination', 1],
  'exploit-kit': ['blocked-destination', 1],
  'targeted-activity': ['blocked-destination', 1],
  'policy-violation': ['blocked-destination', 1],
  'bad-unknown': ['blocked-destination', 2],
  'coin-mining': ['blocked-destination', 2],
  'social-engineering': ['blocked-destination', 2],
  'external-ip-check': ['blocked-destination', 2],
  'credential-theft': ['secret-leak', 1],
  'attempted-recon': ['disallowed-port', 2],
  'successful-recon-limited': ['disallowed-port', 2],
  'network-scan': ['disallowed-port', 3],
  'web-application-attack': ['protocol-anomaly', 1],
  'attempted-admin': ['protocol-anomaly', 1],
  'attempted-user': ['protocol-anomaly', 1],
  'successful-admin': ['protocol-anomaly', 1],
  'misc-attack': ['protocol-anomaly', 2],
  'protocol-command-decode': ['protocol-anomaly', 3],
  'misc-activity': ['protocol-anomaly', 3],
  'not-suspicious': ['protocol-anomaly', 3],
  'string-detect': ['protocol-anomaly', 3],
  'unknown': ['protocol-anomaly', 3],
};

/** Sticky buffers and the kwire buffer they select. `pkt_data` returns to the payload. */
const STICKY: Record<string, Buffer> = {
  'tls.sni': 'tls.sni', tls_sni: 'tls.sni',
  'quic.sni': 'quic.sni',
  'dns.query': 'dns.query', dns_query: 'dns.query',
  'http.host': 'http.host',
  'http.uri': 'http.uri',
  'http.method': 'http.method',
  'http.user_agent': 'http.user_agent',
  'http.header': 'http.header',
};

/** Header protocols: transport protocol and the application protocol the rule requires. */
const PROTOS: Record<string, [Protocol, AppProto]> = {
  tcp: ['tcp', null], udp: ['udp', null], icmp: ['icmp', null], ip: ['any', null],
  tls: ['tcp', 'tls'], http: ['tcp', 'http'], dns: ['any', 'dns'], quic: ['udp', 'quic'],
};

/** suricata.yaml's default address and port groups that are not cluster profile variables. */
const DEFAULT_ADDRESS_VARS: Record<string, string> = {
  HTTP_SERVERS: '$HOME_NET', SMTP_SERVERS: '$HOME_NET', SQL_SERVERS: '$HOME_NET', DNS_SERVERS: '$HOME_NET',
  TELNET_SERVERS: '$HOME_NET', AIM_SERVERS: '$EXTERNAL_NET', DC_SERVERS: '$HOME_NET',
};
const DEFAULT_PORT_VARS: Record<string, string> = {
  HTTP_PORTS: '80', SHELLCODE_PORTS: '!80', ORACLE_PORTS: '1521', SSH_PORTS: '22', FTP_PORTS: '21',
  FILE_DATA_PORTS: '[$HTTP_PORTS,110,143]', VXLAN_PORTS: '4789', GENEVE_PORTS: '6081', TEREDO_PORTS: '3544',
};

const INFO_KEYWORDS = new Set(['reference', 'metadata', 'target']);
const MAX_RULE_CHARS = 65536;

/** Reads a rules file. Throws PolicyError for I/O and malformed rules; unsupported rules are skipped. */
export function loadSuricataRules(path: string, cluster: ClusterProfile, opts: SuricataOptions = {}): SuricataImport {
  let text: string;
  try {
    text = (opts.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    throw new PolicyError({ file: path, line: 1, column: 1 }, `cannot read: ${(e as Error).message}; expected a readable rules file`);
  }
  return parseSuricataRules(text, path, cluster, opts);
}

/**
 * Parses Suricata rules text (one rule a line; a line ending in `\` continues on the next; `#` lines
 * are comments). Variables resolve from the cluster profile ($HOME_NET = pod + service + node CIDRs,
 * $EXTERNAL_NET = !$HOME_NET, and every policy variable), then suricata.yaml's defaults, then `opts`.
 */
export function parseSuricataRules(text: string, file: string, cluster: ClusterProfile, opts: SuricataOptions = {}): SuricataImport {
  const vars = buildVars(cluster, opts, file);
  const out: SuricataImport = { rules: [], skipped: 0, warnings: [] };
  const sids = new Map<number, number>();
  for (const logical of logicalLines(text, file)) {
    const r = new RuleReader(logical, file, vars, opts.defaultCategory ?? 'blocked-destination').read();
    out.warnings.push(...r.warnings);
    if (r.rule === null) {
      out.skipped++;
      continue;
    }
    const prev = sids.get(r.rule.sid);
    if (prev !== undefined) throw new PolicyError(r.rule.pos, `duplicate sid ${r.rule.sid} (first at line ${prev}); expected a unique sid`);
    sids.set(r.rule.sid, r.rule.pos.line);
    out.rules.push(r.rule);
  }
  return out;
}

function buildVars(cluster: ClusterProfile, opts: SuricataOptions, file: string): Vars {
  const vars = profileVars(cluster);
  const pos = (name: string): SourcePos => ({ file: `${file} (variable ${name})`, line: 1, column: 1 });
  const addAddr = (src: Record<string, string>, override: boolean) => {
    for (const [k, v] of Object.entries(src)) if (override || !vars.addr.has(k)) vars.addr.set(k, parseAddrSpec(v, pos(k), vars));
  };
  const addPort = (src: Record<string, string>, override: boolean) => {
    for (const [k, v] of Object.entries(src)) if (override || !vars.port.has(k)) vars.port.set(k, parsePortSpec(v, pos(k), vars));
  };
  addAddr(DEFAULT_ADDRESS_VARS, false);
  addPort(DEFAULT_PORT_VARS, false);
  addAddr(opts.addressVars ?? {}, true);
  addPort(opts.portVars ?? {}, true);
  return vars;
}

interface Logical {
  text: string;
  /** Where each joined piece starts: offset in `text`, line, 1-based column. */
  segs: { off: number; line: number; col: number }[];
}

function logicalLines(text: string, file: string): Logical[] {
  const out: Logical[] = [];
  const lines = text.split('\n');
  let cur: Logical | null = null;
  for (let n = 0; n < lines.length; n++) {
    let s = lines[n]!;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    let lead = 0;
    while (lead < s.length && (s[lead] === ' ' || s[lead] === '\t')) lead++;
    if (cur === null) {
      if (lead === s.length || s[lead] === '#') continue;
      cur = { text: '', segs: [] };
    }
    const body = s.slice(lead).replace(/\s+$/, '');
    const cont = body.endsWith('\\');
    cur.segs.push({ off: cur.text.length, line: n + 1, col: lead + 1 });
    cur.text += cont ? body.slice(0, -1) : body;
    if (cur.text.length > MAX_RULE_CHARS) throw new PolicyError({ file, line: cur.segs[0]!.line, column: cur.segs[0]!.col }, `rule longer than ${MAX_RULE_CHARS} characters; expected a shorter rule`);
    if (!cont) {
      out.push(cur);
      cur = null;
    }
  }
  if (cur !== null) {
    const last = cur.segs[cur.segs.length - 1]!;
    throw new PolicyError({ file, line: last.line, column: last.col }, 'the file ends inside a rule continued with "\\"; expected the rest of the rule');
  }
  return out;
}

interface Option { name: string; value: string | null; off: number; valueOff: number }

/** `"/LITERAL[CLASS]{N}/"` or `{MIN,MAX}`, no flags: the pcre shape that maps to content + tail. */
const PCRE_TAIL = /^"\/((?:[A-Za-z0-9_=:;,'<> -]|\\[\/.+*?()\[\]{}|^$-])+)(\[(?:[^\]\\]|\\.)+\]\{\d{1,4}(?:,\d{1,4})?\})\/"$/;

class Skip {
  constructor(readonly keyword: string, readonly off: number, readonly message: string) {}
}

class RuleReader {
  warnings: ImportWarning[] = [];
  private sid: number | null = null;

  constructor(private readonly l: Logical, private readonly file: string, private readonly vars: Vars, private readonly defaultCategory: Category) {}

  private pos(off: number): SourcePos {
    const segs = this.l.segs;
    let s = segs[0]!;
    for (const x of segs) if (x.off <= off) s = x;
    return { file: this.file, line: s.line, column: s.col + (off - s.off) };
  }

  private fail(off: number, msg: string): never {
    throw new PolicyError(this.pos(off), msg);
  }

  read(): { rule: PolicyRule | null; warnings: ImportWarning[] } {
    const t = this.l.text;
    const header: { tok: string; off: number }[] = [];
    let k = 0;
    while (header.length < 7) {
      while (k < t.length && (t[k] === ' ' || t[k] === '\t')) k++;
      if (k >= t.length || t[k] === '(') break;
      const start = k;
      let depth = 0;
      while (k < t.length) {
        const c = t[k]!;
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (depth <= 0 && (c === ' ' || c === '\t' || c === '(')) break;
        k++;
      }
      header.push({ tok: t.slice(start, k), off: start });
    }
    const names = ['action', 'protocol', 'source', 'source port', 'direction (-> or <>)', 'destination', 'destination port'];
    if (header.length < 7) this.fail(k, `incomplete rule header; expected ${names[header.length]} (action proto src sport -> dst dport (options))`);
    while (k < t.length && (t[k] === ' ' || t[k] === '\t')) k++;
    if (t[k] !== '(') this.fail(k, 'expected "(" to open the rule options after the header');
    if (!t.endsWith(')')) this.fail(t.length, 'expected ")" at the end of the rule');
    const options = this.options(k + 1, t.length - 1);
    this.sid = this.findSid(options);
    try {
      return { rule: this.build(header, options), warnings: this.warnings };
    } catch (e) {
      if (!(e instanceof Skip)) throw e;
      const p = this.pos(e.off);
      const rule = this.sid === null ? 'rule' : `rule sid ${this.sid}`;
      this.warnings.push({
        file: this.file, line: p.line, column: p.column, sid: this.sid, keyword: e.keyword, skipped: true,
        message: `${this.file}:${p.line}:${p.column}: ${rule} skipped: ${e.message}`,
      });
      return { rule: null, warnings: this.warnings };
    }
  }

  /** Splits `name[:value];` options between `from` and `to` (exclusive). */
  private options(from: number, to: number): Option[] {
    const t = this.l.text;
    const out: Option[] = [];
    let k = from;
    for (;;) {
      while (k < to && (t[k] === ' ' || t[k] === '\t')) k++;
      if (k >= to) return out;
      const start = k;
      while (k < to && /[A-Za-z0-9_.\-]/.test(t[k]!)) k++;
      const name = t.slice(start, k);
      if (name === '') this.fail(k, `unexpected "${t[k]}"; expected an option keyword`);
      while (k < to && (t[k] === ' ' || t[k] === '\t')) k++;
      if (t[k] === ';') {
        out.push({ name, value: null, off: start, valueOff: k });
        k++;
        continue;
      }
      if (k >= to || t[k] !== ':') this.fail(k, `expected ":" or ";" after option "${name}"`);
      k++;
      while (k < to && (t[k] === ' ' || t[k] === '\t')) k++;
      const vStart = k;
      let quoted = false;
      while (k < to) {
        const c = t[k]!;
        if (c === '\\') {
          k += 2;
          continue;
        }
        if (c === '"') quoted = !quoted;
        else if (c === ';' && !quoted) break;
        k++;
      }
      if (quoted) this.fail(vStart, `unterminated quoted value of "${name}"; expected a closing '"'`);
      if (k >= to) this.fail(to, `missing ";" after option "${name}"; expected ${name}:VALUE;`);
      out.push({ name, value: t.slice(vStart, k).trimEnd(), off: start, valueOff: vStart });
      k++;
    }
  }

  private findSid(options: Option[]): number | null {
    const o = options.find((x) => x.name === 'sid');
    if (o === undefined || o.value === null || !/^\d{1,10}$/.test(o.value)) return null;
    return Number(o.value);
  }

  private build(header: { tok: string; off: number }[], options: Option[]): PolicyRule {
    const [action, proto, src, sport, dir, dst, dport] = header as [typeof header[0], typeof header[0], typeof header[0], typeof header[0], typeof header[0], typeof header[0], typeof header[0]];
    if (action.tok !== 'alert') {
      if (['drop', 'reject', 'rejectsrc', 'rejectdst', 'rejectboth', 'pass'].includes(action.tok)) throw new Skip(`action ${action.tok}`, action.off, `action "${action.tok}" is not supported (kwire only alerts)`);
      this.fail(action.off, `bad action "${action.tok}"; expected alert`);
    }
    const p = PROTOS[proto.tok];
    if (p === undefined) throw new Skip(`protocol ${proto.tok}`, proto.off, `protocol "${proto.tok}" is not supported; expected one of ${Object.keys(PROTOS).join(', ')}`);
    if (dir.tok !== '->' && dir.tok !== '<>') this.fail(dir.off, `bad direction "${dir.tok}"; expected -> or <>`);
    for (const h of [src, sport, dst, dport]) {
      const re = /\$([A-Za-z0-9_]+)/g;
      const isPort = h === sport || h === dport;
      for (let m = re.exec(h.tok); m !== null; m = re.exec(h.tok)) {
        if (!(isPort ? this.vars.port : this.vars.addr).has(m[1]!)) {
          throw new Skip(`$${m[1]}`, h.off + m.index, `unknown ${isPort ? 'port' : 'address'} variable "$${m[1]}" (define it in the import's ${isPort ? 'portVars' : 'addressVars'})`);
        }
      }
    }
    const match: RuleMatch = {
      protocol: p[0], app: p[1], direction: 'any',
      src: parseAddrSpec(src.tok, this.pos(src.off), this.vars),
      dst: parseAddrSpec(dst.tok, this.pos(dst.off), this.vars),
      srcPorts: this.ports(sport), dstPorts: this.ports(dport),
      bidirectional: dir.tok === '<>',
      flowState: null, flowDirection: null, strings: [], content: [], dsize: null,
    };
    if (match.protocol === 'icmp' && (!match.srcPorts.any || !match.dstPorts.any || match.srcPorts.exclude.length + match.dstPorts.exclude.length > 0)) {
      this.fail(sport.off, 'ports on an icmp rule; expected any');
    }
    const rawBuffer: Buffer = match.protocol === 'tcp' ? 'stream' : 'payload';
    let buffer: Buffer = rawBuffer;
    let last: ContentMatch | null = null;
    let msg: string | null = null;
    let sid: number | null = null;
    let rev = 1;
    let classtype: string | null = null;
    let priority: number | null = null;
    let category: Category | null = null;
    let threshold: Rate | null = null;
    let limit: Rate | null = null;
    const seen = new Set<string>();
    const once = (o: Option) => {
      if (seen.has(o.name)) this.fail(o.off, `"${o.name}" given twice; expected it once`);
      seen.add(o.name);
    };
    const needValue = (o: Option): string => {
      if (o.value === null || o.value === '') this.fail(o.valueOff, `"${o.name}" needs a value; expected ${o.name}:VALUE;`);
      return o.value;
    };
    const needNone = (o: Option) => {
      if (o.value !== null) this.fail(o.valueOff, `"${o.name}" takes no value; expected ${o.name};`);
    };
    const modifierTarget = (o: Option): ContentMatch => {
      if (last === null) this.fail(o.off, `"${o.name}" without a preceding content; expected content:"..." before it`);
      return last;
    };
    const int = (o: Option, min: number, max: number): number => {
      const v = needValue(o);
      if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) this.fail(o.valueOff, `bad ${o.name} "${v}"; expected an integer ${min}-${max}`);
      return Number(v);
    };
    for (const o of options) {
      const sticky = STICKY[o.name];
      if (sticky !== undefined) {
        needNone(o);
        buffer = sticky;
        last = null;
        continue;
      }
      switch (o.name) {
        case 'msg': once(o); msg = this.quoted(o); break;
        case 'sid': once(o); sid = int(o, 1, 0xffffffff); break;
        case 'rev': once(o); rev = int(o, 1, 0xffffffff); break;
        case 'gid':
          once(o);
          if (int(o, 0, 0xffffffff) !== 1) throw new Skip('gid', o.off, `gid ${o.value} is not supported (kwire alerts with gid 1)`);
          break;
        case 'classtype': {
          once(o);
          classtype = needValue(o);
          const c = CLASSTYPES[classtype];
          if (c === undefined) {
            const p2 = this.pos(o.valueOff);
            this.warnings.push({
              file: this.file, line: p2.line, column: p2.column, sid: this.sid, keyword: 'classtype', skipped: false,
              message: `${this.file}:${p2.line}:${p2.column}: rule sid ${this.sid ?? '?'}: unknown classtype "${classtype}"; category ${this.defaultCategory}, severity 3`,
            });
          }
          break;
        }
        case 'priority': once(o); priority = int(o, 1, 255); break;
        case 'metadata': {
          for (const part of needValue(o).split(',')) {
            const [k2, v2] = part.trim().split(/\s+/, 2);
            if (k2 === 'kwire_category') {
              if (!(CATEGORIES as readonly string[]).includes(v2 ?? '')) this.fail(o.valueOff, `bad kwire_category "${v2 ?? ''}"; expected one of ${CATEGORIES.join(', ')}`);
              category = v2 as Category;
            }
          }
          break;
        }
        case 'reference': case 'target': needValue(o); break;
        case 'flow': once(o); this.flow(o, needValue(o), match); break;
        case 'pkt_data': needNone(o); buffer = rawBuffer; last = null; break;
        case 'content': {
          const v = needValue(o);
          const neg = v.startsWith('!');
          const q = neg ? v.slice(1).trimStart() : v;
          const qOff = o.valueOff + (v.length - q.length);
          if (q.length < 2 || q[0] !== '"' || !q.endsWith('"')) this.fail(qOff, `bad content ${v}; expected content:"text|0d 0a|";`);
          last = {
            buffer, bytes: parseContentBytes(q.slice(1, -1), this.pos(qOff + 1), true), alt: [], tail: null, nocase: false, offset: 0, depth: 0,
            startswith: false, endswith: false, negate: neg, pos: this.pos(o.off),
          };
          match.content.push(last);
          break;
        }
        case 'pcre': {
          // Only a literal followed by one bounded class maps (anchor + tail); anything else is skipped.
          const v = needValue(o);
          const m = PCRE_TAIL.exec(v);
          if (m === null || (buffer !== 'stream' && buffer !== 'payload')) {
            throw new Skip('pcre', o.off, 'keyword "pcre" is not supported (only "/LITERAL[CLASS]{N}/" or {MIN,MAX} on the payload maps)');
          }
          const lit = parseContentBytes(m[1].replace(/\\(.)/g, '$1'), this.pos(o.valueOff + 2), false);
          const tail = parseTail(m[2], this.pos(o.valueOff + 2 + m[1].length));
          const same = last !== null && last.tail === null && !last.negate && !last.nocase && Buffer.from(last.bytes).equals(Buffer.from(lit)) ? last : null;
          if (same !== null) same.tail = tail;
          else {
            last = { buffer, bytes: lit, alt: [], tail, nocase: false, offset: 0, depth: 0, startswith: false, endswith: false, negate: false, pos: this.pos(o.off) };
            match.content.push(last);
          }
          const p2 = this.pos(o.off);
          this.warnings.push({
            file: this.file, line: p2.line, column: p2.column, sid: this.sid, keyword: 'pcre', skipped: false,
            message: `${this.file}:${p2.line}:${p2.column}: rule sid ${this.sid ?? '?'}: pcre mapped to content + tail ${m[2]}; the class run must also end there (a longer run does not match)`,
          });
          break;
        }
        case 'nocase': needNone(o); modifierTarget(o).nocase = true; break;
        case 'startswith': needNone(o); modifierTarget(o).startswith = true; break;
        case 'endswith': needNone(o); modifierTarget(o).endswith = true; break;
        case 'fast_pattern': modifierTarget(o); break; // a prefilter hint: no effect on what matches
        case 'offset': { const c = modifierTarget(o); c.offset = int(o, 0, 65535); break; }
        case 'depth': {
          const c = modifierTarget(o);
          c.depth = int(o, 1, 65535);
          if (c.depth < c.bytes.length) this.fail(o.valueOff, `depth ${c.depth} is shorter than the content (${c.bytes.length} bytes); expected depth >= content length`);
          break;
        }
        case 'dsize': once(o); match.dsize = parseDsize(needValue(o), this.pos(o.valueOff)); break;
        case 'threshold': once(o); [threshold, limit] = this.threshold(o, needValue(o)); break;
        default:
          if (INFO_KEYWORDS.has(o.name)) break;
          throw new Skip(o.name, o.off, `keyword "${o.name}" is not supported`);
      }
    }
    if (sid === null) this.fail(this.l.text.length - 1, 'missing sid; expected sid:N; in the options');
    const ct = classtype === null ? undefined : CLASSTYPES[classtype];
    const start = this.pos(0);
    return {
      name: `sid-${sid}`,
      sid,
      rev,
      severity: Math.min(4, priority ?? ct?.[1] ?? 3) as 1 | 2 | 3 | 4,
      category: category ?? ct?.[0] ?? this.defaultCategory,
      msg: msg ?? `sid ${sid}`,
      enabled: true,
      match,
      threshold,
      limit,
      suppress: [],
      volume: null,
      dnsTunnel: null,
      origin: 'suricata',
      classtype,
      pos: start,
    };
  }

  private ports(h: { tok: string; off: number }): PortSpec {
    return parsePortSpec(h.tok, this.pos(h.off), this.vars);
  }

  private quoted(o: Option): string {
    const v = o.value ?? '';
    if (v.length < 2 || v[0] !== '"' || !v.endsWith('"')) this.fail(o.valueOff, `bad ${o.name} ${v}; expected a quoted string`);
    return v.slice(1, -1).replace(/\\(.)/g, '$1');
  }

  private flow(o: Option, v: string, m: RuleMatch): void {
    let off = o.valueOff;
    for (const raw of v.split(',')) {
      const w = raw.trim();
      const wOff = off + raw.indexOf(w);
      off += raw.length + 1;
      switch (w) {
        case 'to_server': case 'from_client': m.flowDirection = 'to_server'; break;
        case 'to_client': case 'from_server': m.flowDirection = 'to_client'; break;
        case 'established': m.flowState = 'established'; break;
        case 'stateless': break;
        case 'not_established': case 'only_stream': case 'no_stream': case 'only_frag': case 'no_frag':
          throw new Skip(`flow:${w}`, wOff, `flow option "${w}" is not supported`);
        default: this.fail(wOff, `bad flow option "${w}"; expected to_server, to_client, from_client, from_server, established or stateless`);
      }
    }
  }

  private threshold(o: Option, v: string): [Rate | null, Rate | null] {
    let type: string | null = null;
    let by: TrackBy | null = null;
    let count: number | null = null;
    let seconds: number | null = null;
    for (const part of v.split(',')) {
      const [k, val] = part.trim().split(/\s+/, 2) as [string, string | undefined];
      const bad = (what: string): never => this.fail(o.valueOff, `bad threshold ${k} "${val ?? ''}"; expected ${what}`);
      switch (k) {
        case 'type': if (!['threshold', 'limit', 'both'].includes(val ?? '')) bad('threshold, limit or both'); type = val!; break;
        case 'track': {
          const map: Record<string, TrackBy> = { by_src: 'src', by_dst: 'dst', by_rule: 'rule', by_flow: 'flow' };
          if (val === 'by_both') throw new Skip('threshold:track by_both', o.valueOff, 'threshold "track by_both" is not supported');
          if (map[val ?? ''] === undefined) bad('by_src, by_dst, by_rule or by_flow');
          by = map[val!]!;
          break;
        }
        case 'count': if (!/^\d{1,9}$/.test(val ?? '') || Number(val) < 1) bad('an integer >= 1'); count = Number(val); break;
        case 'seconds': if (!/^\d{1,9}$/.test(val ?? '') || Number(val) < 1) bad('an integer >= 1'); seconds = Number(val); break;
        default: this.fail(o.valueOff, `bad threshold part "${part.trim()}"; expected type, track, count and seconds`);
      }
    }
    if (type === null || by === null || count === null || seconds === null) this.fail(o.valueOff, 'incomplete threshold; expected type T, track by_X, count N, seconds S');
    const r: Rate = { count, seconds, by };
    if (type === 'threshold') return [r, null];
    if (type === 'limit') return [null, r];
    return [r, { count: 1, seconds, by }];
  }
}
