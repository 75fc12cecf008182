import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { KwireError } from '../../../engine/errors.js';
import { loadPolicy, parsePolicy } from '../../../rules/parse/policy.js';
import { addrSpecHas, parseIp, portSpecHas } from '../../../rules/parse/addresses.js';
import { KWIRE_ERR_POLICY, PolicyError } from '../../../rules/parse/policy-error.js';
import { addrText, portText, ruleText } from './summary.js';

const EXAMPLE = join(import.meta.dirname, '../../../rules/examples/k8s-policy.yaml');

// Every rule of the example policy, checked by hand against the YAML (positions are the rule's "name" line).
const EXAMPLE_GOLDEN = [
  '9200001:1 api-server-from-untrusted sev1 control-plane-exposure msg="Kubernetes API server reached from an untrusted source" tcp any any-[10.0.0.0/24,192.168.100.0/24,10.244.0.0/16,fd00:10:244::/56]:any -> any:[6443] flow=new @33',
  '9200002:1 etcd-from-outside-control-plane sev1 control-plane-exposure msg="etcd client/peer port reached from outside the control plane" tcp any any-[10.0.0.10,10.0.0.11,10.0.0.12]:any -> any:[2379-2380] @44',
  '9200003:1 kubelet-from-outside sev1 control-plane-exposure msg="kubelet-from-outside" tcp ingress any-[10.0.0.0/24,192.168.100.0/24]:any -> any:[10250,10255,10257,10259,10249,10256,9099] @54',
  '9200004:1 nodeport-from-outside sev2 disallowed-port msg="nodeport-from-outside" any ingress any:any -> [10.0.0.0/24]:[30000-32767] flow=new,to_server limit=1/60s/src @64',
  '9200005:1 ingress-disallowed-port sev3 disallowed-port msg="ingress-disallowed-port" tcp ingress any-[10.0.0.0/24,192.168.100.0/24]:any -> any:any-[80,443,30000-32767] flow=new threshold=20/60s/src suppress=src[203.0.113.7] @75',
  '9200010:1 metadata-imds-address sev2 metadata-api msg="Pod reached a cloud metadata endpoint" any any [10.244.0.0/16,fd00:10:244::/56]:any -> [169.254.169.254,fd00:ec2::254,169.254.170.2,169.254.170.23,fd00:ec2::23,100.100.100.200]:any @91',
  '9200011:1 metadata-imds-credentials sev1 metadata-api msg="Pod read IMDS IAM credentials" tcp any [10.244.0.0/16,fd00:10:244::/56]:any -> [169.254.169.254,fd00:ec2::254]:[80] http.uri:prefix[/latest/meta-data/iam/security-credentials,/latest/api/token] @100',
  '9200012:1 metadata-gce-names sev2 metadata-api msg="metadata-gce-names" any any any:any -> any:any dns.query:exact[metadata.google.internal,metadata.goog] @113',
  '9200013:1 metadata-gce-host sev2 metadata-api msg="metadata-gce-host" any any any:any -> any:any http.host:exact[metadata.google.internal,metadata.goog,169.254.169.254] @120',
  '9200020:1 egress-disallowed-port sev3 disallowed-port msg="egress-disallowed-port" tcp egress any:any -> any-[10.0.0.0/8,52.94.0.0/16]:any-[53,80,443,123] flow=new limit=5/300s/src @128',
  '9200021:1 egress-miner-pool-ports sev2 blocked-destination msg="egress-miner-pool-ports" tcp egress any:any -> any:[3333,4444,5555,7777,14433,14444,45700] @140',
  '9200022:1 egress-paste-and-tunnel-sni sev2 exfiltration msg="egress-paste-and-tunnel-sni" any egress any:any -> any:any tls.sni:dotprefix[16 entries]:file(15) @149',
  '9200023:1 egress-paste-and-tunnel-dns sev3 exfiltration msg="egress-paste-and-tunnel-dns" any any any:any -> any:any dns.query:dotprefix[15 entries]:file(15) threshold=1/3600s/src @159',
  '9200024:1 egress-blocked-cidrs sev2 blocked-destination msg="egress-blocked-cidrs" any egress any:any -> [192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32]:any @167',
  '9200025:1 egress-unlisted-sni sev4 blocked-destination disabled msg="egress-unlisted-sni" any egress any:any -> any:any !quic.sni:dotprefix[4 entries] @175',
  '9200026:1 egress-large-volume sev2 exfiltration msg="More than 500 MiB to one destination outside the cluster in 10 minutes" any any [10.244.0.0/16,fd00:10:244::/56]:any -> any:any volume=524288000B/600s @184',
  '9200027:2 known-bad-ja3 sev2 blocked-destination msg="known-bad-ja3" any any any:any -> any:any ja3:exact[e7d705a3286e19ea42f587b344ee6865] @193',
  '9200030:1 secret-aws-access-key sev1 secret-leak msg="secret-aws-access-key" any egress any:any -> any:any content(stream)"AKIA" @202',
  '9200031:1 secret-pem-private-key sev1 secret-leak msg="secret-pem-private-key" any any any:any -> any:any content(stream)"-----BEGIN " content(stream)"PRIVATE KEY-----" @211',
  '9200032:1 secret-github-token sev1 secret-leak msg="secret-github-token" any any any:any -> any:any content(stream)"ghp_" @222',
  '9200033:1 secret-slack-token sev1 secret-leak msg="secret-slack-token" any any any:any -> any:any content(stream)"xoxb-" @229',
  '9200040:1 dns-tunnel-heuristics sev2 dns-tunnel msg="dns-tunnel-heuristics" udp any any:any -> any:[53] dns_tunnel=300/60s,len52,H4.2 @237',
  '9200050:1 http-on-tls-port sev3 protocol-anomaly msg="http-on-tls-port" tcp any any:any -> any:[443] flow=established,to_server content(payload)"GET "[depth=4] content(payload)"host:"[nocase,depth=512] @249',
];

