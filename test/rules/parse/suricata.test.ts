import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { KwireError } from '../../../engine/errors.js';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { KWIRE_ERR_POLICY } from '../../../rules/parse/policy-error.js';
import { loadSuricataRules, parseSuricataRules } from '../../../rules/parse/suricata.js';
import { portText, ruleText } from './summary.js';

const cluster = loadPolicy(join(import.meta.dirname, '../../../rules/examples/k8s-policy.yaml')).cluster;
const HOME = '10.244.0.0/16,fd00:10:244::/56,10.96.0.0/12,fd00:10:96::/112,10.0.0.0/24';

// ET-style rules as Emerging Threats writes them (sticky buffers, endswith, classtype, metadata).
const RULES = [
  '# kwire import test corpus', //                                                                     1
  'alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"ET POLICY Pastebin-style Service (paste .ee) in TLS SNI"; flow:established,to_server; tls.sni; content:"paste.ee"; endswith; nocase; reference:url,paste.ee; classtype:policy-violation; sid:2029100; rev:2; metadata:created_at 2019_12_09, updated_at 2020_09_17;)', // 2
  'alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"ET INFO Observed Ngrok TLS SNI"; flow:established,to_server; tls_sni; content:".ngrok.io"; endswith; fast_pattern; classtype:bad-unknown; sid:2027759; rev:3;)', // 3
  '', //                                                                                                4
  'alert dns $HOME_NET any -> any any (msg:"ET INFO DNS Query to a *.trycloudflare.com Domain"; dns.query; content:".trycloudflare.com"; endswith; nocase; classtype:bad-unknown; sid:2045066; rev:1;)', // 5
  'alert http $HOME_NET any -> $EXTERNAL_NET any (msg:"ET POLICY IP Check Domain (icanhazip .com in HTTP Host)"; flow:established,to_server; http.host; content:"icanhazip.com"; startswith; endswith; classtype:external-ip-check; sid:2035443; rev:1;)', // 6
  'alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:"KWIRE AWS key in cleartext"; flow:established,to_server; content:"AKIA"; content:"|0d 0a|aws_secret"; nocase; offset:0; depth:2048; classtype:credential-theft; sid:9300001; rev:1;)', // 7
  'alert tcp $EXTERNAL_NET any -> $HOME_NET [6443,2379:2380,$KUBELET_PORTS] (msg:"KWIRE control-plane probe burst"; flow:to_server; dsize:0; \\', // 8
  '    threshold: type both, track by_src, count 10, seconds 60; priority:1; \\', //                       9
  '    metadata:kwire_category control-plane-exposure; sid:9300002; rev:1;)', //                           10
  'alert udp $HOME_NET any -> any 53 (msg:"ET DNS long query"; dsize:>300; threshold:type limit, track by_src, count 1, seconds 300; classtype:bad-unknown; sid:9300003;)', // 11
  'alert http $HOME_NET any -> any $HTTP_PORTS (msg:"KWIRE IMDS creds"; http.uri; content:"/latest/meta-data/iam/security-credentials"; startswith; http.host; content:"169.254.169.254"; sid:9300004; rev:2;)', // 12
  'alert ip [192.0.2.0/24, !192.0.2.7] any <> $HOME_NET any (msg:"KWIRE test-net \\"peer\\""; content:!"|00 00|"; pkt_data; content:"x"; sid:9300005;)', // 13
  // Skipped: each uses something the subset does not have.
  'alert http $HOME_NET any -> any any (msg:"ET body password"; flow:established,to_server; http.request_body; content:"password="; sid:9300010; rev:1;)', // 14
  'alert http $HOME_NET any -> any any (msg:"legacy modifier"; content:"evil.example"; http_host; sid:9300011;)', // 15
  'alert tcp any any -> any any (msg:"pcre"; content:"GET"; pcre:"/^GET \\/[a-z]+/"; sid:9300012;)', // 16
  'drop tcp any any -> any 22 (msg:"drop ssh"; sid:9300013;)', // 17
  'alert ssh any any -> any any (msg:"ssh proto"; sid:9300014;)', // 18
  'alert tcp $SMB_SERVERS any -> any 445 (msg:"unknown var"; sid:9300015;)', // 19
  'alert udp any any -> any 53 (msg:"relative"; content:"|01 00|"; content:"|05|onion"; distance:0; sid:9300016;)', // 20
  'alert tcp any any -> any any (msg:"by_both"; threshold:type limit, track by_both, count 1, seconds 60; sid:9300017;)', // 21
  '# alert tcp any any -> any any (msg:"commented out"; sid:1;)', //                                     22
].join('\n');

