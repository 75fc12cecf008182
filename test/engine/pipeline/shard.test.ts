// The shard function on real packets: both directions of every flow, tunnelled flows (by their
// inner addresses) and every fragment of a datagram reach the same worker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import { DecoderConfig, Packet } from '../../../decoders/packet.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { formatIp } from '../../../engine/output/ip-format.js';
import { M_CAPLEN, M_LINKTYPE, M_OFFSET, M_ORIGLEN, META_STRIDE } from '../../../engine/capture/batch.js';
import { Sharder } from '../../../engine/pipeline/shard.js';
import { ROOT, SHARED_FILES } from '../../helpers/paths.js';
import { buildPolicy } from '../../../engine/pipeline/engine-spec.js';
import { DIR_EGRESS, DIR_INGRESS } from '../../../rules/match/header-match.js';

/** For each frame: shard among `n` workers, and the innermost address pair (sorted) or ''. */
async function shards(file: string, n: number): Promise<{ shard: number; pair: string; frag: boolean; tunnel: boolean }[]> {
  const r = await openCapture(file);
  const s = new Sharder(new DecoderConfig(), 7);
  const p = new Packet(new DecoderConfig());
  const out: { shard: number; pair: string; frag: boolean; tunnel: boolean }[] = [];
  for (let b = await r.next(); b !== null; b = await r.next()) {
    const a = new Uint8Array(b.count);
    s.assign(b.data, b.meta, b.count, n, a);
    for (let i = 0; i < b.count; i++) {
      const m = i * META_STRIDE;
      p.reset(b.data, b.meta[m + M_OFFSET], b.meta[m + M_CAPLEN], b.meta[m + M_ORIGLEN], b.meta[m + M_LINKTYPE]);
      decodeFrame(p);
      const pair = p.ipVersion === 0 ? '' : [formatIp(p.bytes, p.srcAddrOffset, p.ipVersion), formatIp(p.bytes, p.dstAddrOffset, p.ipVersion)].sort().join(' ');
      out.push({ shard: a[i], pair, frag: p.isFragment, tunnel: p.tunnelDepth > 0 });
    }
  }
  await r.close();
  return out;
}

function assertPairsAgree(rows: { shard: number; pair: string }[]): number {
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.pair === '') { assert.is(r.shard, 0, 'non-IP frames go to worker 0'); continue; }
    const s = seen.get(r.pair);
    if (s === undefined) seen.set(r.pair, r.shard); else assert.is(r.shard, s, r.pair);
  }
  return seen.size;
}

test('every frame of an address pair, both directions, lands on one worker; pairs spread over all workers', async () => {
  const rows = await shards(join(ROOT, 'samples', 'netns', 'k8s-real.pcap'), 4);
  assert.ok(assertPairsAgree(rows) > 4);
  const used = new Set(rows.map((r) => r.shard));
  assert.ok(used.size >= 3, `workers used: ${[...used]}`);
});

for (const f of ['pcapplusplus/ip-frag.pcap', 'pcapplusplus/ip6_fragments.pcap', 'zeek/ipv6-fragmented-dns.pcap']) {
  test(`fragments (no ports after the first) go with their address pair: ${f}`, async () => {
    const rows = await shards(join(SHARED_FILES, f), 3);
    assert.ok(rows.some((r) => r.frag), 'the capture has fragments');
    assertPairsAgree(rows);
  });
}

test('tunnelled flows shard on their inner addresses (VXLAN between nodes)', async () => {
  const rows = await shards(join(ROOT, 'samples', 'netns', 'k8s-vxlan.pcap'), 4);
  const inner = rows.filter((r) => r.tunnel);
  assert.ok(inner.length > 10);
  assertPairsAgree(rows);
  assert.ok(new Set(inner.map((r) => r.pair)).size > 1);
});