test('example policy: golden parse of every rule', () => {
  const p = loadPolicy(EXAMPLE);
  assert.equal(p.rules.map(ruleText), EXAMPLE_GOLDEN);
  assert.is(p.version, 1);
});

test('example policy: cluster profile and defaults', () => {
  const c = loadPolicy(EXAMPLE).cluster;
  assert.is(c.name, 'prod-eu-1');
  assert.equal(c.podCidrs.map((x) => x.text), ['10.244.0.0/16', 'fd00:10:244::/56']);
  assert.equal(c.serviceCidrs.map((x) => `${x.family}:${x.prefix}`), ['4:12', '6:112']);
  assert.equal(c.controlPlaneAddresses.map((x) => x.prefix), [32, 32, 32]);
  assert.equal(c.apiServerPorts, [{ lo: 6443, hi: 6443 }]);
  assert.equal(c.etcdPorts, [{ lo: 2379, hi: 2380 }]);
  assert.equal(c.nodePortRange, { lo: 30000, hi: 32767 });
  assert.equal(c.egressAllowedDomains, ['amazonaws.com', 'registry.k8s.io', 'ghcr.io', 'docker.io']);
  assert.equal(c.trustedSources.map((x) => x.text), ['10.0.0.0/24', '192.168.100.0/24']);
  const d = parsePolicy('version: 1\ncluster:\n  pod_cidrs: 10.244.0.0/16\n  service_cidrs: [10.96.0.0/12]\n', 'd.yaml').cluster;
  assert.equal(d.kubeletPorts, [{ lo: 10250, hi: 10250 }, { lo: 10255, hi: 10255 }]);
  assert.equal(d.controlPlaneOtherPorts.map((r) => r.lo), [10257, 10259, 10249, 10256]);
  assert.equal(d.overlayPorts.map((r) => r.lo), [4789, 8472, 6081]);
  assert.equal(d.nodePortRange, { lo: 30000, hi: 32767 });
  assert.equal(d.ingressAllowedPorts, []);
});