test('Suricata import: golden parse of ET-style rules', () => {
  const r = parseSuricataRules(RULES, 'et.rules', cluster);
  assert.equal(r.rules.map(ruleText), [
    `2029100:2 sid-2029100 sev1 blocked-destination msg="ET POLICY Pastebin-style Service (paste .ee) in TLS SNI" tcp/tls any [${HOME}]:any -> any-[${HOME}]:any flow=established,to_server content(tls.sni)"paste.ee"[nocase,endswith] classtype=policy-violation @2`,
    `2027759:3 sid-2027759 sev2 blocked-destination msg="ET INFO Observed Ngrok TLS SNI" tcp/tls any [${HOME}]:any -> any-[${HOME}]:any flow=established,to_server content(tls.sni)".ngrok.io"[endswith] classtype=bad-unknown @3`,
    `2045066:1 sid-2045066 sev2 blocked-destination msg="ET INFO DNS Query to a *.trycloudflare.com Domain" any/dns any [${HOME}]:any -> any:any content(dns.query)".trycloudflare.com"[nocase,endswith] classtype=bad-unknown @5`,
    `2035443:1 sid-2035443 sev2 blocked-destination msg="ET POLICY IP Check Domain (icanhazip .com in HTTP Host)" tcp/http any [${HOME}]:any -> any-[${HOME}]:any flow=established,to_server content(http.host)"icanhazip.com"[startswith,endswith] classtype=external-ip-check @6`,
    `9300001:1 sid-9300001 sev1 secret-leak msg="KWIRE AWS key in cleartext" tcp any [${HOME}]:any -> any-[${HOME}]:any flow=established,to_server content(stream)"AKIA" content(stream)"|0d||0a|aws_secret"[nocase,depth=2048] classtype=credential-theft @7`,
    `9300002:1 sid-9300002 sev1 control-plane-exposure msg="KWIRE control-plane probe burst" tcp any any-[${HOME}]:any -> [${HOME}]:[6443,2379-2380,10250,10255] flow=to_server dsize=0 threshold=10/60s/src limit=1/60s/src @8`,
    `9300003:1 sid-9300003 sev2 blocked-destination msg="ET DNS long query" udp any [${HOME}]:any -> any:[53] dsize>300 limit=1/300s/src classtype=bad-unknown @11`,
    `9300004:2 sid-9300004 sev3 blocked-destination msg="KWIRE IMDS creds" tcp/http any [${HOME}]:any -> any:[80] content(http.uri)"/latest/meta-data/iam/security-credentials"[startswith] content(http.host)"169.254.169.254" @12`,
    `9300005:1 sid-9300005 sev3 blocked-destination msg="KWIRE test-net \\"peer\\"" any any [192.0.2.0/24]-[192.0.2.7]:any <> [${HOME}]:any content(payload)!"|00||00|" content(payload)"x" @13`,
  ]);
  const aws = r.rules[4]!.match.content[1]!;
  assert.equal(Array.from(aws.bytes.subarray(0, 3)), [0x0d, 0x0a, 0x61]);
});

test('Suricata import: unsupported keywords skip the rule with a warning naming sid, file:line and keyword', () => {
  const r = parseSuricataRules(RULES, 'et.rules', cluster);
  assert.is(r.skipped, 8);
  assert.is(r.rules.length, 9);
  assert.equal(r.warnings.filter((w) => w.skipped).map((w) => `${w.sid} ${w.file}:${w.line} ${w.keyword}`), [
    '9300010 et.rules:14 http.request_body',
    '9300011 et.rules:15 http_host',
    '9300012 et.rules:16 pcre',
    '9300013 et.rules:17 action drop',
    '9300014 et.rules:18 protocol ssh',
    '9300015 et.rules:19 $SMB_SERVERS',
    '9300016 et.rules:20 distance',
    '9300017 et.rules:21 threshold:track by_both',
  ]);
  const body = r.warnings[0]!;
  assert.is(body.column, 90);
  assert.is(body.message, 'et.rules:14:90: rule sid 9300010 skipped: keyword "http.request_body" is not supported');
  // Nothing of a skipped rule leaks into the result (the content after http.request_body above).
  assert.not.ok(r.rules.some((x) => x.sid >= 9300010));
});

