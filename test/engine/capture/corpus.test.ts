// The capture reader over the whole real-capture corpus (../shared/pcaps): frame counts from
// MANIFEST.tsv, per-frame fields against tshark, and small chunk sizes against the default.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, manifest, readAll } from './helpers.js';
import { openCapture } from '../../../engine/capture/open.js';
import { META_STRIDE, M_CAPLEN } from '../../../engine/capture/batch.js';
import type { Frame } from './helpers.js';

const execFileAsync = promisify(execFile);

const rows = manifest();

test('corpus: every file gives exactly MANIFEST.tsv packets, with a clean end', async () => {
  assert.ok(rows.length >= 100, `manifest has ${rows.length} rows`);
  for (const row of rows) {
    const r = await readAll(row.abs);
    assert.is(r.error, null, `${row.path}: ${r.error?.message}`);
    assert.is(r.frames.length, row.packets, row.path);
    assert.is(r.reader.bytesRead, r.reader.totalBytes, `${row.path}: bytesRead`);
    const expected = row.format.includes('pcapng') ? 'pcapng' : 'pcap';
    assert.is(r.reader.format, expected, `${row.path}: format by magic`);
    for (const f of r.frames) {
      assert.ok(f.nsec < 1e9, `${row.path}: nsec ${f.nsec}`);
      assert.ok(f.iface < r.reader.interfaces.length || r.reader.format === 'pcap', `${row.path}: iface`);
    }
  }
});

test('corpus: format comes from the magic, not the extension', async () => {
  const misnamedPcap = await readAll(join(CORPUS, 'files/ja4/http1.pcapng'));
  assert.is(misnamedPcap.reader.format, 'pcap');
  assert.is(misnamedPcap.frames.length, 184);
  const misnamedNg = await readAll(join(CORPUS, 'files/pcapplusplus/ipv6_options.pcap'));
  assert.is(misnamedNg.reader.format, 'pcapng');
  assert.is(misnamedNg.frames.length, 6);
});

/** WTAP_ENCAP numbers tshark prints in frame.encap_type, by LINKTYPE. */
const WTAP_BY_LINKTYPE: Record<number, string> = { 0: '15', 1: '1', 101: '7', 113: '25', 276: '210' };