test('example policy: resolved sets contain what they should', () => {
  const r = loadPolicy(EXAMPLE).rules;
  const api = r[0]!.match;
  assert.ok(addrSpecHas(api.src, parseIp('8.8.8.8')!));
  assert.not.ok(addrSpecHas(api.src, parseIp('10.0.0.5')!));
  assert.not.ok(addrSpecHas(api.src, parseIp('10.244.3.4')!));
  assert.not.ok(addrSpecHas(api.src, parseIp('fd00:10:244::9')!));
  assert.ok(addrSpecHas(api.src, parseIp('fd00:10:245::9')!));
  const ing = r[4]!.match.dstPorts;
  assert.ok(portSpecHas(ing, 22));
  assert.not.ok(portSpecHas(ing, 443));
  assert.not.ok(portSpecHas(ing, 31000));
  const meta = r[5]!.match.dst;
  assert.ok(addrSpecHas(meta, parseIp('fd00:ec2::254')!));
  assert.not.ok(addrSpecHas(meta, parseIp('169.254.169.253')!));
  assert.equal(Array.from(meta.include[1]!.bytes), [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]);
});

const BASE = [
  'version: 1', //                          1
  'cluster:', //                             2
  '  pod_cidrs: [10.244.0.0/16]', //         3
  '  service_cidrs: [10.96.0.0/12]', //      4
  'rules:', //                               5
  '  - name: r1', //                         6
  '    sid: 1', //                           7
  '    severity: 1', //                      8
  '    category: exfiltration', //           9
  '    match:', //                           10
  '      dst_port: 443', //                  11
].join('\n') + '\n';

test('base policy of the error tests parses', () => {
  const p = parsePolicy(BASE, 'p.yaml');
  assert.is(ruleText(p.rules[0]!), '1:1 r1 sev1 exfiltration msg="r1" any any any:any -> any:[443] @6');
});

/** Replaces line `n` (1-based) of BASE with `lines` (or appends when n is 0). */
function edit(n: number, ...lines: string[]): string {
  const all = BASE.split('\n');
  if (n === 0) all.splice(all.length - 1, 0, ...lines);
  else all.splice(n - 1, 1, ...lines);
  return all.join('\n');
}

function errAt(text: string, where: string, re: RegExp, files: Record<string, string> = {}): void {
  let err: unknown;
  try {
    parsePolicy(text, 'p.yaml', { readFile: (p) => {
      const k = Object.keys(files).find((f) => p.endsWith('/' + f));
      if (k === undefined) throw new PolicyError({ file: p, line: 1, column: 1 }, 'cannot read: ENOENT');
      return files[k]!;
    } });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof KwireError, `expected a KwireError for ${where}, got ${String(err)}`);
  const k = err as KwireError;
  assert.is(k.code, KWIRE_ERR_POLICY);
  const m = /^(.*?:\d+:\d+): /.exec(k.message);
  assert.is(m?.[1], where, k.message);
  assert.match(k.message, re);
}