test('Suricata import: unknown classtype is a remark, not a skip; defaultCategory applies', () => {
  const r = parseSuricataRules('alert tcp any any -> any 4444 (msg:"m"; classtype:made-up; sid:7;)', 'x.rules', cluster, { defaultCategory: 'exfiltration' });
  assert.is(r.skipped, 0);
  assert.is(r.rules[0]!.category, 'exfiltration');
  assert.is(r.rules[0]!.severity, 3);
  assert.equal(r.warnings.map((w) => [w.skipped, w.keyword, w.line, w.column]), [[false, 'classtype', 1, 51]]);
});

test('Suricata import: variables from options override and extend the profile', () => {
  const r = parseSuricataRules('alert tcp $SMB_SERVERS any -> $HOME_NET $SMB_PORTS (msg:"m"; sid:8;)', 'x.rules', cluster, {
    addressVars: { SMB_SERVERS: '[10.0.0.5, 10.0.0.6]', HOME_NET: '10.0.0.0/24' },
    portVars: { SMB_PORTS: '139,445' },
  });
  assert.is(r.skipped, 0);
  assert.is(ruleText(r.rules[0]!), '8:1 sid-8 sev3 blocked-destination msg="m" tcp any [10.0.0.5,10.0.0.6]:any -> [10.0.0.0/24]:[139,445] @1');
});

function suriErr(text: string, where: string, re: RegExp): void {
  let err: unknown;
  try {
    parseSuricataRules(text, 's.rules', cluster);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof KwireError, `expected a KwireError at ${where}, got ${String(err)}`);
  const k = err as KwireError;
  assert.is(k.code, KWIRE_ERR_POLICY);
  assert.is(/^(.*?:\d+:\d+): /.exec(k.message)?.[1], where, k.message);
  assert.match(k.message, re);
}

const R = 'alert tcp any any -> any 80 ';
const suriCases: [string, string, string, RegExp][] = [
  ['missing sid', R + '(msg:"x";)', 's.rules:1:38', /missing sid; expected sid:N;/],
  ['bad hex in content', R + '(content:"a|0z|"; sid:1;)', 's.rules:1:41', /bad hex byte "0z"/],
  ['unterminated quoted value', R + '(msg:"x; sid:1;)', 's.rules:1:34', /unterminated quoted value of "msg"/],
  ['missing semicolon', R + '(msg:"x"; sid:1)', 's.rules:1:44', /missing ";" after option "sid"/],
  ['missing closing parenthesis', R + '(msg:"x"; sid:1;', 's.rules:1:45', /expected "\)" at the end of the rule/],
  ['bad direction', 'alert tcp any any <- any 80 (sid:1;)', 's.rules:1:19', /bad direction "<-"; expected -> or <>/],
  ['incomplete header', 'alert tcp any any -> any (sid:1;)', 's.rules:1:26', /incomplete rule header; expected destination port/],
  ['bad address in header', 'alert tcp 10.0.0.0/33 any -> any 80 (sid:1;)', 's.rules:1:20', /bad prefix length "33"/],
  ['bad port in header', 'alert tcp any any -> any [80,9x] (sid:1;)', 's.rules:1:30', /bad port "9x"/],
  ['depth shorter than content', R + '(content:"abcdef"; depth:3; sid:1;)', 's.rules:1:54', /depth 3 is shorter than the content \(6 bytes\)/],
  ['modifier without content', R + '(nocase; sid:1;)', 's.rules:1:30', /"nocase" without a preceding content/],
  ['bad flow option', R + '(flow:to_sever; sid:1;)', 's.rules:1:35', /bad flow option "to_sever"/],
  ['incomplete threshold', R + '(threshold:type limit, count 1; sid:1;)', 's.rules:1:40', /incomplete threshold/],
  ['bad dsize', R + '(dsize:>>3; sid:1;)', 's.rules:1:36', /bad dsize ">>3"/],
  ['option given twice', R + '(sid:1; sid:2;)', 's.rules:1:37', /"sid" given twice/],
  ['bad kwire_category', R + '(metadata:kwire_category exfil; sid:1;)', 's.rules:1:39', /bad kwire_category "exfil"/],
  ['duplicate sid', R + '(sid:1;)\n' + R + '(sid:1;)', 's.rules:2:1', /duplicate sid 1 \(first at line 1\)/],
  ['continuation at end of file', R + '(msg:"x"; \\\n  sid:1; \\', 's.rules:2:3', /the file ends inside a rule continued with "\\"/],
  ['error on a continuation line', R + '(msg:"x"; \\\n    content:"|zz|"; sid:1;)', 's.rules:2:15', /bad hex byte "zz"/],
];
for (const [name, text, where, re] of suriCases) test(`Suricata error: ${name} → ${where}`, () => suriErr(text, where, re));