async function tsharkRows(path: string, pcapng: boolean): Promise<string[][]> {
  const { stdout: out } = await execFileAsync('tshark', ['-r', path, '-T', 'fields', '-E', 'separator=\t',
    '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.interface_name',
    '-e', 'frame.interface_id', '-e', 'frame.encap_type', '-e', 'frame.section_number'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
  // tshark also lists pcapng custom blocks as frames; they have no interface.
  return pcapng ? lines.filter((c) => c[4] !== '') : lines;
}

async function agree(path: string): Promise<void> {
  const r = await readAll(path);
  const pcapng = r.reader.format === 'pcapng';
  const rows2 = await tsharkRows(path, pcapng);
  assert.is(r.frames.length, rows2.length, `${path}: frame count vs tshark`);
  r.frames.forEach((f: Frame, i: number) => {
    const [epoch, cap, len, name, ifid, encap, section] = rows2[i];
    const where = `${path} frame ${i + 1}`;
    if (epoch === '') {
      assert.is(f.sec, 0, `${where}: no timestamp (SPB)`);
      assert.is(f.nsec, 0, where);
    } else {
      const [s, frac] = epoch.split('.');
      assert.is(f.sec, Number(BigInt(s) % 4294967296n), `${where}: seconds`);
      assert.is(f.nsec, Number(frac.padEnd(9, '0').slice(0, 9)), `${where}: nanoseconds`);
    }
    assert.is(f.caplen, Number(cap), `${where}: caplen`);
    assert.is(f.origlen, Number(len), `${where}: origlen`);
    assert.is(WTAP_BY_LINKTYPE[f.linkType] ?? `linktype ${f.linkType}`, encap, `${where}: link type`);
    // tshark 4.0 numbers interfaces per section and names them from section 1's table, so only
    // section 1 can be compared; later sections are checked in the multi-section test below.
    if (pcapng && section === '1') {
      assert.is(f.iface, Number(ifid), `${where}: interface index`);
      assert.is(r.reader.interfaces[f.iface].name || 'unknown', name, `${where}: interface name`);
    }
  });
}

const TSHARK_FILES = [
  'files/arkime/bigendian.pcap', // big-endian µs pcap
  'files/tcpdump/pptp.pcap', // big-endian µs pcap
  'files/pcapplusplus/nanosecs_big_endian.pcap', // big-endian ns pcap
  'files/zeek/get-to-ssh-server.pcap', // little-endian ns pcap
  'files/tcpdump/tcp-handshake-nano.pcap', // ns pcap, SLL
  'files/zeek/linux_dlt_sll2.pcap', // SLL2
  'files/ndpi/codm.pcap', // raw IP
  'files/gopacket/test_loopback.pcap', // BSD null
  'files/ja4/http1.pcapng', // classic pcap named .pcapng
  'files/gopacket/be_test001.pcapng', // big-endian pcapng
  'files/gopacket/be_test100.pcapng', // big-endian pcapng, 3 IDBs, SPBs
  'files/gopacket/be_test202.pcapng', // big-endian, 3 sections, SPBs, custom blocks
  'files/gopacket/le_test202.pcapng', // the same little-endian
  'files/pcapplusplus/many_interfaces-1.pcapng', // 11 interfaces
  'files/zeek/pcapng-multi-interface.pcapng', // µs and ns interfaces in one file
  'files/ndpi/sites.pcapng', // 22 interfaces, mixed if_tsresol
  'files/ndpi/quic-v2.pcapng', // ns if_tsresol, SLL
  'files/ndpi/tls_with_huge_ch.pcapng', // ns if_tsresol
  'files/pcapplusplus/pcapng-example.pcapng', // timestamps beyond 2^32 s, 2 interfaces
  'files/pcapplusplus/ipv6_options.pcap', // pcapng named .pcap
];

test('corpus: timestamps, lengths, link types and interface names agree with tshark', async () => {
  // tshark takes ~0.3 s to start: run four at a time.
  const queue = TSHARK_FILES.map((f) => join(CORPUS, f));
  const worker = async (): Promise<void> => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) await agree(f);
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
});

test('corpus: interface ids restart per section and map to global interfaces (be/le_test202)', async () => {
  for (const f of ['files/gopacket/be_test202.pcapng', 'files/gopacket/le_test202.pcapng']) {
    const r = await readAll(join(CORPUS, f));
    const names = r.reader.interfaces.map((i) => i.name);
    // Section 1: eth0, null1; section 2: one IDB (its id 0 is global 2); section 3: eth0, null1 again.
    assert.equal(names, ['eth0', 'null1', 'silly ethernet interface 2', 'eth0', 'null1'], f);
    assert.equal(r.reader.interfaces.map((i) => i.snapLen), [96, 0, 128, 96, 0], f);
    assert.equal(r.frames.map((x) => x.iface), [0, 0, 1, 2, 2, 2, 2, 4], f);
    assert.equal(r.frames.map((x) => x.linkType), [1, 1, 0, 1, 1, 1, 1, 0], f);
    // SPBs (frames 4 and 6): caplen = min(origlen, block, IDB snaplen 128), no timestamp.
    assert.equal([r.frames[3].caplen, r.frames[3].origlen, r.frames[3].sec], [128, 314, 0], f);
  }
});

test('corpus: 64-byte and 1000-byte chunks give the same frames as the default chunk', async () => {
  for (const row of rows) {
    const ref = await readAll(row.abs);
    const size = statSync(row.abs).size;
    // 64-byte chunks on the files up to 300 KB (a read per 64 bytes is slow), 1000 bytes on all.
    for (const chunkSize of size <= 300_000 ? [64, 1000] : [1000]) {
      const r = await readAll(row.abs, { chunkSize });
      assert.is(r.error, null, `${row.path} chunk ${chunkSize}`);
      assert.equal(r.frames, ref.frames, `${row.path} chunk ${chunkSize}`);
      assert.ok(r.batchSizes.length >= ref.batchSizes.length, `${row.path}: several batches`);
    }
  }
});

test('corpus: a record bigger than the chunk grows the chunk (80 KB frame, 4 KiB chunks)', async () => {
  const path = join(CORPUS, 'files/tcpdump/bigtcp-ipv6-vxlan-ipv6.pcap');
  const r = await readAll(path, { chunkSize: 4096 });
  assert.is(r.error, null);
  assert.is(r.frames.length, 1);
  assert.ok(r.frames[0].caplen > 4096);
  assert.equal(r.frames, (await readAll(path)).frames);
});

test('batches own their buffers: detaching each one (as a transfer to a worker would) loses nothing', async () => {
  const path = join(CORPUS, 'files/ndpi/alexa-app.pcapng');
  const ref = await readAll(path, { chunkSize: 100_000 });
  const reader = await openCapture(path, { chunkSize: 100_000 });
  let n = 0;
  let caplens = 0;
  for (let b = await reader.next(); b !== null; b = await reader.next()) {
    for (let i = 0; i < b.count; i++) caplens += b.meta[i * META_STRIDE + M_CAPLEN];
    n += b.count;
    structuredClone(b.data.buffer, { transfer: [b.data.buffer as ArrayBuffer] });
    structuredClone(b.meta.buffer, { transfer: [b.meta.buffer as ArrayBuffer] });
    assert.is(b.data.byteLength, 0, 'detached');
  }
  await reader.close();
  assert.is(n, ref.frames.length);
  assert.is(caplens, ref.frames.reduce((a, f) => a + f.caplen, 0));
});

test('recycle(): buffers are reused, frames stay identical, detached batches are ignored', async () => {
  const path = join(CORPUS, 'files/pcapplusplus/example.pcap');
  const ref = await readAll(path, { chunkSize: 65536 });
  const reader = await openCapture(path, { chunkSize: 65536 });
  const seen = new Set<ArrayBufferLike>();
  let reused = 0;
  let k = 0;
  const caplens: number[] = [];
  for (let b = await reader.next(); b !== null; b = await reader.next()) {
    if (seen.has(b.data.buffer)) reused++;
    seen.add(b.data.buffer);
    for (let i = 0; i < b.count; i++) caplens.push(b.meta[i * META_STRIDE + M_CAPLEN]);
    if (k++ % 5 === 4) structuredClone(b.data.buffer, { transfer: [b.data.buffer as ArrayBuffer] }); // sent to a worker
    reader.recycle(b);
    reader.recycle(b); // twice: no double reuse
  }
  await reader.close();
  assert.equal(caplens, ref.frames.map((f) => f.caplen));
  assert.ok(ref.batchSizes.length > 20, 'many batches');
  assert.ok(reused > ref.batchSizes.length / 2, `buffers reused (${reused} of ${ref.batchSizes.length})`);
  // Only transferred buffers need replacing: two in use (returned + read-ahead) plus one per transfer.
  const transferred = Math.floor(k / 5);
  assert.ok(seen.size <= transferred + 3, `distinct chunk buffers ${seen.size}, transferred ${transferred}`);
});

test('close() in the middle of a file (read-ahead in flight) and twice', async () => {
  const reader = await openCapture(join(CORPUS, 'files/pcapplusplus/example.pcap'), { chunkSize: 65536 });
  const first = await reader.next();
  assert.ok(first !== null && first.count > 0);
  await reader.close();
  await reader.close();
  assert.is(await reader.next(), null);
});

test.run();
