// The shipped default policy (rules/default/): it loads, its sids/categories/README table are
// consistent, its lists are sound, and it covers every case issue 4's "Default policy" names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkDomain, loadPolicy } from '../../../rules/parse/policy.js';
import { addrSpecHas, parseIp, portSpecHas } from '../../../rules/parse/addresses.js';
import { forEachLine } from '../../../rules/parse/lists.js';
import { CATEGORIES, type Category, type Policy, type PolicyRule, type StringField } from '../../../rules/parse/policy-schema.js';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'rules/default');
const POLICY = join(DIR, 'policy.yaml');
const README = join(DIR, 'README.md');
const EXFIL = join(DIR, 'lists/exfil-domains.txt');
const MINERS = join(DIR, 'lists/miner-pools.txt');

const SID_BLOCKS: Record<Category, number> = {
  'control-plane-exposure': 1000001,
  'disallowed-port': 1001001,
  'metadata-api': 1002001,
  exfiltration: 1003001,
  'blocked-destination': 1004001,
  'secret-leak': 1005001,
  'dns-tunnel': 1006001,
  'protocol-anomaly': 1007001,
};

const CONTROL_PLANE_PORTS = [6443, 2379, 2380, 10250, 10255, 10257, 10259, 10249, 10256];
const METADATA_IPS = ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '169.254.170.23', 'fd00:ec2::23', '100.100.100.200'];
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog'];
const CREDENTIAL_PATHS = [
  '/latest/meta-data/iam/security-credentials',
  '/computeMetadata/v1/instance/service-accounts/',
  '/metadata/identity/oauth2/token',
];
const MINER_PORTS = [3333, 4444, 5555, 7777, 14444, 45700];
/** Secret anchors and the character-class tail each must carry ('' for a literal header). */
const SECRET_PATTERNS: [string, string][] = [
  ['AKIA', '[A-Z0-9]{16}'], ['ASIA', '[A-Z0-9]{16}'], ['-----BEGIN RSA PRIVATE KEY-----', ''], ['-----BEGIN OPENSSH PRIVATE KEY-----', ''],
  ['-----BEGIN PRIVATE KEY-----', ''], ['ghp_', '[A-Za-z0-9]{36}'], ['gho_', '[A-Za-z0-9]{36}'], ['ghs_', '[A-Za-z0-9]{36}'],
  ['ghu_', '[A-Za-z0-9]{36}'], ['ghr_', '[A-Za-z0-9]{36}'], ['github_pat_', '[A-Za-z0-9_]{82}'], ['xoxb-', '[0-9A-Za-z-]{10,250}'],
  ['xoxp-', '[0-9A-Za-z-]{10,250}'], ['xoxa-', '[0-9A-Za-z-]{10,250}'], ['xoxr-', '[0-9A-Za-z-]{10,250}'], ['xoxs-', '[0-9A-Za-z-]{10,250}'],
];

const policy = (): Policy => loadPolicy(POLICY);
const ip = (s: string): Uint8Array => parseIp(s)!;
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const enabled = (p: Policy, cat?: Category): PolicyRule[] => p.rules.filter((r) => r.enabled && (cat === undefined || r.category === cat));

/** The default policy with some `cluster:` lines replaced (how a user fills in the profile). */
function withProfile(edits: Record<string, string>): Policy {
  return loadPolicy(POLICY, {
    readFile: (path) => {
      let t = readFileSync(path, 'utf8');
      if (resolve(path) !== resolve(POLICY)) return t;
      for (const [key, value] of Object.entries(edits)) {
        const re = new RegExp(`^(  ${key}: )\\[\\]`, 'm');
        assert.ok(re.test(t), `profile line ${key}: [] present`);
        t = t.replace(re, `$1${value}`);
      }
      return t;
    },
  });
}

/** Entries of a list file, in order. */
function listEntries(path: string): string[] {
  const out: string[] = [];
  forEachLine(path, readFileSync(path, 'utf8'), (t) => out.push(t));
  return out;
}

interface Row { sid: number; severity: number; category: string; name: string; doc: string }

/** The README's rule table: rows "| sid | severity | category | name | doc |". */
function readmeRows(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(README, 'utf8').split('\n')) {
    const m = /^\|\s*(\d{7,})\s*\|\s*(\d)\s*\|\s*([a-z-]+)\s*\|\s*([A-Za-z0-9._-]+)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m !== null) rows.push({ sid: Number(m[1]), severity: Number(m[2]), category: m[3]!, name: m[4]!, doc: m[5]! });
  }
  return rows;
}

