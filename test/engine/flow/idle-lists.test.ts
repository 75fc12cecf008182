// The flow table's idle lists (one per timeout class) against a naive model of one LRU list with
// per-flow timeouts: the same flows time out at each sweep, the least recently seen flow of all is
// evicted from a full table, and the end-of-input flush goes from the least recently seen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet } from '../../../decoders/packet.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { FlowTable, END_FORCED, END_SHUTDOWN, END_TIMEOUT } from '../../../engine/flow/flow-table.js';
import { int, rng } from '../../helpers/rng.js';

/** Ethernet/IPv4 frame, TCP (with `flags`) or UDP, 10.0.0.a:pa → 10.0.0.b:pb. */
function frame(udp: boolean, a: number, pa: number, b: number, pb: number, flags: number): Uint8Array {
  const ip = [0x45, 0, 0, udp ? 28 : 40, 0, 1, 0, 0, 64, udp ? 17 : 6, 0, 0, 10, 0, 0, a, 10, 0, 0, b];
  const l4 = udp ? [pa >> 8, pa & 0xff, pb >> 8, pb & 0xff, 0, 8, 0, 0]
    : [pa >> 8, pa & 0xff, pb >> 8, pb & 0xff, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0];
  return Uint8Array.from([...Array(12).fill(2), 8, 0, ...ip, ...l4]);
}

interface Conn { udp: boolean; a: number; pa: number; b: number; pb: number }

test('idle lists: sweeps, eviction and flush end the flows one LRU list with per-flow timeouts would (seeded)', () => {
  const r = rng(2024);
  for (let round = 0; round < 40; round++) {
    const cfg = new FlowConfig({});
    cfg.maxFlows = 16 + int(r, 32);
    cfg.tcp = { new: 1 + int(r, 5), established: 5 + int(r, 20), closed: 1 + int(r, 5) };
    cfg.udp = { new: 1 + int(r, 5), established: 3 + int(r, 10), closed: 2 };
    const ended: [number, number][] = [];
    const t = new FlowTable(cfg, (slot, reason) => ended.push([t.flowId(slot), reason]));
    t.autoSweep = false;
    const pkt = new Packet();
    const conns: Conn[] = Array.from({ length: 80 }, (_, i) => ({ udp: r() < 0.4, a: 1 + (i % 200), pa: 1000 + i, b: 250, pb: 53 + int(r, 3) }));
    // the model: flow id → [last µs, touch order]; timeouts from the table's own state
    const model = new Map<number, { last: number; order: number; slot: number }>();
    let order = 0;
    let now = 0;
    const limit = (slot: number, udp: boolean): number => {
      const c = udp ? cfg.udp : cfg.tcp;
      return [c.new, c.established, c.closed][t.state(slot)] * 1e6;
    };
    const udpOf = new Map<number, boolean>();
    for (let step = 0; step < 600; step++) {
      now += int(r, 400_000);
      const c = conns[int(r, conns.length)];
      const back = r() < 0.5;
      const flags = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04][int(r, 6)];
      const f = back ? frame(c.udp, c.b, c.pb, c.a, c.pa, flags) : frame(c.udp, c.a, c.pa, c.b, c.pb, flags);
      pkt.reset(f, 0, f.length, f.length, 1);
      decodeFrame(pkt);
      ended.length = 0;
      const slot = t.track(pkt, now, f.length);
      // what the model says ended at this packet: its own flow idle past its timeout, or the least recently seen (table full)
      for (const [id, reason] of ended) {
        const m = model.get(id)!;
        if (reason === END_FORCED) {
          const oldest = [...model.entries()].sort((x, y) => x[1].order - y[1].order)[0][0];
          assert.is(id, oldest, `round ${round} step ${step}: evicted the least recently seen`);
        } else assert.is(reason, END_TIMEOUT);
        assert.ok(m !== undefined);
        model.delete(id);
      }
      const id = t.flowId(slot);
      model.set(id, { last: now, order: order++, slot });
      udpOf.set(id, c.udp);
      if (r() < 0.1) {
        ended.length = 0;
        const sweepAt = now + int(r, 3_000_000);
        t.expire(sweepAt);
        const want = [...model.entries()].filter(([i, m]) => sweepAt - m.last >= limit(m.slot, udpOf.get(i)!)).map(([i]) => i).sort();
        assert.equal(ended.map(([i]) => i).sort(), want, `round ${round} step ${step}: the flows past their timeouts`);
        assert.ok(ended.every(([, reason]) => reason === END_TIMEOUT));
        for (const i of want) model.delete(i);
      }
    }
    ended.length = 0;
    t.flushAll();
    const lru = [...model.entries()].sort((x, y) => x[1].order - y[1].order).map(([i]) => i);
    assert.equal(ended.map(([i]) => i), lru, 'flush: from the least recently seen');
    assert.ok(ended.every(([, reason]) => reason === END_SHUTDOWN));
    assert.is(t.active, 0);
  }
});

test.run();