const cases: [string, string, string, RegExp, Record<string, string>?][] = [
  // YAML reader
  ['tab in indentation', edit(7, '\t  sid: 1'), 'p.yaml:7:1', /tab in indentation; expected spaces/],
  ['unterminated double quote', edit(6, '  - name: "r1'), 'p.yaml:6:11', /unterminated double-quoted string/],
  ['unterminated single quote', edit(6, "  - name: 'r1"), 'p.yaml:6:11', /unterminated single-quoted string/],
  ['bad indentation', edit(8, '      severity: 1'), 'p.yaml:8:7', /unexpected indentation; "sid" already has a value on line 7/],
  ['duplicate key', edit(8, '    sid: 2'), 'p.yaml:8:5', /duplicate key "sid" \(first at line 7\)/],
  ['anchor', edit(7, '    sid: &a 1'), 'p.yaml:7:10', /anchors and aliases are not supported/],
  ['unquoted negation is a YAML tag', edit(11, '      dst_port: !22'), 'p.yaml:11:17', /"!" starts a YAML tag; quote a negated value/],
  ['block scalar', edit(6, '  - name: |'), 'p.yaml:6:11', /block scalars/],
  ['second document', BASE + '---\nversion: 1\n', 'p.yaml:12:1', /a second YAML document/],
  ['unterminated flow sequence', edit(3, '  pod_cidrs: [10.244.0.0/16, 10.245.0.0/16'), 'p.yaml:3:43', /unterminated flow sequence opened at column 14; expected "]"/],
  ['empty flow entry', edit(3, '  pod_cidrs: [10.244.0.0/16, , 10.245.0.0/16]'), 'p.yaml:3:30', /empty entry; expected a value/],
  ['text after quoted value', edit(6, '  - name: "r1" x'), 'p.yaml:6:16', /unexpected text after the value/],
  ['bad escape', edit(6, '  - name: "r\\q"'), 'p.yaml:6:13', /unknown escape "\\q"/],
  ['sequence item inside a mapping', edit(8, '    - severity: 1'), 'p.yaml:8:5', /a sequence item inside a mapping/],
  ['line without key', edit(8, '    severity'), 'p.yaml:8:5', /expected "key: value"/],
  // Schema
  ['unknown top-level field', edit(1, 'version: 1', 'rulez: []'), 'p.yaml:2:1', /unknown field "rulez" in the policy; expected one of version, cluster, rules/],
  ['unknown cluster field', edit(4, '  service_cidrs: [10.96.0.0/12]', '  pod_cidr: [10.0.0.0/8]'), 'p.yaml:5:3', /unknown field "pod_cidr" in "cluster"; expected one of name, pod_cidrs/],
  ['unknown rule field', edit(9, '    category: exfiltration', '    priority: 1'), 'p.yaml:10:5', /unknown field "priority" in a rule; expected one of name, sid, rev/],
  ['unknown match field', edit(11, '      dst_ports: 443'), 'p.yaml:11:7', /unknown field "dst_ports" in "match"; expected one of protocol, direction/],
  ['missing required field', edit(7), 'p.yaml:6:5', /missing "sid" in a rule; expected a value/],
  ['missing cluster', 'version: 1\n', 'p.yaml:1:1', /missing "cluster" in the policy/],
  ['unsupported version', edit(1, 'version: 2'), 'p.yaml:1:10', /bad version "2"; expected an integer 1-1/],
  ['severity out of range', edit(8, '    severity: 5'), 'p.yaml:8:15', /bad severity "5"; expected an integer 1-4/],
  ['quoted sid', edit(7, '    sid: "1"'), 'p.yaml:7:10', /bad sid "1"; expected an integer 1-4294967295/],
  ['unknown category', edit(9, '    category: exfil'), 'p.yaml:9:15', /bad category "exfil"; expected one of control-plane-exposure, disallowed-port, metadata-api, exfiltration, blocked-destination, secret-leak, dns-tunnel, protocol-anomaly/],
  ['bad rule name', edit(6, '  - name: "has space"'), 'p.yaml:6:12', /bad rule name "has space"/],
  ['duplicate sid', BASE + '  - {name: r2, sid: 1, severity: 2, category: dns-tunnel}\n', 'p.yaml:12:5', /duplicate sid 1 \(first used by the rule at line 6\)/],
  ['duplicate name', BASE + '  - {name: r1, sid: 2, severity: 2, category: dns-tunnel}\n', 'p.yaml:12:5', /duplicate rule name "r1" \(first at line 6\)/],
  ['rules not a list', edit(6, '  name: r1').split('\n').slice(0, 6).join('\n'), 'p.yaml:6:3', /expected "rules" to be a sequence of rules/],
  ['match not a mapping', edit(10, '    match: 443').split('\n').slice(0, 10).join('\n'), 'p.yaml:10:12', /expected "match" to be a mapping/],
  ['bad address', edit(11, '      dst: 10.0.0.300'), 'p.yaml:11:12', /bad address "10.0.0.300"; expected an IPv4 or IPv6 address or CIDR/],
  ['bad prefix length', edit(11, '      dst: "fd00::/129"'), 'p.yaml:11:20', /bad prefix length "129" in "fd00::\/129"; expected 0-128/],
  ['host bits set', edit(11, '      dst: [10.0.0.1/8]'), 'p.yaml:11:13', /"10.0.0.1\/8" has host bits set beyond \/8/],
  ['profile entry with negation', edit(3, '  pod_cidrs: ["!10.0.0.0/8"]'), 'p.yaml:3:16', /expected a literal address or CIDR \(no negation or variables in the cluster profile\)/],
  ['unknown variable', edit(11, '      dst: "[$POD_CIDRS, !$NOPE]"'), 'p.yaml:11:27', /unknown variable "\$NOPE"/],
  ['negated any', edit(11, '      dst: "!any"'), 'p.yaml:11:13', /"!any" in address "!any" matches nothing/],
  ['bad port', edit(11, '      dst_port: [443, 8o80]'), 'p.yaml:11:23', /bad port "8o80"; expected a port 0-65535/],
  ['reversed port range', edit(11, '      dst_port: 2380-2379'), 'p.yaml:11:17', /empty port range "2380-2379"; expected LO <= HI/],
  ['port out of range', edit(11, '      dst_port: "!70000"'), 'p.yaml:11:19', /port out of range in "70000"/],
  ['ports with icmp', edit(11, '      protocol: icmp', '      dst_port: 443'), 'p.yaml:12:17', /ports with protocol icmp; expected tcp, udp or any/],
  ['bad protocol', edit(11, '      protocol: sctp'), 'p.yaml:11:17', /bad protocol "sctp"; expected one of any, tcp, udp, icmp, icmpv6/],
  ['bad direction', edit(11, '      direction: inbound'), 'p.yaml:11:18', /bad direction "inbound"; expected one of any, ingress, egress, east-west/],
  ['bad flow', edit(11, '      flow: [established, to_srv]'), 'p.yaml:11:27', /bad flow "to_srv"; expected new, established, closed, to_server or to_client/],
  ['two flow states', edit(11, '      flow: [new, established]'), 'p.yaml:11:19', /two flow states \("new" and "established"\)/],
  ['bad domain', edit(11, '      tls.sni: {exact: [exa mple.com]}'), 'p.yaml:11:25', /bad domain name "exa mple.com" \(tls.sni\)/],
  ['wildcard domain', edit(11, '      dns.query: {exact: ["*.evil.com"]}'), 'p.yaml:11:28', /wildcard in "\*.evil.com" \(dns.query\); expected a plain name \(use dotprefix for subdomains\)/],
  ['dotprefix on ja3', edit(11, '      ja3: {dotprefix: [abc]}'), 'p.yaml:11:24', /"dotprefix" on ja3; expected exact or suffix/],
  ['bad ja3', edit(11, '      ja3: {exact: [e7d705a3]}'), 'p.yaml:11:21', /bad ja3 "e7d705a3"; expected exact: a 32-digit hex MD5/],
  ['string match without values', edit(11, '      http.host: {negate: true}'), 'p.yaml:11:18', /"http.host" has no values; expected exact, suffix, dotprefix or domains_file/],
  ['unknown string-match field', edit(11, '      tls.sni: {regex: "a.*"}'), 'p.yaml:11:17', /unknown field "regex" in "tls.sni"; expected one of exact, suffix, dotprefix, prefix, domains_file, negate/],
  ['bad content hex', edit(11, '      content: {pattern: "ab|0g|"}'), 'p.yaml:11:30', /bad hex byte "0g" in content "ab\|0g\|"; expected two hex digits/],
  ['unterminated content hex', edit(11, '      content: {pattern: "ab|0d"}'), 'p.yaml:11:29', /unterminated hex run/],
  ['content without pattern', edit(11, '      content: {buffer: stream}'), 'p.yaml:11:16', /missing "pattern" in a content pattern/],
  ['depth shorter than pattern', edit(11, '      content: {pattern: "GET /", depth: 2}'), 'p.yaml:11:42', /depth 2 is shorter than the pattern \(5 bytes\)/],
  ['bad buffer', edit(11, '      content: {pattern: "x", buffer: http.body}'), 'p.yaml:11:39', /bad buffer "http.body"; expected one of stream, payload/],
  ['bad dsize', edit(11, '      dsize: ">>3"'), 'p.yaml:11:15', /bad dsize ">>3"/],
  ['bad threshold duration', edit(0, '    threshold: {count: 5, seconds: 5w}'), 'p.yaml:12:36', /bad threshold seconds "5w"; expected a duration 1s-30d/],
  ['bad threshold by', edit(0, '    threshold: {count: 5, seconds: 60, by: host}'), 'p.yaml:12:44', /bad threshold by "host"; expected one of src, dst, flow, rule/],
  ['missing threshold count', edit(0, '    limit: {seconds: 60}'), 'p.yaml:12:12', /missing "count" in "limit"/],
  ['bad volume size', edit(0, '    volume: {bytes: 5 parsecs, seconds: 60}'), 'p.yaml:12:21', /bad volume bytes "5 parsecs"; expected a size such as 1048576, 500KB, 100MiB or 2GB/],
  ['suppress without cidrs', edit(0, '    suppress: {by: src}'), 'p.yaml:12:15', /missing "cidrs" in "suppress" by src/],
  ['empty dns_tunnel', edit(0, '    dns_tunnel: {}'), 'p.yaml:12:17', /"dns_tunnel" has no test/],
  ['entropy out of range', edit(0, '    dns_tunnel: {entropy: 9.5}'), 'p.yaml:12:27', /bad entropy "9.5"; expected a number 0-8/],
  ['bad line in a domains file', edit(11, '      dns.query: {domains_file: lists/d.txt}'), 'lists/d.txt:3:3', /bad domain name "bad_domain!" \(a domains file\)/, { 'lists/d.txt': '# list\nok.example\n  bad_domain!  # x\n' }],
  ['bad line in a cidrs file', edit(11, '      dst: {cidrs_file: c.txt}'), 'c.txt:2:10', /bad prefix length "33" in "10.0.0.0\/33"; expected 0-32/, { 'c.txt': '10.0.0.0/8\n10.0.0.0/33\n' }],
  ['missing list file', edit(11, '      dst: {cidrs_file: nope.txt}'), 'p.yaml:11:25', /cannot read list file "nope.txt" \(.*\/nope.txt\): .*cannot read: ENOENT/],
];

