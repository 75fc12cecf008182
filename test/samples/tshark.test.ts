import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTERNAL_HOSTS, SERVICES } from '../../samples/generator/topology.js';
import {
  TMP, TSHARK_CHECKSUMS, TSHARK_DECODE_AS, expertSection, fieldSets, generateBytes, haveTshark, tshark,
} from './helpers.js';

const PACKETS = 5000;
const files: Record<string, string> = {};

test.before(async () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    files[format] = join(TMP, `tshark-${PACKETS}.${format}`);
    writeFileSync(files[format]!, await generateBytes(PACKETS, format, '1'));
  }
});

/** Warnings a healthy capture may carry: scans end in RSTs. */
const ALLOWED_WARNINGS = [/Connection reset \(RST\)$/];

for (const format of ['pcap', 'pcapng'] as const) {
  test(`tshark: ${format} decodes without malformed packets, errors or checksum warnings`, () => {
    if (!haveTshark()) return;
    const out = tshark(['-r', files[format]!, ...TSHARK_DECODE_AS, ...TSHARK_CHECKSUMS, '-z', 'expert,note', '-q']);
    assert.not.match(out, /malformed/i);
    assert.not.match(out, /checksum/i);
    assert.equal(expertSection(out, 'Errors'), []);
    for (const row of expertSection(out, 'Warns')) {
      assert.ok(ALLOWED_WARNINGS.some((re) => re.test(row)), `unexpected warning: ${row}`);
    }
  });

  test(`tshark: every IPv4, TCP and UDP checksum in the ${format} verifies, inner VXLAN ones included`, () => {
    if (!haveTshark()) return;
    const s = fieldSets(files[format]!, ['ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status']);
    for (const [field, values] of s) assert.equal([...values], ['1'], `${field}: ${[...values]}`); // 1 = good
  });
}

test('tshark: TLS ClientHellos with SNI, ALPN and X25519MLKEM768, some spanning two segments; ServerHellos', () => {
  if (!haveTshark()) return;
  const file = files.pcap!;
  const s = fieldSets(file, ['tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str',
    'tls.handshake.extensions_key_share_group', 'tls.handshake.type']);
  const sni = s.get('tls.handshake.extensions_server_name')!;
  const known = new Set([...EXTERNAL_HOSTS.map((h) => h.name), 'kubernetes', 'control-plane.minikube.internal', 'node-a']);
  assert.ok(sni.size >= 3, `SNIs: ${[...sni]}`);
  for (const name of sni) assert.ok(known.has(name), `unexpected SNI ${name}`);
  assert.ok(s.get('tls.handshake.extensions_alpn_str')!.has('h2'));
  assert.ok(s.get('tls.handshake.extensions_key_share_group')!.has('4588'), 'X25519MLKEM768 key share (0x11ec)');
  assert.ok(s.get('tls.handshake.type')!.has('1') && s.get('tls.handshake.type')!.has('2'), 'ClientHello and ServerHello');
  // A ClientHello reassembled from two TCP segments.
  const big = tshark(['-r', file, '-Y', 'tls.handshake.type == 1 && tcp.reassembled.length > 1448', '-T', 'fields',
    '-e', 'tls.handshake.length']);
  assert.ok(big.trim().length > 0, 'a ClientHello larger than one segment');
});

test('tshark: DNS to kube-dns with cluster and external names, A and AAAA answers, metadata.google.internal', () => {
  if (!haveTshark()) return;
  const s = fieldSets(files.pcap!, ['dns.qry.name', 'dns.a', 'dns.aaaa', 'dns.flags.rcode']);
  const names = [...s.get('dns.qry.name')!];
  assert.ok(names.some((n) => n.endsWith('.svc.cluster.local')), 'cluster names');
  assert.ok(names.some((n) => EXTERNAL_HOSTS.some((h) => h.name === n)), 'external names');
  assert.ok(names.includes('metadata.google.internal'));
  assert.ok(s.get('dns.a')!.has('169.254.169.254'));
  assert.ok([...s.get('dns.a')!].some((a) => a.startsWith('10.9') || a.startsWith('10.10') || a.startsWith('10.11')),
    'service VIPs answered');
  assert.ok(s.get('dns.aaaa')!.size > 0, 'AAAA answers');
  assert.ok(s.get('dns.flags.rcode')!.has('3'), 'NXDOMAIN from the search list');
  const servers = tshark(['-r', files.pcap!, '-Y', 'dns.flags.response == 0 && udp.dstport == 53 && !vxlan && ip', '-T', 'fields',
    '-e', 'ip.dst']);
  assert.ok(servers.split('\n').filter(Boolean).every((ip) => ip === '10.96.0.10'), 'queries go to kube-dns');
});

test('tshark: HTTP/1.1 with Host, User-Agent and Content-Length, including service hosts', () => {
  if (!haveTshark()) return;
  const s = fieldSets(files.pcap!, ['http.host', 'http.user_agent', 'http.content_length_header', 'http.response.code']);
  const hosts = s.get('http.host')!;
  assert.ok(SERVICES.some((svc) => hosts.has(svc.host)), `hosts: ${[...hosts]}`);
  assert.ok([...s.get('http.user_agent')!].some((ua) => ua.startsWith('kube-probe/')));
  assert.ok(s.get('http.content_length_header')!.size > 3);
  assert.ok(s.get('http.response.code')!.has('200'));
});

test('tshark: VXLAN on 8472 (VNI 1) and 4789 (VNI 4096) with inner pod traffic; IPv6 pod traffic', () => {
  if (!haveTshark()) return;
  const s = fieldSets(files.pcap!, ['vxlan.vni', 'udp.dstport', 'ipv6.src', 'ip.src']);
  assert.ok(s.get('vxlan.vni')!.has('1') && s.get('vxlan.vni')!.has('4096'));
  assert.ok(s.get('udp.dstport')!.has('8472') && s.get('udp.dstport')!.has('4789'));
  assert.ok([...s.get('ipv6.src')!].some((a) => a.startsWith('fd00:10:244:')), 'IPv6 pod addresses');
  const inner = tshark(['-r', files.pcap!, ...TSHARK_DECODE_AS, '-Y', 'vxlan', '-T', 'fields', '-e', 'ip.src']);
  assert.ok(inner.split('\n').some((l) => /^192\.168\.49\.\d+,10\.244\.\d+\.\d+$/.test(l)), 'outer node IPs, inner pod IPs');
});

test('tshark: control-plane ports from outside, NodePorts from outside, metadata credential requests', () => {
  if (!haveTshark()) return;
  const syns = tshark(['-r', files.pcap!, '-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.dst == 192.168.49.2',
    '-T', 'fields', '-e', 'ip.src', '-e', 'tcp.dstport']);
  const hits = syns.split('\n').filter(Boolean).map((l) => l.split('\t'))
    .filter(([src]) => !src!.startsWith('10.244.') && !src!.startsWith('192.168.49.'));
  const ports = new Set(hits.map(([, port]) => Number(port)));
  for (const p of [6443, 10250]) assert.ok(ports.has(p), `outside SYN to ${p}`);
  assert.ok(ports.has(2379) || ports.has(2380), 'outside SYN to etcd');
  assert.ok([...ports].some((p) => p >= 30000 && p <= 32767), 'outside SYN to a NodePort');
  const uris = fieldSets(files.pcap!, ['http.request.full_uri']).get('http.request.full_uri')!;
  assert.ok([...uris].some((u) => u.startsWith('http://169.254.169.254/latest/meta-data/iam/security-credentials/')), [...uris].join(' '));
});

test.run();
