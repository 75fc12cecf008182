// The flow table: per-direction packets and bytes against tshark's TCP/UDP streams on a real
// capture, TCP states, timeouts, eviction under a SYN flood with counters, nothing unbounded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { kwire, ndjson, tsharkFields, SHARED } from '../../helpers/kwire-cli.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet } from '../../../decoders/packet.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { FlowTable, END_FORCED, END_TIMEOUT, STATE_CLOSED, STATE_ESTABLISHED, STATE_NEW, TO_CLIENT, TO_SERVER } from '../../../engine/flow/flow-table.js';

test('flow records: packets and bytes each way equal tshark streams (mercury/surfshark.pcap)', () => {
  const file = join(SHARED, 'mercury', 'surfshark.pcap');
  const recs = ndjson(kwire(['inspect', file, '--events', 'flow', '--out', '-', '--quiet']).stdout);
  const mine = new Map<string, { pkts: number; bytes: number }>();
  for (const r of recs) {
    if (r.proto !== 'TCP' && r.proto !== 'UDP') continue;
    const key = (a: string, ap: number, b: string, bp: number): string => `${r.proto} ${a}:${ap}>${b}:${bp}`;
    mine.set(key(r.src_ip, r.src_port, r.dest_ip, r.dest_port), { pkts: r.flow.pkts_toserver, bytes: r.flow.bytes_toserver });
    mine.set(key(r.dest_ip, r.dest_port, r.src_ip, r.src_port), { pkts: r.flow.pkts_toclient, bytes: r.flow.bytes_toclient });
  }
  const rows = tsharkFields(file, '(tcp || udp) && !icmp && !icmpv6', ['ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'udp.dstport', 'frame.len']);
  const theirs = new Map<string, { pkts: number; bytes: number }>();
  for (const [s4, s6, ts, us, d4, d6, td, ud, len] of rows) {
    const k = `${ts ? 'TCP' : 'UDP'} ${s4 || s6}:${ts || us}>${d4 || d6}:${td || ud}`;
    const e = theirs.get(k) ?? { pkts: 0, bytes: 0 };
    e.pkts++;
    e.bytes += Number(len);
    theirs.set(k, e);
  }
  assert.ok(theirs.size > 100, `directions: ${theirs.size}`);
  for (const [k, v] of theirs) assert.equal(mine.get(k), v, k);
});

function tcp(src: number, sport: number, dst: number, dport: number, flags: number): Uint8Array {
  return Uint8Array.from([...Array(12).fill(2), 8, 0, 0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0,
    10, 0, src >> 8, src & 0xff, 10, 0, dst >> 8, dst & 0xff,
    sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
}

function track(t: FlowTable, pkt: Packet, frame: Uint8Array, us: number): number {
  pkt.reset(frame, 0, frame.length, frame.length, 1);
  decodeFrame(pkt);
  return t.track(pkt, us, frame.length);
}

test('TCP handshake, data and FIN: directions, states, one flow both ways', () => {
  const ended: number[] = [];
  const t = new FlowTable(new FlowConfig(), (_s, r) => ended.push(r));
  const pkt = new Packet();
  const s = track(t, pkt, tcp(1, 40000, 2, 443, 0x02), 0);
  assert.is(t.direction, TO_SERVER);
  assert.is(t.state(s), STATE_NEW);
  assert.is(track(t, pkt, tcp(2, 443, 1, 40000, 0x12), 1), s);
  assert.is(t.direction, TO_CLIENT);
  track(t, pkt, tcp(1, 40000, 2, 443, 0x10), 2);
  assert.is(t.state(s), STATE_ESTABLISHED);
  track(t, pkt, tcp(1, 40000, 2, 443, 0x11), 3);
  track(t, pkt, tcp(2, 443, 1, 40000, 0x11), 4);
  assert.is(t.state(s), STATE_CLOSED);
  assert.is(t.pkts(s, TO_SERVER), 3);
  assert.is(t.pkts(s, TO_CLIENT), 2);
  assert.is(t.active, 1);
  t.flushAll();
  assert.is(t.shutdown, 1);
  assert.is(t.active, 0);
});

test('a flow first seen at its SYN-ACK takes the SYN-ACK receiver as client; midstream is flagged', () => {
  const t = new FlowTable(new FlowConfig(), () => undefined);
  const pkt = new Packet();
  const s = track(t, pkt, tcp(2, 443, 1, 40000, 0x12), 0);
  assert.is(t.direction, TO_CLIENT);
  const m = track(t, pkt, tcp(3, 5000, 4, 80, 0x18), 0);
  assert.is(t.midstream[m], 1);
  assert.is(t.midstream[s], 0);
});

test('timeouts per state: a closed flow goes after 60 s, an established one stays', () => {
  const reasons: number[] = [];
  const t = new FlowTable(new FlowConfig(), (_s, r) => reasons.push(r));
  const pkt = new Packet();
  track(t, pkt, tcp(1, 1, 2, 80, 0x02), 0);
  track(t, pkt, tcp(2, 80, 1, 1, 0x12), 0);
  track(t, pkt, tcp(1, 1, 2, 80, 0x10), 0); // established
  track(t, pkt, tcp(5, 1, 6, 80, 0x04), 0); // RST: closed
  track(t, pkt, tcp(7, 1, 8, 80, 0x02), 61e6); // 61 s later: sweep
  assert.equal(reasons, [END_TIMEOUT]);
  assert.is(t.active, 2);
  track(t, pkt, tcp(7, 1, 8, 80, 0x02), 700e6);
  assert.is(t.timedOut, 3); // established (600 s) and the new SYN flow (60 s)
});

test('without autoSweep: a flow idle past its timeout ends at its next packet, expire(now) ends the rest', () => {
  const ended: number[] = [];
  const t = new FlowTable(new FlowConfig(), (s) => ended.push(t.flowId(s)));
  t.autoSweep = false;
  const pkt = new Packet();
  const a = track(t, pkt, tcp(1, 1, 2, 80, 0x02), 0);
  const idA = t.flowId(a);
  track(t, pkt, tcp(3, 1, 4, 80, 0x02), 0);
  track(t, pkt, tcp(5, 1, 6, 80, 0x02), 100e6); // 100 s later: nothing swept on the way
  assert.equal(ended, []);
  track(t, pkt, tcp(1, 1, 2, 80, 0x02), 100e6); // same tuple as flow a, idle 100 s > 60 s (new)
  assert.equal(ended, [idA]);
  assert.ok(t.isNew, 'the packet starts a new flow');
  assert.is(t.timedOut, 1);
  assert.is(t.expire(100e6), 1); // the 3→4 flow; the two fresh ones stay
  assert.is(t.active, 2);
  assert.is(t.expire(161e6), 2);
  assert.is(t.active, 0);
});

test('1M distinct SYNs into a 65,536-flow table: bounded, every eviction counted and reported', () => {
  let forced = 0;
  const t = new FlowTable(new FlowConfig({ maxFlows: 65_536 }), (_s, r) => { if (r === END_FORCED) forced++; });
  const pkt = new Packet();
  const f = tcp(0, 0, 2, 443, 0x02);
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < 1_000_000; i++) {
    f[28] = (i >> 16) & 0xff; f[29] = (i >> 8) & 0xff; // source 10.x.y.z varies
    f[30 + 4] = i & 0xff; // and the source port
    f[30 + 5] = (i >> 8) & 0xff;
    pkt.reset(f, 0, f.length, f.length, 1);
    decodeFrame(pkt);
    t.track(pkt, i, f.length); // 1 µs apart: nothing times out
  }
  assert.is(t.active, 65_536);
  assert.is(t.created, 1_000_000);
  assert.is(t.evicted, 1_000_000 - 65_536);
  assert.is(forced, t.evicted);
  assert.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, 'no growth beyond the preallocated table');
});

test.run();