for (const [name, text, where, re, files] of cases) {
  test(`error: ${name} → ${where}`, () => {
    if (where.startsWith('lists/') || where.startsWith('c.txt') || where.startsWith('/')) {
      let err: unknown;
      try {
        parsePolicy(text, 'p.yaml', { readFile: (p) => {
          const k = Object.keys(files ?? {}).find((f) => p.endsWith('/' + f));
          if (k === undefined) throw new PolicyError({ file: p, line: 1, column: 1 }, 'cannot read: ENOENT');
          return files![k]!;
        } });
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof PolicyError, String(err));
      const pe = err as PolicyError;
      assert.is(pe.code, KWIRE_ERR_POLICY);
      assert.ok(pe.file!.endsWith(where.replace(/:\d+:\d+$/, '')), pe.message);
      assert.is(`${pe.line}:${pe.column}`, /:(\d+:\d+)$/.exec(where)![1], pe.message);
      assert.match(pe.message, re);
      return;
    }
    errAt(text, where, re, files);
  });
}

test('PolicyError keeps file, line and column as fields', () => {
  try {
    parsePolicy(edit(8, '    severity: 0'), 'dir/p.yaml');
    assert.unreachable();
  } catch (e) {
    const pe = e as PolicyError;
    assert.instance(pe, PolicyError);
    assert.is(pe.file, 'dir/p.yaml');
    assert.is(pe.line, 8);
    assert.is(pe.column, 15);
    assert.is(pe.message, 'dir/p.yaml:8:15: bad severity "0"; expected an integer 1-4');
  }
});