test('with a policy, traffic to or from outside the cluster shards on the outside address alone', async () => {
  const policy = buildPolicy({ path: join(ROOT, 'rules', 'default', 'policy.yaml'), profileFlags: {}, suricata: [] });
  const r = await openCapture(join(ROOT, 'samples', 'netns', 'k8s-real.pcap'));
  const s = new Sharder(new DecoderConfig(), 7, (pkt) => policy.clusterDirection(pkt));
  const p = new Packet(new DecoderConfig());
  const byOutside = new Map<string, Set<number>>();
  const inside = new Set<string>();
  for (let b = await r.next(); b !== null; b = await r.next()) {
    const a = new Uint8Array(b.count);
    s.assign(b.data, b.meta, b.count, 4, a);
    for (let i = 0; i < b.count; i++) {
      const m = i * META_STRIDE;
      p.reset(b.data, b.meta[m + M_OFFSET], b.meta[m + M_CAPLEN], b.meta[m + M_ORIGLEN], b.meta[m + M_LINKTYPE]);
      decodeFrame(p);
      if (p.ipVersion === 0) continue;
      const dir = policy.clusterDirection(p);
      if (dir !== DIR_EGRESS && dir !== DIR_INGRESS) continue;
      const off = dir === DIR_EGRESS ? p.dstAddrOffset : p.srcAddrOffset;
      const outside = formatIp(p.bytes, off, p.ipVersion);
      inside.add(formatIp(p.bytes, dir === DIR_EGRESS ? p.srcAddrOffset : p.dstAddrOffset, p.ipVersion));
      const set = byOutside.get(outside) ?? new Set<number>();
      set.add(a[i]);
      byOutside.set(outside, set);
    }
  }
  await r.close();
  assert.ok(byOutside.size >= 2 && inside.size >= 2, `outside ${byOutside.size}, inside ${inside.size}`);
  for (const [addr, set] of byOutside) assert.is(set.size, 1, `${addr} reached from several pods lands on one worker`);
});

test('one worker: everything to worker 0', async () => {
  const rows = await shards(join(ROOT, 'samples', 'k8s-mini.pcap'), 1);
  assert.ok(rows.every((r) => r.shard === 0));
});

test.run();

test('the header fast path shards every frame of every shared capture as the full decode does', async () => {
  const { readdirSync } = await import('node:fs');
  const policy = buildPolicy({ path: join(ROOT, 'rules', 'default', 'policy.yaml'), profileFlags: {}, suricata: [] });
  const mismatches: string[] = [];
  let fast = 0;
  let files = 0;
  for (const dir of readdirSync(SHARED_FILES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(join(SHARED_FILES, dir.name))) {
      if (!/\.(pcap|pcapng|cap)$/.test(name)) continue;
      files++;
      for (const direction of [null, (p: Packet) => policy.clusterDirection(p)]) {
        const quick = new Sharder(new DecoderConfig(), 11, direction);
        const full = new Sharder(new DecoderConfig(), 11, direction, false);
        const r = await openCapture(join(SHARED_FILES, dir.name, name));
        // a capture with a corrupt tail: compare the frames before the fault
        for (let b = await r.next().catch(() => null); b !== null; b = await r.next().catch(() => null)) {
          const a = new Uint8Array(b.count);
          const c = new Uint8Array(b.count);
          quick.assign(b.data, b.meta, b.count, 7, a);
          full.assign(b.data, b.meta, b.count, 7, c);
          for (let i = 0; i < b.count; i++) if (a[i] !== c[i]) mismatches.push(`${dir.name}/${name} frame ${b.firstFrame + i}: fast ${a[i]} full ${c[i]}`);
        }
        await r.close();
        assert.is(full.fastFrames, 0);
        fast += quick.fastFrames;
      }
    }
  }
  assert.equal(mismatches.slice(0, 10), []);
  assert.ok(files > 90, `captures: ${files}`);
  assert.ok(fast > 100_000, `frames on the fast path: ${fast}`);
});