function stringValues(r: PolicyRule, field: StringField): string[] {
  return r.match.strings.filter((s) => s.field === field && !s.negate).flatMap((s) => [...s.exact, ...s.dotprefix, ...s.prefix]);
}

// ---- loading and bookkeeping -----------------------------------------------------------------------

test('loads with loadPolicy without error; kubeadm profile defaults; node CIDRs left empty', () => {
  const p = policy();
  assert.is(p.version, 1);
  assert.ok(p.rules.length >= 40, `${p.rules.length} rules`);
  const c = p.cluster;
  assert.equal(c.podCidrs.map((x) => x.text), ['10.244.0.0/16', 'fd00:10:244::/56']);
  assert.equal(c.serviceCidrs.map((x) => x.text), ['10.96.0.0/12', 'fd00:10:96::/108']);
  assert.equal(c.nodeCidrs, []);
  assert.equal(c.controlPlaneAddresses, []);
  assert.equal(c.trustedSources, []);
  assert.equal(c.apiServerPorts, [{ lo: 6443, hi: 6443 }]);
  assert.equal(c.etcdPorts, [{ lo: 2379, hi: 2380 }]);
  assert.equal(c.kubeletPorts.map((r) => r.lo), [10250, 10255]);
  assert.equal(c.controlPlaneOtherPorts.map((r) => r.lo), [10257, 10259, 10249, 10256]);
  assert.equal(c.nodePortRange, { lo: 30000, hi: 32767 });
  assert.equal(c.overlayPorts.map((r) => r.lo), [4789, 8472, 6081]);
});

test('every sid unique, in its category block; every rule name unique; rev >= 1; an explicit one-line msg', () => {
  const p = policy();
  assert.is(new Set(p.rules.map((r) => r.sid)).size, p.rules.length);
  assert.is(new Set(p.rules.map((r) => r.name)).size, p.rules.length);
  for (const r of p.rules) {
    const base = SID_BLOCKS[r.category];
    assert.ok(r.sid >= base && r.sid < base + 999, `${r.name}: sid ${r.sid} in the ${r.category} block ${base}+`);
    assert.ok(r.rev >= 1, r.name);
    assert.is.not(r.msg, r.name, `${r.name} has a msg`);
    assert.not.match(r.msg, /\n/);
  }
});

test('every category used is one of the eight, and all eight are used by enabled rules', () => {
  const p = policy();
  for (const r of p.rules) assert.ok((CATEGORIES as readonly string[]).includes(r.category), `${r.name}: ${r.category}`);
  assert.equal(new Set(enabled(p).map((r) => r.category)), new Set(CATEGORIES));
  assert.equal(Object.keys(SID_BLOCKS).sort(), [...CATEGORIES].sort());
});

test('README table: one row per rule and one rule per row (sid, severity, category, name), off rules marked', () => {
  const p = policy();
  const rows = readmeRows();
  assert.ok(rows.length > 0, 'the README has a rule table');
  assert.is(new Set(rows.map((r) => r.sid)).size, rows.length, 'no duplicate README rows');
  const bySid = new Map(rows.map((r) => [r.sid, r]));
  for (const r of p.rules) {
    const row = bySid.get(r.sid);
    assert.ok(row !== undefined, `README row for ${r.sid} ${r.name}`);
    assert.equal([row.severity, row.category, row.name], [r.severity, r.category, r.name], `README row ${r.sid}`);
    assert.ok(row.doc.length > 5, `${r.name}: a one-line doc`);
    assert.is(row.doc.includes('Off by default'), !r.enabled, `${r.name}: "Off by default" iff disabled`);
  }
  const sids = new Set(p.rules.map((r) => r.sid));
  for (const row of rows) assert.ok(sids.has(row.sid), `README row ${row.sid} ${row.name} is a rule of policy.yaml`);
  const head = /(\d+) rules \((\d+) on,\s+(\d+) off\)/.exec(readFileSync(README, 'utf8'));
  assert.ok(head !== null);
  assert.equal([Number(head[1]), Number(head[2]), Number(head[3])], [p.rules.length, enabled(p).length, p.rules.length - enabled(p).length]);
});

