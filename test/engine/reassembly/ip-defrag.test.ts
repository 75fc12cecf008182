// IP defragmentation against tshark on real captures: the same datagrams complete at the same
// frames with the same innermost tuple; plus overlap, timeout, tracker and memory limits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import { META_STRIDE } from '../../../engine/capture/batch.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet, S_OK } from '../../../decoders/packet.js';
import { formatIp } from '../../../engine/output/ip-format.js';
import { IpDefrag } from '../../../engine/reassembly/ip-defrag.js';
import { ReassemblyConfig, ReassemblyMemory } from '../../../engine/reassembly/reassembly-config.js';
import { SHARED_FILES } from '../../helpers/paths.js';
import { tsharkFields } from '../../helpers/kwire-cli.js';

interface Done { frame: number; tuple: string }

async function reassemble(file: string, cfg = new ReassemblyConfig()): Promise<{ done: Done[]; defrag: IpDefrag; mem: ReassemblyMemory }> {
  const mem = new ReassemblyMemory(cfg.memcap);
  const defrag = new IpDefrag(cfg, mem);
  const pkt = new Packet();
  const done: Done[] = [];
  const r = await openCapture(file);
  for (let b = await r.next(); b !== null; b = await r.next()) {
    for (let i = 0; i < b.count; i++) {
      const m = i * META_STRIDE;
      pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
      decodeFrame(pkt);
      if (!pkt.isFragment || pkt.ipVersion === 0) continue;
      const us = b.meta[m + 5] * 1e6 + b.meta[m + 6] / 1000;
      const s = defrag.fragment(pkt, us);
      if (s === -1) continue;
      assert.is(s, S_OK, `${file}#${b.firstFrame + i} decodes`);
      const v = pkt.ipVersion;
      done.push({ frame: b.firstFrame + i, tuple: `${formatIp(pkt.bytes, pkt.srcAddrOffset, v)}:${pkt.srcPort} > ${formatIp(pkt.bytes, pkt.dstAddrOffset, v)}:${pkt.dstPort} p${pkt.ipProto}` });
    }
  }
  await r.close();
  return { done, defrag, mem };
}

for (const [file, count] of [
  ['ndpi/dns_fragmented.pcap', 7], ['pcapplusplus/ip-frag.pcap', 190], ['pcapplusplus/ip6_fragments.pcap', 4],
  ['zeek/ipv6-fragmented-dns.pcap', 1], ['zeek/erspan.pcap', 16],
] as const) {
  test(`${file}: ${count} datagrams complete where tshark reassembles them, same innermost tuple`, async () => {
    const path = join(SHARED_FILES, file);
    const { done, mem, defrag } = await reassemble(path);
    const rows = tsharkFields(path, 'ip.reassembled.length or ipv6.reassembled.length', [
      'frame.number', 'ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'udp.dstport', 'ip.proto', 'ipv6.nxt',
    ].map((f) => f));
    assert.is(done.length, count);
    assert.is(rows.length, count);
    for (let i = 0; i < count; i++) {
      assert.is(done[i].frame, Number(rows[i][0]));
      const last = (s: string): string => s.split(',').at(-1)!;
      const src = last(rows[i][2] || rows[i][1]);
      const dst = last(rows[i][6] || rows[i][5]);
      const sport = last(rows[i][3] || rows[i][4] || '0');
      const dport = last(rows[i][7] || rows[i][8] || '0');
      assert.ok(done[i].tuple.startsWith(`${src}:${sport} > ${dst}:${dport} `), `${done[i].tuple} vs ${src}:${sport} > ${dst}:${dport}`);
    }
    defrag.flush(); // datagrams that never completed
    assert.is(mem.used, 0, 'every tracker released its memory');
  });
}

/** Fragments of one UDP datagram (IPv4 over Ethernet) with `payload` split at `cuts`. */
function fragments(payload: Uint8Array, cuts: number[], id = 7, mutate?: (i: number, b: Uint8Array) => void): Uint8Array[] {
  const udp = new Uint8Array(8 + payload.length);
  udp.set([0x30, 0x39, 0x00, 0x35, (udp.length >> 8) & 0xff, udp.length & 0xff, 0, 0]);
  udp.set(payload, 8);
  const edges = [0, ...cuts, udp.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const part = udp.slice(edges[i], edges[i + 1]);
    mutate?.(i, part);
    const f = new Uint8Array(14 + 20 + part.length);
    f.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]);
    const more = i + 2 < edges.length ? 0x20 : 0;
    const off = edges[i] / 8;
    f.set([0x45, 0, (20 + part.length) >> 8, (20 + part.length) & 0xff, id >> 8, id & 0xff, more | (off >> 8), off & 0xff, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
    f.set(part, 34);
    out.push(f);
  }
  return out;
}

function feed(defrag: IpDefrag, frames: Uint8Array[], order: number[], t0 = 0): number[] {
  const pkt = new Packet();
  const results: number[] = [];
  for (const k of order) {
    const f = frames[k];
    pkt.reset(f, 0, f.length, f.length, 1);
    decodeFrame(pkt);
    results.push(defrag.fragment(pkt, t0));
  }
  return results;
}

const DATA = Uint8Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff);

test('any arrival order completes exactly once, at the last missing fragment', () => {
  const frames = fragments(DATA, [1000, 2000]);
  for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
    const cfg = new ReassemblyConfig();
    const r = feed(new IpDefrag(cfg, new ReassemblyMemory(cfg.memcap)), frames, order);
    assert.equal(r.map((x) => x === -1), [true, true, false], order.join());
  }
});