test('a YAML list with a negated empty variable does not widen to every port (regression)', () => {
  const p = parsePolicy(edit(11, '      dst_port: ["$NODEPORT_RANGE", "!$INGRESS_ALLOWED_PORTS"]'), 'p.yaml');
  const m = p.rules[0]!.match;
  assert.ok(portSpecHas(m.dstPorts, 30000));
  assert.not.ok(portSpecHas(m.dstPorts, 22), 'port 22 is not a NodePort');
  assert.not.ok(portSpecHas(m.dstPorts, 6443));
});

test('address and port specs: Suricata list semantics and variables', () => {
  const p = parsePolicy(edit(11,
    '      src: "[$CLUSTER_CIDRS, !10.244.1.0/24]"',
    '      dst: "!$EXTERNAL_NET"',
    '      src_port: "1024:"',
    '      dst_port: "[$CONTROL_PLANE_PORTS, !10255]"',
  ), 'p.yaml');
  const m = p.rules[0]!.match;
  assert.is(addrText(m.src), '[10.244.0.0/16,10.96.0.0/12]-[10.244.1.0/24]');
  assert.is(addrText(m.dst), '[10.244.0.0/16,10.96.0.0/12]');
  assert.is(portText(m.srcPorts), '[1024-65535]');
  assert.is(portText(m.dstPorts), '[6443,2379-2380,10250,10255,10257,10259,10249,10256]-[10255]');
  assert.not.ok(portSpecHas(m.dstPorts, 10255));
  assert.ok(portSpecHas(m.dstPorts, 2380));
});

