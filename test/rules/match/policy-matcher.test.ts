// The policy on real traffic recorded in network namespaces (samples/netns/k8s-real.pcap):
// alerts fire where the manifest says they should, carry the app object, stay silent on the
// benign traffic of the same capture, and are raised once per flow and rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { kwire, ndjson, ROOT } from '../../helpers/kwire-cli.js';

const CAPTURE = join(ROOT, 'samples', 'netns', 'k8s-real.pcap');
const POLICY = join(ROOT, 'rules', 'examples', 'k8s-policy.yaml');

const run = kwire(['inspect', CAPTURE, '--policy', POLICY, '--events', 'alert', '--out', '-', '--quiet']);
const alerts = run.status === 0 ? ndjson(run.stdout) : [];

test('the policy loads and raises alerts on the recorded traffic', () => {
  assert.is(run.status, 0, run.stderr);
  assert.ok(alerts.length > 10);
  for (const a of alerts) assert.is(a.event_type, 'alert');
});

test('metadata API: every IMDS request from the pod alerts; credential paths at higher severity', () => {
  const md = alerts.filter((a) => a.alert.category === 'metadata-api');
  const dests = new Set(md.map((a) => a.dest_ip));
  assert.ok(dests.has('169.254.169.254'));
  assert.ok(dests.has('fd00:ec2::254'));
  const creds = md.filter((a) => a.http?.url?.includes('/security-credentials'));
  assert.ok(creds.length >= 2, 'credential reads carry their http object');
  // each credential read raises (at least) one alert more severe than a plain metadata hit
  const plain = Math.min(...md.filter((a) => !a.http && !a.dns).map((a) => a.alert.severity)); // address-only hits
  for (const flow of new Set(creds.map((c) => c.flow_id))) {
    assert.ok(Math.min(...creds.filter((c) => c.flow_id === flow).map((c) => c.alert.severity)) < plain, `flow ${flow}`);
  }
  assert.ok(md.some((a) => a.dns?.rrname === 'metadata.google.internal'), 'DNS name of the GCE metadata server');
});

test('control plane from outside, paste/tunnel SNI with the tls object', () => {
  const cp = alerts.filter((a) => a.alert.category === 'control-plane-exposure');
  assert.ok(cp.some((a) => a.dest_port === 6443 && a.src_ip === '203.0.113.10'));
  const sni = alerts.filter((a) => a.tls?.sni === 'pastebin.com' || a.tls?.sni === 'transfer.sh');
  assert.is(new Set(sni.map((a) => a.tls.sni)).size, 2);
  for (const a of sni) assert.match(a.tls.ja4, /^t1[23]d/);
});

test('cleartext secrets: each kind alerts once with the secret redacted, never in clear', () => {
  const sec = alerts.filter((a) => a.alert.category === 'secret-leak');
  const kinds = new Set(sec.map((a) => a.alert.metadata.kwire_rule[0]));
  for (const k of ['secret-aws-access-key', 'secret-pem-private-key', 'secret-github-token', 'secret-slack-token']) assert.ok(kinds.has(k), k);
  const aws = sec.find((a) => a.alert.metadata.kwire_rule[0] === 'secret-aws-access-key')!;
  assert.match(aws.alert.metadata.kwire_match[0], /^AKIA\*{16}$/);
  assert.not.match(run.stdout, /AKIA[0-9A-Z]{16}/);
  assert.not.match(run.stdout, /ghp_[0-9A-Za-z]{20}/);
  // and inside VXLAN (Flannel 8472) too
  const vx = ndjson(kwire(['inspect', join(ROOT, 'samples', 'netns', 'k8s-vxlan.pcap'), '--policy', POLICY, '--out', '-', '--quiet']).stdout);
  const vsec = vx.filter((a) => a.alert.category === 'secret-leak');
  assert.ok(vsec.length >= 1);
  assert.is(vsec[0].tunnel.type, 'VXLAN');
});

test('DNS tunnelling: the burst of long random labels alerts once for its registered domain', () => {
  const dt = alerts.filter((a) => a.alert.category === 'dns-tunnel');
  assert.is(dt.length, 1);
  assert.match(dt[0].dns.rrname, /\.t\.exfil-test\.example$/);
});

test('volume: an upload over the threshold to one outside destination alerts once; under it, silence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwire-volume-'));
  const text = readFileSync(POLICY, 'utf8');
  assert.match(text, /volume: \{bytes: 500MiB, seconds: 10m\}/);
  const small = join(dir, 'small.yaml');
  writeFileSync(small, text.replace('volume: {bytes: 500MiB, seconds: 10m}', 'volume: {bytes: 10MiB, seconds: 10m}').replace(/lists\//g, join(ROOT, 'rules', 'examples', 'lists') + '/'));
  const r = kwire(['inspect', CAPTURE, '--policy', small, '--out', '-', '--quiet']);
  assert.is(r.status, 0, r.stderr);
  const vol = ndjson(r.stdout).filter((a) => a.alert.signature_id === 9200026);
  assert.is(vol.length, 1);
  assert.is(vol[0].src_ip, '10.244.1.10');
  assert.not.ok(alerts.some((a) => a.alert.signature_id === 9200026), '20 MiB is under 500 MiB');
});

test('benign traffic in the same capture stays silent', () => {
  assert.not.ok(alerts.some((a) => a.tls?.sni === 'api.github.com'));
  assert.not.ok(alerts.some((a) => /\.cluster\.local$/.test(a.dns?.rrname ?? '')));
  assert.not.ok(alerts.some((a) => a.dest_ip === '10.244.2.10'), 'pod-to-pod HTTP');
});

test('once per flow and rule', () => {
  const seen = new Set<string>();
  for (const a of alerts) {
    const k = `${a.flow_id} ${a.alert.signature_id}`;
    assert.not.ok(seen.has(k), k);
    seen.add(k);
  }
});

test('a broken policy stops kwire before reading any packet (exit 1, file:line:column)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kwire-policy-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, readFileSync(POLICY, 'utf8').replace(/^(\s+)category: .*$/m, '$1category: nonsense'));
  const r = kwire(['inspect', CAPTURE, '--policy', bad, '--out', '-']);
  assert.is(r.status, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /policy not loaded, not starting: .*bad\.yaml:\d+:\d+: .*category/);
});

test.run();
