// HTTP request buffers for content rules: http.header (the field lines), http.user_agent and
// http.method, on the real requests of samples/netns/k8s-real.pcap, against tshark's dissection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kwire, ndjson, ROOT, tsharkFields } from '../../helpers/kwire-cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'kwire-http-buffers-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));
const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const PCAP = join(ROOT, 'samples', 'netns', 'k8s-real.pcap');

const rule = (sid: number, content: string): string => `  - name: r${sid}
    sid: ${sid}
    severity: 3
    category: metadata-api
    match:
      content: ${content}
`;
const POLICY = `version: 1
cluster:
  pod_cidrs: [10.244.0.0/16]
  service_cidrs: [10.96.0.0/12]
rules:
${rule(1, '{pattern: "metadata-flavor: google|0d 0a|", buffer: http.header, nocase: true}')}${rule(2, '{pattern: "X-aws-ec2-metadata-token", buffer: http.header}')}${rule(3, '{pattern: PUT, buffer: http.method, startswith: true, endswith: true}')}${rule(4, '{pattern: "curl/", buffer: http.user_agent, startswith: true}')}${rule(5, '{pattern: "Host:", buffer: http.header, startswith: true}')}`;

test('http.header / http.method / http.user_agent alert on the flows whose requests tshark shows with them', () => {
  const file = join(TMP, 'p.yaml');
  writeFileSync(file, POLICY);
  const r = kwire(['inspect', PCAP, '--policy', file, '--out', '-', '--quiet']);
  assert.is(r.status, 0, r.stderr);
  const got = new Map<number, string[]>();
  for (const a of ndjson(r.stdout)) {
    const sid = a.alert.signature_id as number;
    got.set(sid, [...(got.get(sid) ?? []), `${a.src_ip}:${a.src_port}`]);
    assert.ok(a.http !== undefined, 'the alert carries the http object');
  }
  const kw = (sid: number): string[] => [...new Set(got.get(sid) ?? [])].sort();
  assert.ok(kw(1).length === 1 && kw(2).length >= 2 && kw(3).length === 1 && kw(4).length >= 10, JSON.stringify([...got]));
  if (!HAVE_TSHARK) return;
  const ts = (filter: string): string[] =>
    [...new Set(tsharkFields(PCAP, filter, ['ip.src', 'ipv6.src', 'tcp.srcport']).map(([a, b, p]) => `${a || b}:${p}`))].sort();
  assert.equal(kw(1), ts('http.request && lower(http.request.line) contains "metadata-flavor: google"'));
  assert.equal(kw(2), ts('http.request && http.request.line contains "X-aws-ec2-metadata-token"'));
  assert.equal(kw(3), ts('http.request.method == "PUT"'));
  assert.equal(kw(4), ts('http.user_agent matches "^curl/"'));
  const firstHost = tsharkFields(PCAP, 'http.request', ['ip.src', 'ipv6.src', 'tcp.srcport', 'http.request.line'])
    .filter((x) => (x[3] ?? '').startsWith('Host:')).map(([a, b, p]) => `${a || b}:${p}`);
  assert.equal(kw(5), [...new Set(firstHost)].sort(), 'startswith: the first field line');
});

test.run();