test('example rules file loads from disk: 7 rules, 1 skipped (pcre)', () => {
  const r = loadSuricataRules(join(import.meta.dirname, '../../../rules/examples/et-style.rules'), cluster);
  assert.equal(r.rules.map((x) => `${x.sid}@${x.pos.line} ${x.category} sev${x.severity}`), [
    '2029100@4 blocked-destination sev1',
    '2027759@7 blocked-destination sev2',
    '2045066@8 blocked-destination sev2',
    '2035443@9 blocked-destination sev2',
    '9300004@10 metadata-api sev1',
    '9300002@11 control-plane-exposure sev1',
    '9300006@12 secret-leak sev1',
  ]);
  assert.is(r.skipped, 1);
  assert.equal(r.warnings.map((w) => [w.sid, w.line, w.keyword]), [[9300012, 14, 'pcre']]);
  assert.is(r.rules[0]!.match.content[0]!.buffer, 'tls.sni');
  assert.is(portText(r.rules[5]!.match.dstPorts), '[6443,2379-2380,10250,10255,10257,10259,10249,10256,9099]');
});

test('missing rules file → KwireError naming the file', () => {
  try {
    loadSuricataRules('/nonexistent/x.rules', cluster);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, KwireError);
    assert.match((e as KwireError).message, /^\/nonexistent\/x.rules:1:1: cannot read: .*ENOENT/);
  }
});
test('Suricata import: pcre "/LITERAL[CLASS]{N}/" maps to content + tail (noted); other pcre skips the rule', () => {
  const text = [
    'alert tcp any any -> any any (msg:"aws"; content:"AKIA"; pcre:"/AKIA[A-Z0-9]{16}/"; sid:1;)',
    'alert tcp any any -> any any (msg:"gh"; pcre:"/ghp_[A-Za-z0-9]{36}/"; sid:2;)',
    'alert tcp any any -> any any (msg:"slack"; pcre:"/xoxb-[0-9A-Za-z\\-]{10,250}/"; sid:3;)',
    'alert tcp any any -> any any (msg:"flags"; pcre:"/AKIA[A-Z0-9]{16}/i"; sid:4;)',
    'alert tcp any any -> any any (msg:"alternation"; pcre:"/(AKIA|ASIA)[A-Z0-9]{16}/"; sid:5;)',
    'alert tcp any any -> any any (msg:"unbounded"; pcre:"/AKIA[A-Z0-9]+/"; sid:6;)',
    'alert http any any -> any any (msg:"sticky"; http.uri; pcre:"/AKIA[A-Z0-9]{16}/"; sid:7;)',
  ].join('\n');
  const r = parseSuricataRules(text, 'p.rules', cluster);
  assert.equal(r.rules.map((x) => x.sid), [1, 2, 3]);
  const tails = r.rules.map((x) => x.match.content.map((c) => [Buffer.from(c.bytes).toString(), c.tail?.text, c.tail?.min, c.tail?.max]));
  assert.equal(tails, [[['AKIA', '[A-Z0-9]{16}', 16, 16]], [['ghp_', '[A-Za-z0-9]{36}', 36, 36]], [['xoxb-', '[0-9A-Za-z\\-]{10,250}', 10, 250]]]);
  assert.ok(r.rules[2].match.content[0].tail!.cls[0x2d] === 1, 'an escaped dash is in the class');
  assert.equal(r.warnings.filter((w) => w.skipped).map((w) => [w.sid, w.keyword]), [[4, 'pcre'], [5, 'pcre'], [6, 'pcre'], [7, 'pcre']]);
  assert.equal(r.warnings.filter((w) => !w.skipped).map((w) => w.sid), [1, 2, 3]);
});

test.run();
