// Derived captures (samples/derived/, written by samples/derive/): each real TLS session rewritten
// (re-segmented, reordered, retransmitted, split into records, IP-fragmented, IPv6, tunnelled,
// midstream) must still decode, in tshark and in kwire, to the source's one ClientHello; plus the
// corpus's real ECH captures as they are. The scripts must reproduce every file byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CASES } from '../../samples/derive/all.js';
import { STREAM_CASES } from '../../samples/derive/stream-secrets.js';
import { SOURCES, committed, sourceSession } from '../../samples/derive/cases.js';
import type { DerivedCase, SourceKey } from '../../samples/derive/cases.js';
import { encodeSession } from '../../samples/derive/encode.js';
import { FRAGMENT_BYTES, ipv6TextFor } from '../../samples/derive/fragments.js';
import { readPcap } from '../../samples/derive/pcap-read.js';
import { cutRanges, equalRanges } from '../../samples/derive/segments.js';
import type { Range } from '../../samples/derive/segments.js';
import { cloneSession } from '../../samples/derive/session.js';
import { inspectFile } from '../helpers/inspect-file.js';
import { ROOT, SHARED_FILES, SHARED_PCAPS } from '../helpers/paths.js';
import { TMP, TSHARK_CHECKSUMS, TSHARK_DECODE_AS, expertSection, haveTshark, tshark } from './helpers.js';

const DERIVED = join(ROOT, 'samples', 'derived');
/** The brief's tshark settings: reassembly defaults with TCP desegmentation on, 8472 as VXLAN. */
const TSHARK_BASE = ['-o', 'tcp.desegment_tcp_streams:TRUE', ...TSHARK_DECODE_AS, ...TSHARK_CHECKSUMS];
const HAVE_TSHARK = haveTshark();

/** What a ClientHello decodes to: the fields both tools are compared on. */
interface Hello {
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  ip_v: number;
  sni: string;
  alpn: string;
  ja3: string;
  ja4: string;
  ech: boolean;
}