test('domain values are lower-cased; $EGRESS_ALLOWED_DOMAINS expands', () => {
  const text = edit(11, '      tls.sni: {dotprefix: [.Example.COM, $EGRESS_ALLOWED_DOMAINS], suffix: [.Evil.io], negate: true}')
    .replace('  service_cidrs: [10.96.0.0/12]', '  service_cidrs: [10.96.0.0/12]\n  egress_allowed_domains: [GHCR.io]');
  const s = parsePolicy(text, 'p.yaml').rules[0]!.match.strings[0]!;
  assert.equal(s.dotprefix, ['example.com', 'ghcr.io']);
  assert.equal(s.suffix, ['.evil.io']);
  assert.is(s.negate, true);
});

test('error: volume on an ingress rule → p.yaml:12:13', () => {
  errAt(edit(11, '      direction: ingress', '    volume: {bytes: 1GB, seconds: 1h}'), 'p.yaml:12:13', /"volume" counts bytes to destinations outside the cluster; expected direction egress or any, not ingress/);
});

test('every match field and rule option parses to what it says', () => {
  const p = parsePolicy(edit(11,
    '      protocol: udp',
    '      direction: east-west',
    '      src_port: ["1024-65535"]',
    '      flow: closed',
    '      http.uri: {exact: [/healthz], suffix: [.php], negate: false}',
    '      ja4: {exact: [T13D1516H2_8DAAF6152771_E5627EFA2AB1], suffix: [_e5627efa2ab1]}',
    "      content: [{pattern: 'a|3B 3b|b', buffer: http.user_agent, nocase: true, offset: 3, depth: 9, startswith: true, endswith: true, negate: true}]",
    '      dsize: 10<>20',
    '    rev: 3',
    '    msg: "A \\"quoted\\" message"',
    '    enabled: false',
    '    suppress: [{by: dst, cidrs: [10.0.0.0/8, "fd00::/8"]}, {by: rule}]',
    '    dns_tunnel: {label_length: 40}',
  ), 'p.yaml');
  assert.is(ruleText(p.rules[0]!), '1:3 r1 sev1 exfiltration disabled msg="A \\"quoted\\" message" udp east-west any:[1024-65535] -> any:any flow=closed ' +
    'http.uri:exact[/healthz]:suffix[.php] ja4:exact[t13d1516h2_8daaf6152771_e5627efa2ab1]:suffix[_e5627efa2ab1] ' +
    'content(http.user_agent)!"a;;b"[nocase,offset=3,depth=9,startswith,endswith] dsize<>10,20 suppress=dst[10.0.0.0/8,fd00::/8] suppress=rule[] dns_tunnel=-,len40,H0 @6');
});

test('list files at the sizes the issue names: 100k domains and 10k CIDRs', () => {
  const domains = Array.from({ length: 100_000 }, (_, i) => `host-${i}.zone${i % 97}.example`).join('\n');
  const cidrs = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `10.${i >> 8}.${i & 255}.0/24` : `fd00:${i.toString(16)}::/32`)).join('\n');
  const p = parsePolicy(edit(11, '      tls.sni: {domains_file: d.txt}', '      dst: {cidrs_file: c.txt, negate: true}'), '/x/p.yaml', {
    readFile: (f) => (f === '/x/d.txt' ? domains : f === '/x/c.txt' ? cidrs : ''),
  });
  const m = p.rules[0]!.match;
  assert.is(m.strings[0]!.dotprefix.length, 100_000);
  assert.equal(m.strings[0]!.domainsFile, { path: '/x/d.txt', entries: 100_000 });
  assert.is(m.dst.any, true);
  assert.is(m.dst.exclude.length, 10_000);
  assert.is(m.dst.exclude[1]!.text, '10.0.1.0/24');
});
test.run();