test('overlap with different bytes: first bytes win, conflict counted', () => {
  const cfg = new ReassemblyConfig();
  const d = new IpDefrag(cfg, new ReassemblyMemory(cfg.memcap));
  const good = fragments(DATA, [1000, 2000]);
  const evil = fragments(DATA, [1000, 2000], 7, (i, b) => { if (i === 1) b[10] ^= 0xff; });
  const r = feed(d, [good[0], evil[1], good[1], good[2]], [0, 1, 2, 3]);
  assert.is(r[3], S_OK);
  assert.is(d.stats.overlapConflicts, 1);
});

test('overlaps: equal bytes are no conflict, a short differing one is (JS and native comparison)', () => {
  const cfg = new ReassemblyConfig();
  const d = new IpDefrag(cfg, new ReassemblyMemory(cfg.memcap));
  const good = fragments(DATA, [1000, 2000]);
  const again = fragments(DATA, [1000, 2000]);
  const short = fragments(DATA, [1000, 1016], 7, (i, b) => { if (i === 1) b[15] ^= 1; }); // 16-byte fragment
  const r = feed(d, [good[0], again[0], good[1], short[1], good[2]], [0, 1, 2, 3, 4]);
  assert.is(r[4], S_OK);
  assert.is(d.stats.overlapConflicts, 1);
});

test('the same identification from another address or protocol is another datagram', () => {
  const cfg = new ReassemblyConfig();
  const d = new IpDefrag(cfg, new ReassemblyMemory(cfg.memcap));
  const a = fragments(DATA, [1000]);
  const other = (at: number, v: number): Uint8Array[] => a.map((f) => { const g = f.slice(); g[at] = v; return g; });
  const fromB = other(14 + 15, 9); // source 10.0.0.9
  const proto = other(14 + 9, 0x88); // UDP-Lite
  const r = feed(d, [a[0], fromB[0], proto[0], a[1], fromB[1], proto[1]], [0, 1, 2, 3, 4, 5]);
  assert.equal(r.map((x) => x === -1), [true, true, true, false, false, false]);
  assert.is(d.size, 0);
});

test('datagram buffers are reused: a later datagram reassembles its own bytes, not stale ones', () => {
  const cfg = new ReassemblyConfig();
  const mem = new ReassemblyMemory(cfg.memcap);
  const d = new IpDefrag(cfg, mem);
  const pkt = new Packet();
  const other = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 1) & 0xff);
  for (const [payload, cuts, order, id] of [
    [DATA, [1000, 2000], [0, 1, 2], 1], [other, [1480, 2960, 4440], [3, 1, 0, 2], 2], [DATA, [1480], [1, 0], 3],
  ] as const) {
    const frames = fragments(payload, [...cuts], id);
    let done = -2;
    for (const k of order) {
      pkt.reset(frames[k], 0, frames[k].length, frames[k].length, 1);
      decodeFrame(pkt);
      done = d.fragment(pkt, 0);
    }
    assert.is(done, S_OK, `datagram ${id}`);
    assert.equal(pkt.bytes.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength), payload, `datagram ${id}`);
  }
  assert.is(mem.used, 0);
});

test('timeout, tracker limit and memcap: incomplete datagrams are dropped and counted', () => {
  const cfg = new ReassemblyConfig({ fragTimeout: 1, maxFragTrackers: 2 });
  const mem = new ReassemblyMemory(cfg.memcap);
  const d = new IpDefrag(cfg, mem);
  feed(d, fragments(DATA, [1000], 1), [0], 0);
  feed(d, fragments(DATA, [1000], 2), [0], 0);
  feed(d, fragments(DATA, [1000], 3), [0], 0); // third tracker: the oldest goes
  assert.is(d.stats.trackersDropped, 1);
  assert.is(d.size, 2);
  feed(d, fragments(DATA, [1000], 4), [0], 2e6); // 2 s later: both time out
  assert.is(d.stats.timeouts, 2);
  d.flush();
  assert.is(mem.used, 0);
  const tiny = new ReassemblyConfig({ memcap: 1000 });
  const m2 = new ReassemblyMemory(tiny.memcap);
  const d2 = new IpDefrag(tiny, m2);
  feed(d2, fragments(DATA, [1000], 5), [0]);
  assert.is(m2.refused, 1);
  assert.is(d2.size, 0);
});

test('100k fragmented datagrams that never complete keep memory under the cap', () => {
  const cfg = new ReassemblyConfig({ memcap: 8 * 1024 * 1024, maxFragTrackers: 4096 });
  const mem = new ReassemblyMemory(cfg.memcap);
  const d = new IpDefrag(cfg, mem);
  const pkt = new Packet();
  for (let i = 0; i < 100_000; i++) {
    const f = fragments(DATA.subarray(0, 1500), [1000], i & 0xffff)[0];
    f[14 + 12] = i >> 16; // vary the source so ids do not repeat
    pkt.reset(f, 0, f.length, f.length, 1);
    decodeFrame(pkt);
    d.fragment(pkt, i * 10);
    assert.ok(mem.used <= cfg.memcap);
  }
  assert.ok(d.size <= 4096);
  assert.ok(d.stats.trackersDropped + mem.refused > 90_000);
});

test.run();