function truthRows(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(SHARED_PCAPS, 'sni_truth.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!]))).filter((r) => r.file === `files/${file}`);
}

// --- JA4 (FoxIO, JA4 technical details) from tshark's fields: an oracle independent of kwire. ---

const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && (v >>> 8) === (v & 0xff);
const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const sha12 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 12);
const nums = (field: string): number[] => (field === '' ? [] : field.split(',').map((v) => Number(v)));
const VERSION: Record<number, string> = { 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3' };

function ja4(f: Record<string, string>): string {
  const suites = nums(f['tls.handshake.ciphersuite']!).filter((v) => !isGrease(v));
  const exts = nums(f['tls.handshake.extension.type']!).filter((v) => !isGrease(v));
  const versions = nums(f['tls.handshake.extensions.supported_version']!).filter((v) => !isGrease(v));
  const version = versions.length > 0 ? Math.max(...versions) : Number(f['tls.handshake.version']);
  const alpn = f['tls.handshake.extensions_alpn_str']!.split(',')[0]!;
  if (alpn !== '' && !/^[0-9A-Za-z]$/.test(alpn[0]!) && !/^[0-9A-Za-z]$/.test(alpn.at(-1)!)) throw new Error(`ALPN ${alpn}: hex rule not implemented here`);
  const a = `t${VERSION[version]}${exts.includes(0) ? 'd' : 'i'}${String(Math.min(suites.length, 99)).padStart(2, '0')}`
    + `${String(Math.min(exts.length, 99)).padStart(2, '0')}${alpn === '' ? '00' : alpn[0]! + alpn.at(-1)!}`;
  const b = sha12(suites.map(hex4).sort().join(','));
  const sigs = nums(f['tls.handshake.sig_hash_alg']!).map(hex4);
  const c = sha12(exts.filter((v) => v !== 0 && v !== 16).map(hex4).sort().join(',') + (sigs.length > 0 ? `_${sigs.join(',')}` : ''));
  return `${a}_${b}_${c}`;
}

const FIELDS = [
  'frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str', 'tls.handshake.ja3', 'tls.handshake.ciphersuite', 'tls.handshake.extension.type',
  'tls.handshake.sig_hash_alg', 'tls.handshake.extensions.supported_version', 'tls.handshake.version', 'tls.handshake.type',
  'tls.record.length', 'tcp.seq', 'tcp.len', 'tcp.flags.syn', 'ip.flags.mf', 'ip.frag_offset', 'ipv6.fraghdr.offset',
  'udp.dstport', 'vxlan.vni', 'geneve.vni', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status',
];

/** tshark's rows of fields, one object per frame matching `filter`. */
function rows(file: string, fields: string[], filter: string, prefs: string[] = []): Record<string, string>[] {
  const out = tshark(['-r', file, ...TSHARK_BASE, ...prefs, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', ...fields.flatMap((f) => ['-e', f])]);
  return out.split('\n').filter((l) => l !== '').map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

/** The ClientHellos among tshark's rows (innermost addresses: the last value of each field). */
function hellosOf(frames: Record<string, string>[]): Hello[] {
  return frames.filter((f) => f['tls.handshake.type']!.split(',').includes('1')).map((f) => {
    const v6 = f['ipv6.src'] !== ''; // no case tunnels IPv6 in IPv4
    const last = (v: string): string => v.split(',').at(-1)!;
    return {
      src_ip: last(v6 ? f['ipv6.src']! : f['ip.src']!), src_port: Number(last(f['tcp.srcport']!)),
      dest_ip: last(v6 ? f['ipv6.dst']! : f['ip.dst']!), dest_port: Number(last(f['tcp.dstport']!)), ip_v: v6 ? 6 : 4,
      sni: f['tls.handshake.extensions_server_name']!, alpn: f['tls.handshake.extensions_alpn_str']!, ja3: f['tls.handshake.ja3']!,
      ja4: ja4(f), ech: nums(f['tls.handshake.extension.type']!).includes(0xfe0d),
    };
  });
}

function tsharkHellos(file: string, prefs: string[] = []): Hello[] {
  return hellosOf(rows(file, FIELDS, 'tls.handshake.type == 1', prefs));
}

/** kwire's tls records of a capture, as the same fields, and its stats sections. */
async function kwire(file: string): Promise<{ hellos: Hello[]; stats: Record<string, any> }> {
  const { records, inspector } = await inspectFile(file, ['tls']);
  const hellos = records.filter((r) => r.event_type === 'tls').map((r) => ({
    src_ip: r.src_ip, src_port: r.src_port, dest_ip: r.dest_ip, dest_port: r.dest_port, ip_v: r.ip_v,
    sni: r.tls.sni ?? '', alpn: (r.tls.client_alpns ?? []).join(','), ja3: r.tls.ja3.hash, ja4: r.tls.ja4, ech: r.tls.ech === true,
  }));
  return { hellos, stats: inspector.statsSections() };
}

async function kwireHellos(file: string): Promise<Hello[]> {
  return (await kwire(file)).hellos;
}

// --- The sources: tshark's decode of the original session, anchored to sni_truth.tsv. ---

const originals = new Map<SourceKey, Hello>();

function original(key: SourceKey): Hello {
  let h = originals.get(key);
  if (h === undefined) {
    const hellos = tsharkHellos(join(SHARED_FILES, SOURCES[key].file));
    assert.is(hellos.length, 1, `${SOURCES[key].file}: one ClientHello`);
    h = hellos[0]!;
    originals.set(key, h);
  }
  return h;
}

for (const key of Object.keys(SOURCES) as SourceKey[]) {
  test(`source ${SOURCES[key].file}: tshark's ClientHello is sni_truth.tsv's row; kwire agrees (JA4 against the tshark-field oracle)`, async () => {
    if (!HAVE_TSHARK) return;
    const h = original(key);
    const [t] = truthRows(SOURCES[key].file);
    assert.ok(t, 'a sni_truth.tsv row');
    assert.equal([h.src_ip, h.src_port, h.dest_ip, h.dest_port, h.sni, h.alpn, h.ja3],
      [t!.src, Number(t!.sport), t!.dst, Number(t!.dport), t!.sni, t!.alpn, t!.ja3]);
    assert.equal(await kwireHellos(join(SHARED_FILES, SOURCES[key].file)), [h]);
  });
}

test('sources: re-encoding a session unchanged gives the captured frames back byte for byte (offloaded checksums aside)', () => {
  const s = sourceSession('curl');
  const frames = encodeSession(cloneSession(s), null);
  const src = readPcap(join(SHARED_FILES, SOURCES.curl.file)).filter((f) => f.data[23] === 6); // the TCP frames
  assert.is(frames.length, src.length);
  frames.forEach((f, i) => {
    assert.equal(Buffer.from(f.bytes).toString('hex'), Buffer.from(src[i]!.data).toString('hex'), `frame ${src[i]!.frame}`);
    assert.is(f.tNs, src[i]!.tNs);
  });
  // Chrome's client frames were captured before offload (IP length 0, checksums 0): only the server's compare.
  const c = sourceSession('chrome');
  const cf = encodeSession(cloneSession(c), null);
  const csrc = readPcap(join(SHARED_FILES, SOURCES.chrome.file));
  assert.is(cf.length, csrc.length);
  c.packets.forEach((p, i) => {
    if (!p.fromClient) assert.equal(Buffer.from(cf[i]!.bytes).toString('hex'), Buffer.from(csrc[i]!.data).toString('hex'), `frame ${i + 1}`);
  });
});

// --- Every derived capture. ---

/** The expected ClientHello of a derived capture: its source's, on the rewritten addresses. */
function expected(c: DerivedCase): Hello {
  const o = original(c.source);
  if (!c.ipv6) return o;
  return { ...o, src_ip: ipv6TextFor(o.src_ip), dest_ip: ipv6TextFor(o.dest_ip), ip_v: 6 };
}

/** ClientHello segment layouts the derive scripts promise, as [start, end) of the hello payload. */
function promisedRanges(c: DerivedCase, len: number): Range[] | null {
  const mid = (r: Range): number => Math.floor((r[0] + r[1]) / 2);
  const seg = /-seg(\d+)\.pcap$/.exec(c.file);
  if (seg) return equalRanges(len, Number(seg[1]));
  if (c.file.endsWith('-seg-headers.pcap')) return cutRanges(len, [1, 3, 5, 7, 9]);
  if (c.file.endsWith('-seg8-reversed.pcap')) return equalRanges(len, 8).reverse();
  const [a, b, cc, d, e] = equalRanges(len, 5) as [Range, Range, Range, Range, Range];
  if (c.file.endsWith('-seg5-duplicates.pcap')) return [a, b, b, cc, a, d, e, e];
  if (c.file.endsWith('-seg5-retrans-overlap.pcap')) return [a, b, cc, [mid(b), mid(cc)], d, e];
  if (c.file.endsWith('-seg5-hole-overlap.pcap')) return [a, cc, [mid(b), mid(cc)], b, d, e];
  return null;
}


/** The capture is what the case says it is, read back by tshark (not by the scripts' own code). */
function assertShape(c: DerivedCase, f: Record<string, string>[]): void {
  const o = original(c.source);
  const session = sourceSession(c.source);
  const helloLen = session.packets[session.hello]!.payload.length;
  // Every checksum tshark can verify verifies (1 = good; absent on fragments after the first).
  for (const r of f) {
    for (const k of ['ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status']) {
      for (const v of r[k]!.split(',')) if (v !== '') assert.is(v, '1', `frame ${r['frame.number']}: ${k}`);
    }
  }
  let family = 0; // each case must meet exactly one of the family checks below
  const ranges = promisedRanges(c, helloLen);
  if (ranges !== null) {
    family++;
    const got = f.filter((r) => Number(r['tcp.srcport']) === o.src_port && Number(r['tcp.len']) > 0 && Number(r['tcp.seq']) <= helloLen)
      .map((r) => [Number(r['tcp.seq']) - 1, Number(r['tcp.seq']) - 1 + Number(r['tcp.len'])]);
    assert.equal(got, ranges.map((r) => [...r]), 'client segments of the ClientHello (relative seq, in capture order)');
  }
  if (c.file.endsWith('-seg8-shuffled.pcap')) {
    family++;
    const got = f.filter((r) => Number(r['tcp.srcport']) === o.src_port && Number(r['tcp.len']) > 0 && Number(r['tcp.seq']) <= helloLen)
      .map((r) => Number(r['tcp.seq']) - 1);
    const inOrder = equalRanges(helloLen, 8).map((r) => r[0]);
    assert.equal([...got].sort((x, y) => x - y), inOrder, 'the 8 segments, each once');
    assert.not.equal(got, inOrder);
    assert.not.equal(got, [...inOrder].reverse());
  }
  const records = /-records(\d)\.pcap$/.exec(c.file);
  if (records) {
    family++;
    const r = f.filter((x) => x['tls.handshake.type']!.split(',').includes('1'));
    assert.is(r.length, 1);
    const lens = r[0]!['tls.record.length']!.split(',').map(Number);
    assert.is(lens.length, Number(records[1]), `records in the ClientHello segment: ${lens}`);
    assert.is(lens.reduce((x, y) => x + y, 0), helloLen - 5, 'the records carry the whole handshake message');
  }
  const fragCount = Math.ceil((20 + session.packets[session.hello]!.options.length + helloLen) / FRAGMENT_BYTES);
  if (c.file.includes('-ipv4-frag')) {
    family++;
    const offs = f.filter((r) => r['ip.flags.mf'] === '1' || Number(r['ip.frag_offset'] || 0) > 0).map((r) => Number(r['ip.frag_offset']));
    assert.is(offs.length, fragCount, `IPv4 fragments: ${offs}`);
    const up = offs.map((_, i) => i * (FRAGMENT_BYTES / 8));
    assert.equal(offs, c.file.includes('reversed') ? up.reverse() : up, 'fragment offsets (8-byte units) in capture order');
  }
  if (c.ipv6) {
    family++;
    assert.ok(f.every((r) => r['ipv6.src'] !== '' && r['ip.src'] === ''), 'every frame IPv6, none IPv4');
    const offs = f.filter((r) => r['ipv6.fraghdr.offset'] !== '').map((r) => Number(r['ipv6.fraghdr.offset']));
    const up = c.file.includes('-frag') ? offs.map((_, i) => i * (FRAGMENT_BYTES / 8)) : [];
    assert.is(offs.length, c.file.includes('-frag') ? fragCount : 0, `IPv6 fragments: ${offs}`);
    assert.equal(offs, c.file.includes('reversed') ? up.reverse() : up, 'IPv6 fragment offsets in capture order');
  }
  if (c.tunnel) {
    family++;
    const vni = c.tunnel === 'vxlan' ? 'vxlan.vni' : 'geneve.vni';
    assert.ok(f.every((r) => Number(r[vni]) === (c.tunnel === 'vxlan' ? 1 : 5)), `every frame in ${c.tunnel}`);
    assert.ok(f.every((r) => /^192\.168\.49\.[23],/.test(r['ip.src']!)), 'outer node addresses');
    assert.ok(f.every((r) => r['udp.dstport'] === (c.tunnel === 'vxlan' ? '8472' : '6081')));
  }
  if (c.file.endsWith('-midstream.pcap')) {
    family++;
    assert.ok(f.every((r) => r['tcp.flags.syn'] === '0'), 'no SYN or SYN-ACK');
    assert.ok(f[0]!['tls.handshake.type']!.split(',').includes('1'), 'the first frame is the ClientHello');
  }
  assert.is(family, 1, 'the case matches one shape check');
}

for (const c of ALL_CASES) {
  const path = join(DERIVED, c.file);

  test(`${c.file} (${c.what}): tshark decodes it without malformed packets or checksum errors, to the source's SNI and JA3`, () => {
    if (!HAVE_TSHARK) return;
    const prefs = c.tsharkPrefs ?? [];
    const out = tshark(['-r', path, ...TSHARK_BASE, ...prefs, '-z', 'expert,note', '-q']);
    assert.not.match(out, /malformed/i);
    assert.not.match(out, /checksum/i);
    assert.equal(expertSection(out, 'Errors'), []);
    // Warnings are TCP sequence analysis only (out of order, retransmission, not captured).
    for (const row of expertSection(out, 'Warns')) assert.match(row, /\sSequence\s+TCP\s/, `unexpected warning: ${row}`);
    const want = expected(c);
    const frames = rows(path, FIELDS, 'frame', prefs);
    const got = hellosOf(frames);
    assert.equal(got.map((h) => h.sni), [want.sni], 'tls.handshake.extensions_server_name');
    assert.equal(got.map((h) => [h.ja3, h.ja4, h.alpn, h.src_ip, h.src_port, h.dest_ip, h.dest_port]),
      [[want.ja3, want.ja4, want.alpn, want.src_ip, want.src_port, want.dest_ip, want.dest_port]]);
    assertShape(c, frames);
  });

  test(`${c.file}: kwire's tls records are the source's one ClientHello (tuple, SNI, ALPN, JA3, JA4, ECH)`, async () => {
    const want = expected(c);
    const { hellos: got, stats } = await kwire(path);
    if (got.length !== 1 || JSON.stringify(got[0]) !== JSON.stringify(want)) {
      assert.unreachable(`KWIRE ENGINE GAP on samples/derived/${c.file} (${c.what}):\n`
        + `  expected 1 ClientHello: ${JSON.stringify(want)}\n  kwire returned ${got.length}: ${JSON.stringify(got)}`);
    }
    // Consistent bytes: no overlap with different data, no TLS decode event; fragments were reassembled.
    assert.is(stats.tcp.overlap_diff_data, 0, 'tcp.overlap_diff_data');
    assert.equal(Object.entries(stats.app_layer.event.tls).filter(([, n]) => n !== 0), [], 'tls events');
    assert.is(stats.defrag.reassembled, c.file.includes('-frag') ? 1 : 0, 'defrag.reassembled');
    assert.is(stats.defrag.overlap_conflicts + stats.defrag.invalid, 0, 'defrag conflicts and invalid fragments');
  });
}

// --- ECH: real captures of the corpus, as they are (no derivation needed). ---

for (const file of ['ndpi/tls_ech.pcapng', 'zeek/tls13-ech.pcap']) {
  test(`${file} (real ECH, outer SNI): tshark and kwire agree with sni_truth.tsv; kwire flags ech`, async () => {
    const truth = truthRows(file);
    assert.ok(truth.length > 0);
    const path = join(SHARED_FILES, file);
    const want = truth.map((t) => [t.src, Number(t.sport), t.dst, Number(t.dport), t.sni, t.alpn, t.ja3, true]);
    const k = await kwireHellos(path);
    assert.equal(k.map((h) => [h.src_ip, h.src_port, h.dest_ip, h.dest_port, h.sni, h.alpn, h.ja3, h.ech]), want, 'kwire');
    if (!HAVE_TSHARK) return;
    const t = tsharkHellos(path);
    assert.equal(t.map((h) => [h.src_ip, h.src_port, h.dest_ip, h.dest_port, h.sni, h.alpn, h.ja3, h.ech]), want, 'tshark');
    assert.equal(k.map((h) => h.ja4), t.map((h) => h.ja4), 'JA4: kwire and the tshark-field oracle');
  });
}

// --- Reproducible, small, and nothing else in samples/derived/. ---

test('samples/derive/all.ts rewrites every derived capture byte for byte; the directory holds exactly the catalogue', () => {
  const out = join(TMP, 'derived');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'samples/derive/all.ts', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  for (const c of ALL_CASES) {
    const again = readFileSync(join(out, c.file));
    assert.ok(Buffer.from(committed(c)).equals(again), `${c.file} differs from a fresh run: run node --import tsx samples/derive/all.ts`);
  }
  assert.equal(readdirSync(DERIVED).sort(), [...ALL_CASES, ...STREAM_CASES].map((c) => c.file).sort()); // STREAM_CASES: test/rules/match/stream-content.test.ts
  for (const c of ALL_CASES) assert.ok(statSync(join(DERIVED, c.file)).size < 200 * 1024, `${c.file} under 200 KB`);
});

test('each family script writes its own files, identical to all.ts', () => {
  for (const script of ['segments', 'reorder', 'records', 'fragments', 'tunnels', 'midstream']) {
    const out = join(TMP, `family-${script}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', `samples/derive/${script}.ts`, '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const files = readdirSync(out);
    assert.ok(files.length >= 2, `${script}: ${files}`);
    for (const f of files) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(DERIVED, f))), `${script}: ${f}`);
  }
});

test.run();