// ---- lists ---------------------------------------------------------------------------------------

test('lists: >= 50 exfil and >= 20 miner entries, no duplicates, valid domain syntax, counts as the README says', () => {
  const readme = readFileSync(README, 'utf8');
  for (const [path, min, name] of [[EXFIL, 50, 'exfil-domains.txt'], [MINERS, 20, 'miner-pools.txt']] as const) {
    const list = listEntries(path);
    assert.ok(list.length >= min, `${name}: ${list.length} entries`);
    assert.is(new Set(list).size, list.length, `${name}: no duplicates`);
    for (const d of list) {
      assert.not.throws(() => checkDomain(d, { file: path, line: 1, column: 1 }, name), `${name}: "${d}" is a domain name`);
      assert.is(d, d.toLowerCase(), `${name}: "${d}" lower-case`);
      assert.match(d, /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/, `${name}: "${d}" is a registered domain (has a dot, no leading/trailing dot)`);
      const parent = list.find((o) => d.endsWith(`.${o}`));
      assert.is(parent, undefined, `${name}: "${d}" is already covered by "${parent}" (entries are dot-prefix)`);
    }
    assert.ok(readme.includes(`\`lists/${name}\``) && new RegExp(`\\(${list.length} entries\\)`).test(readme), `README gives ${name}'s count ${list.length}`);
  }
  const exfil = new Set(listEntries(EXFIL));
  for (const d of listEntries(MINERS)) assert.not.ok(exfil.has(d), `${d} in both lists`);
});

