// The app layer end to end over ../shared/pcaps against tshark's ground truth: every TCP
// ClientHello of sni_truth.tsv appears as a kwire `tls` record with the same innermost 5-tuple,
// SNI, ALPN and JA3; every DNS message of dns_truth.tsv as a `dns` record with the same name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_PCAPS } from '../helpers/paths.js';
import { inspectFile } from '../helpers/inspect-file.js';
import { tsharkFields } from '../helpers/kwire-cli.js';

function table(name: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(SHARED_PCAPS, name), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

function byFile<T extends Record<string, string>>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) (m.get(r.file) ?? m.set(r.file, []).get(r.file)!).push(r);
  return m;
}

test('sni_truth.tsv, transport tcp: tuple, SNI, ALPN and JA3 of every ClientHello (100%)', async () => {
  const truth = byFile(table('sni_truth.tsv').filter((r) => r.transport === 'tcp'));
  let rows = 0;
  const misses: string[] = [];
  for (const [file, want] of truth) {
    const { records } = await inspectFile(join(SHARED_PCAPS, file), ['tls']);
    const got = records.filter((r) => r.event_type === 'tls').map((r) =>
      `${r.src_ip}:${r.src_port}>${r.dest_ip}:${r.dest_port} sni=${r.tls.sni ?? '-'} alpn=${(r.tls.client_alpns ?? []).join(',') || '-'}|${r.tls.ja3.hash}`);
    for (const w of want) {
      rows++;
      const key = `${w.src}:${w.sport}>${w.dst}:${w.dport} sni=${w.sni} alpn=${w.alpn}`;
      const i = got.findIndex((g) => g.startsWith(key + '|') && (w.ja3 === '-' || w.ja3 === '' || g.endsWith('|' + w.ja3)));
      if (i < 0) misses.push(`${file}#${w.frame}: ${key} ja3=${w.ja3}`);
      else got.splice(i, 1);
    }
  }
  assert.ok(rows > 1000, `rows: ${rows}`);
  assert.equal(misses, []);
});

/** QUIC ClientHellos kwire does not log, with the reason; kept in README.md in step. */
export const QUIC_KNOWN_MISSES = new Map<string, string>([]);

test('sni_truth.tsv, transport quic: tuple, SNI, ALPN and JA3 (≥ 99%, every miss known and explained)', async () => {
  const truth = byFile(table('sni_truth.tsv').filter((r) => r.transport === 'quic'));
  let rows = 0;
  const misses: string[] = [];
  for (const [file, want] of truth) {
    const { records } = await inspectFile(join(SHARED_PCAPS, file), ['quic']);
    const got = records.filter((r) => r.event_type === 'quic').map((r) =>
      `${r.src_ip}:${r.src_port}>${r.dest_ip}:${r.dest_port} sni=${r.quic.sni ?? '-'} alpn=${(r.quic.client_alpns ?? []).join(',') || '-'}|${r.quic.ja3.hash}`);
    for (const w of want) {
      rows++;
      const key = `${w.src}:${w.sport}>${w.dst}:${w.dport} sni=${w.sni} alpn=${w.alpn}`;
      const i = got.findIndex((g) => g.startsWith(key + '|') && (w.ja3 === '-' || w.ja3 === '' || g.endsWith('|' + w.ja3)));
      if (i < 0) misses.push(`${file}#${w.frame}`);
      else got.splice(i, 1);
    }
  }
  assert.ok(rows > 100, `rows: ${rows}`);
  const unexplained = misses.filter((m) => !QUIC_KNOWN_MISSES.has(m));
  assert.equal(unexplained, []);
  assert.ok(misses.length <= rows / 100, `${misses.length} of ${rows} missed`);
});

test('ServerHello: negotiated version and cipher suite in the flow record, as tshark decodes them', async () => {
  let checked = 0;
  for (const file of ['files/arkime/curl-enabled-tls13.pcap', 'files/mercury/surfshark.pcap', 'files/pcapplusplus/tls2.pcap']) {
    const path = join(SHARED_PCAPS, file);
    const { records } = await inspectFile(path, ['flow']);
    const mine = new Map<string, string>();
    for (const r of records) if (r.tls) mine.set(`${r.dest_ip}:${r.dest_port}>${r.src_ip}:${r.src_port}`, `${r.tls.cipher_suite} ${r.tls.version}`);
    const rows = tsharkFields(path, 'tcp && tls.handshake.type==2 && !icmp && !icmpv6', ['ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tls.handshake.ciphersuite', 'tls.handshake.extensions.supported_version', 'tls.handshake.version']);
    const seen = new Set<string>();
    for (const [s4, s6, sp, d4, d6, dp, cipher, sv, legacy] of rows) {
      const key = `${s4 || s6}:${sp}>${d4 || d6}:${dp}`;
      if (seen.has(key)) continue; // a second hello on the connection: the record keeps the first
      seen.add(key);
      const v = Number(sv || legacy);
      const name = v === 0x0304 ? 'TLS 1.3' : v === 0x0303 ? 'TLS 1.2' : v === 0x0302 ? 'TLS 1.1' : v === 0x0301 ? 'TLS 1.0' : '?';
      assert.is(mine.get(key), `${cipher.split(',')[0]} ${name}`, `${file} ${key}`);
      checked++;
    }
  }
  assert.ok(checked > 20, `server hellos checked: ${checked}`);
});

test('HTTP: every request of kept-alive connections is logged, as tshark counts them', async () => {
  // [file, requests kwire must find of tshark's]; example2 has 2 requests kwire does not log yet
  // (a request following another in the same segment, and one past a body it cannot skip).
  const files: [string, number][] = [['gopacket/test_loopback.pcap', 0], ['ja4/http1.pcapng', 0], ['mercury/capture2.pcap', 0],
    ['ndpi/1kxun.pcap', 0], ['pcapplusplus/example.pcap', 0], ['pcapplusplus/example2.pcap', 2], ['zeek/vxlan-encapsulated-http.pcap', 0]];
  for (const [f, known] of files) {
    const path = join(SHARED_PCAPS, 'files', f);
    const { records } = await inspectFile(path, ['http']);
    const t = tsharkFields(path, 'http.request && tcp', ['http.request.method', 'http.request.uri']);
    const theirs = t.map(([m, u]) => `${m} ${u}`).sort();
    const mine = records.map((r) => `${r.http.http_method} ${r.http.url}`).sort();
    assert.is(mine.length, theirs.length - known, f);
    const left = [...theirs];
    for (const m of mine) {
      const i = left.indexOf(m);
      assert.ok(i >= 0, `${f}: ${m} not in tshark's requests`);
      left.splice(i, 1);
    }
  }
});

test('dns_truth.tsv: id, query name and direction of every DNS message (100%)', async () => {
  const truth = byFile(table('dns_truth.tsv'));
  let rows = 0;
  const misses: string[] = [];
  for (const [file, want] of truth) {
    const { records } = await inspectFile(join(SHARED_PCAPS, file), ['dns']);
    const got = new Set(records.filter((r) => r.event_type === 'dns').map((r) =>
      `${r.pcap_cnt} ${r.dns.type === 'answer' ? 1 : 0} 0x${r.dns.id.toString(16).padStart(4, '0')} ${r.dns.rrname}`));
    for (const w of want) {
      rows++;
      const key = `${w.frame} ${w.is_response} ${w.dns_id} ${w.qname}`;
      if (!got.has(key)) misses.push(`${file}: ${key}`);
    }
  }
  assert.ok(rows > 500, `rows: ${rows}`);
  assert.equal(misses, []);
});

test.run();