test('lists: comment header, every entry under a group comment, and the named services present', () => {
  for (const path of [EXFIL, MINERS]) {
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.match(lines[0]!, /^# /, `${path} starts with a comment header`);
    let group: string | null = null;
    for (const l of lines) {
      if (/^# ---/.test(l)) group = l;
      else if (l.trim() !== '' && !l.startsWith('#')) assert.ok(group !== null, `${path}: "${l}" under a "# --- group" comment`);
    }
  }
  const exfil = listEntries(EXFIL);
  for (const d of ['pastebin.com', 'transfer.sh', 'file.io', 'paste.ee', 'ngrok.io', 'ngrok-free.app', 'trycloudflare.com', 'serveo.net', 'webhook.site', 'interact.sh']) {
    assert.ok(exfil.includes(d), `exfil list has ${d}`);
  }
  for (const prefix of ['ghostbin.', 'anonfiles.', 'localtunnel.', 'requestbin.', 'oast.']) {
    assert.ok(exfil.some((d) => d.startsWith(prefix)), `exfil list has a ${prefix}* entry`);
  }
  assert.ok(exfil.filter((d) => d.startsWith('oast.')).length >= 5, 'the interactsh oast.* domains');
  const miners = listEntries(MINERS);
  for (const d of ['supportxmr.com', 'moneroocean.stream', 'nanopool.org', 'xmrig.com']) assert.ok(miners.includes(d), `miner list has ${d}`);
});

test('lists are wired to DNS, SNI and Host rules with every entry loaded', () => {
  const p = policy();
  const uses = (cat: Category, file: string, field: StringField): PolicyRule | undefined =>
    enabled(p, cat).find((r) => r.match.strings.some((s) => s.field === field && !s.negate && s.domainsFile?.path === file));
  for (const field of ['dns.query', 'tls.sni', 'quic.sni', 'http.host'] as const) {
    const r = uses('exfiltration', EXFIL, field);
    assert.ok(r !== undefined, `an exfiltration rule on ${field} uses exfil-domains.txt`);
    assert.is(r.match.strings.find((s) => s.field === field)!.domainsFile!.entries, listEntries(EXFIL).length);
  }
  for (const field of ['dns.query', 'tls.sni'] as const) {
    const r = uses('blocked-destination', MINERS, field);
    assert.ok(r !== undefined, `a blocked-destination rule on ${field} uses miner-pools.txt`);
    assert.is(r.match.strings.find((s) => s.field === field)!.domainsFile!.entries, listEntries(MINERS).length);
  }
});

// ---- coverage -------------------------------------------------------------------------------------

test('coverage: every control-plane port has an enabled control-plane-exposure rule', () => {
  const p = policy();
  for (const port of CONTROL_PLANE_PORTS) {
    const rules = enabled(p, 'control-plane-exposure').filter((r) => !r.match.dstPorts.any && portSpecHas(r.match.dstPorts, port));
    assert.ok(rules.length > 0, `a rule for port ${port}`);
    assert.ok(rules.every((r) => r.severity <= 2), `port ${port}: severity 1 or 2`);
  }
  assert.not.ok(enabled(p, 'control-plane-exposure').some((r) => portSpecHas(r.match.dstPorts, 443)), 'no control-plane rule on 443');
});

test('coverage: control-plane ports alert from outside, never from trusted sources, the control plane or loopback', () => {
  const p = withProfile({ node_cidrs: '[10.0.0.0/24]', control_plane_addresses: '[10.0.0.10]', trusted_sources: '[192.168.100.0/24, "2001:db8:aa::/48"]' });
  assert.is(p.cluster.trustedSources.length, 2);
  for (const port of CONTROL_PLANE_PORTS) {
    const rules = enabled(p, 'control-plane-exposure').filter((r) => !r.match.dstPorts.any && portSpecHas(r.match.dstPorts, port));
    assert.ok(rules.some((r) => addrSpecHas(r.match.src, ip('203.0.113.9')) && addrSpecHas(r.match.src, ip('2001:db8:ff::9'))), `port ${port}: alerts for an outside source (v4 and v6)`);
    for (const r of rules) {
      for (const src of ['192.168.100.7', '2001:db8:aa::7', '10.0.0.10', '127.0.0.1', '::1']) {
        assert.not.ok(addrSpecHas(r.match.src, ip(src)), `${r.name}: silent for ${src} on port ${port}`);
      }
    }
  }
  // The API server and kubelet are for pods and nodes too; etcd is not.
  const apiRules = enabled(p, 'control-plane-exposure').filter((r) => portSpecHas(r.match.dstPorts, 6443));
  assert.ok(apiRules.every((r) => !addrSpecHas(r.match.src, ip('10.244.3.4')) && !addrSpecHas(r.match.src, ip('10.0.0.5'))));
  const etcdRules = enabled(p, 'control-plane-exposure').filter((r) => portSpecHas(r.match.dstPorts, 2379));
  assert.ok(etcdRules.some((r) => addrSpecHas(r.match.src, ip('10.244.3.4'))), 'a pod reaching etcd alerts');
});

test('coverage: a custom control-plane port in the profile is covered without editing a rule', () => {
  const p = loadPolicy(POLICY, {
    readFile: (path) => readFileSync(path, 'utf8').replace('control_plane_ports: [10257, 10259, 10249, 10256]', 'control_plane_ports: [10257, 10259, 10249, 10256, 9099]'),
  });
  assert.ok(enabled(p, 'control-plane-exposure').some((r) => portSpecHas(r.match.dstPorts, 9099) && !r.match.dstPorts.any));
});

test('coverage: NodePorts from outside the cluster, except allowed ingress ports', () => {
  const check = (p: Policy, allowed: number[]) => {
    const rules = enabled(p, 'disallowed-port').filter((r) => !r.match.dstPorts.any && portSpecHas(r.match.dstPorts, 30000) && portSpecHas(r.match.dstPorts, 32767));
    assert.ok(rules.length > 0, 'a NodePort rule');
    for (const r of rules) {
      assert.not.ok(portSpecHas(r.match.dstPorts, 29999));
      assert.not.ok(portSpecHas(r.match.dstPorts, 32768));
      assert.ok(addrSpecHas(r.match.src, ip('198.51.100.20')), 'outside source alerts');
      assert.not.ok(addrSpecHas(r.match.src, ip('10.244.7.7')), 'a pod is not outside');
      for (const a of allowed) assert.not.ok(portSpecHas(r.match.dstPorts, a), `allowed ingress port ${a}`);
    }
  };
  check(policy(), []);
  check(withProfile({ ingress_allowed_ports: '[30080]' }), [30080]);
});

test('coverage: every cloud metadata endpoint address, from pods', () => {
  const p = policy();
  for (const a of METADATA_IPS) {
    const rules = enabled(p, 'metadata-api').filter((r) => !r.match.dst.any && addrSpecHas(r.match.dst, ip(a)));
    assert.ok(rules.length > 0, `a metadata-api rule for ${a}`);
    assert.ok(rules.some((r) => addrSpecHas(r.match.src, ip('10.244.1.2')) && addrSpecHas(r.match.src, ip('fd00:10:244::5'))), `${a}: alerts for pods (v4 and v6)`);
  }
  // GCE's DNS resolver is 169.254.169.254:53: CoreDNS forwarding there must not look like IMDS use.
  const imds = enabled(p, 'metadata-api').filter((r) => !r.match.dst.any && addrSpecHas(r.match.dst, ip('169.254.169.254')) && r.match.strings.length === 0);
  assert.ok(imds.length > 0 && imds.every((r) => !portSpecHas(r.match.dstPorts, 53)));
});

test('coverage: metadata.google.internal and metadata.goog by DNS, TLS SNI, QUIC SNI and HTTP Host', () => {
  const p = policy();
  for (const field of ['dns.query', 'tls.sni', 'quic.sni', 'http.host'] as const) {
    for (const name of METADATA_NAMES) {
      assert.ok(enabled(p, 'metadata-api').some((r) => stringValues(r, field).includes(name)), `${name} by ${field}`);
    }
  }
});

test('coverage: IMDS credential paths are raised above every address or name rule', () => {
  const p = policy();
  const meta = enabled(p, 'metadata-api');
  const pathRules = (path: string) => meta.filter((r) =>
    r.match.content.some((c) => c.buffer === 'http.uri' && text(c.bytes) === path) || stringValues(r, 'http.uri').includes(path));
  const credential = new Set<PolicyRule>();
  for (const path of CREDENTIAL_PATHS) {
    const rules = pathRules(path);
    assert.ok(rules.length > 0, `a rule for ${path}`);
    for (const r of rules) {
      assert.is(r.severity, 1, `${r.name} severity 1`);
      credential.add(r);
    }
  }
  const lowest = Math.min(...meta.filter((r) => r.match.content.length === 0 && stringValues(r, 'http.uri').length === 0).map((r) => r.severity));
  assert.ok(lowest > 1, 'address and name rules are below severity 1');
  // Credential paths match on any flow (SSRF through an ingress, a proxy's absolute-form URI).
  for (const r of credential) if (r.match.content.length > 0) assert.ok(r.match.src.any && r.match.dst.any, `${r.name} on any flow`);
});

test('coverage: egress to disallowed ports, TCP and UDP, honouring the allow lists', () => {
  const p = policy();
  for (const proto of ['tcp', 'udp'] as const) {
    const rules = enabled(p, 'disallowed-port').filter((r) => r.match.direction === 'egress' && r.match.protocol === proto);
    assert.ok(rules.length > 0, `an egress ${proto} rule`);
    for (const r of rules) {
      for (const allowed of [53, 80, 123, 443]) assert.not.ok(portSpecHas(r.match.dstPorts, allowed), `${r.name}: ${allowed} allowed`);
      assert.ok(portSpecHas(r.match.dstPorts, 8081) && portSpecHas(r.match.dstPorts, 25), `${r.name}: 8081 and 25 not allowed`);
    }
    if (proto === 'tcp') for (const r of rules) for (const cp of [6443, 10250, 2379]) assert.not.ok(portSpecHas(r.match.dstPorts, cp), `${r.name}: ${cp} left to the control-plane rules`);
  }
  const q = withProfile({ egress_allowed_cidrs: '[52.94.0.0/16]' });
  const tcp = enabled(q, 'disallowed-port').find((r) => r.match.direction === 'egress' && r.match.protocol === 'tcp')!;
  assert.not.ok(addrSpecHas(tcp.match.dst, ip('52.94.1.1')));
  assert.ok(addrSpecHas(tcp.match.dst, ip('8.8.8.8')));
});

test('coverage: miner-pool ports on egress', () => {
  const p = policy();
  for (const port of MINER_PORTS) {
    assert.ok(enabled(p, 'blocked-destination').some((r) => r.match.direction === 'egress' && !r.match.dstPorts.any && portSpecHas(r.match.dstPorts, port)), `miner port ${port}`);
  }
});

test('coverage: DNS tunnelling by query rate, label length and entropy, the cluster zone excluded', () => {
  const rules = enabled(policy(), 'dns-tunnel');
  assert.ok(rules.length > 0 && rules.every((r) => r.dnsTunnel !== null), 'dns-tunnel rules use dns_tunnel');
  assert.ok(rules.some((r) => r.dnsTunnel!.queryRate !== null), 'query rate');
  assert.ok(rules.some((r) => r.dnsTunnel!.labelLength > 0), 'label length');
  assert.ok(rules.some((r) => r.dnsTunnel!.entropy > 0), 'entropy');
  for (const r of rules) {
    const neg = r.match.strings.find((s) => s.field === 'dns.query' && s.negate);
    assert.ok(neg !== undefined && neg.dotprefix.includes('cluster.local'), `${r.name} leaves cluster.local out`);
  }
});

test('coverage: cleartext secrets (AWS, PEM, GitHub, Slack) as content patterns', () => {
  const rules = enabled(policy(), 'secret-leak');
  for (const [pat, tail] of SECRET_PATTERNS) {
    const has = rules.some((r) => r.match.content.some((c) => !c.negate && [c.bytes, ...c.alt].some((b) => text(b) === pat) && (c.tail?.text ?? '') === tail));
    assert.ok(has, `secret pattern ${pat} with tail ${tail || '(none)'}`);
  }
  assert.match(readFileSync(README, 'utf8'), /redact/i, 'README says secrets are redacted in alerts');
});

test('coverage: large egress volume to outside the cluster', () => {
  const rules = enabled(policy(), 'exfiltration').filter((r) => r.volume !== null);
  assert.ok(rules.length > 0);
  for (const r of rules) {
    assert.ok(r.match.direction === 'egress' || r.match.direction === 'any');
    assert.ok(r.volume!.bytes >= 100 * 1024 * 1024, `${r.name}: at least 100 MiB`);
  }
});

// ---- end to end on the bundled sample ------------------------------------------------------------

interface EveAlert {
  src_ip: string; dest_ip: string; dest_port?: number;
  alert: { signature_id: number; rev: number; signature: string; category: string; severity: number; metadata?: { kwire_match?: string[] } };
}

test('end to end: kwire inspect --policy on samples/k8s-mini.pcap raises the default rules, secrets redacted', () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'engine/cli/main.ts'), 'inspect', join(ROOT, 'samples/k8s-mini.pcap'),
    '--policy', POLICY, '--out', '-', '--quiet'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  const alerts = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EveAlert);
  const p = policy();
  const bySid = new Map(p.rules.map((r) => [r.sid, r]));
  const fired = new Set(alerts.map((a) => a.alert.signature_id));
  // The sample's planted hits: outside hosts on 6443, etcd, kubelet and a NodePort; a pod on the IMDS
  // (address, Host, GCE name lookup, STS credentials in the response); a DNS lookup of transfer.sh.
  for (const sid of [1000001, 1000002, 1000003, 1001001, 1002001, 1002005, 1002008, 1003001, 1005002]) {
    assert.ok(fired.has(sid), `sid ${sid} (${bySid.get(sid)?.name}) fires on the sample`);
  }
  for (const a of alerts) {
    const r = bySid.get(a.alert.signature_id);
    assert.ok(r !== undefined, `alert sid ${a.alert.signature_id} is a default rule`);
    assert.equal([a.alert.category, a.alert.severity, a.alert.rev, a.alert.signature], [r.category, r.severity, r.rev, r.msg]);
    // Benign in-cluster traffic stays silent: pods are never "outside" for port rules, and service
    // VIPs only appear in DNS-based alerts (the query goes to kube-dns).
    if (r.category === 'control-plane-exposure' || r.category === 'disallowed-port') assert.not.ok(a.src_ip.startsWith('10.244.'), `${r.name} from pod ${a.src_ip}`);
    if (a.dest_ip.startsWith('10.96.')) assert.ok(r.match.strings.some((s) => s.field === 'dns.query'), `${r.name} to service ${a.dest_ip}`);
    if (r.category === 'secret-leak') {
      const m = a.alert.metadata?.kwire_match ?? [];
      assert.ok(m.length > 0 && m.every((x) => x.includes('*')), `${r.name}: matched secret is masked (${m.join(',')})`);
    }
  }
  assert.not.match(out, /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'no AWS key id in clear in the output');
});

test('README lists the engine gaps under "Needs from the engine"', () => {
  const readme = readFileSync(README, 'utf8');
  const i = readme.indexOf('## Needs from the engine');
  assert.ok(i >= 0);
  assert.ok((readme.slice(i).match(/^\d+\. \*\*/gm) ?? []).length >= 3);
});

test.run();
