// packetSockets() / packetCounts() and native/socket-stats.ts on sockets of our own rings (the
// libpcap use is in test/engine/capture/libpcap.test.ts): found by the snapshot difference and
// their interface, counters read and reset by the kernel, a closed or reused descriptor refused.
// Needs root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAfPacketAddon, type NativeRing } from '../../native/addon.js';
import { openedPacketSocket, snapshotPacketSockets, PacketSocketCounters } from '../../native/socket-stats.js';
import { makeVethPair, type VethPair } from './netns.js';
import { ipv4UdpHex, macHex, sendRaw } from './traffic.js';

const addon = loadAfPacketAddon();

function ring(p: VethPair, iface: string): NativeRing {
  return new addon.Ring({ iface, netns: p.nsPathA, blockSize: 1 << 16, blockCount: 8, frameSize: 2048, retireMs: 10, snapLen: 2048, promiscuous: false }, () => {});
}

function ifindexA(p: VethPair): number {
  return addon.interfaces(p.nsPathA).find((i) => i.name === p.ifA)!.index;
}

test('the socket that appeared across an open, bound to its interface; counters read once then reset', async () => {
  const p = makeVethPair();
  let r: NativeRing | null = null;
  try {
    const before = snapshotPacketSockets(addon);
    r = ring(p, p.ifA);
    const found = openedPacketSocket(addon, before, ifindexA(p));
    assert.instance(found, PacketSocketCounters);
    const c = found as PacketSocketCounters;
    assert.ok(addon.packetSockets().some((s) => s.fd === c.fd && s.ino === c.ino && s.ifindex === ifindexA(p)));
    const frame = macHex(p.macA) + macHex(p.macB) + '0800' + ipv4UdpHex(20000, 9999, 18);
    await sendRaw(p, p.nsB, p.ifB, frame, 50);
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(c.read());
    assert.equal([c.packets, c.drops, c.freezes], [50, 0, 0]);
    assert.ok(c.read());
    assert.is(c.packets, 50, 'the kernel reset its counters at the first read: nothing added twice');
    await sendRaw(p, p.nsB, p.ifB, frame, 7);
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(c.read());
    assert.is(c.packets, 57);
    assert.not.ok(new PacketSocketCounters(addon, c.fd, c.ino + 1).read(), 'another inode under that number');
    r.close();
    r = null;
    assert.not.ok(c.read(), 'closed');
    assert.ok(c.lost);
    assert.is(c.packets, 57, 'totals kept');
  } finally {
    r?.close();
    p.close();
  }
});

test('none or several new sockets, or one on another interface: the reason, not a guess', () => {
  const p = makeVethPair();
  const rings: NativeRing[] = [];
  try {
    const before = snapshotPacketSockets(addon);
    assert.match(openedPacketSocket(addon, before, ifindexA(p)) as string, /found 0 new packet socket/);
    rings.push(ring(p, p.ifA));
    assert.match(openedPacketSocket(addon, before, ifindexA(p) + 1000) as string, /found 1 new packet socket\(s\), 0 bound to interface index/);
    rings.push(ring(p, p.ifA));
    assert.match(openedPacketSocket(addon, before, ifindexA(p)) as string, /found 2 new packet socket\(s\), 2 bound/);
    rings.push(ring(p, 'any'));
    assert.instance(openedPacketSocket(addon, before, 0), PacketSocketCounters, 'any: the unbound one');
  } finally {
    for (const r of rings) r.close();
    p.close();
  }
});

test('packetCounts on a descriptor that is no packet socket (stdin, unused numbers) is false', () => {
  const out = new Float64Array(3);
  assert.is(addon.packetCounts(0, 0, out), false);
  assert.is(addon.packetCounts(1 << 20, 1, out), false);
  assert.is(addon.packetCounts(-1, 1, out), false);
});

test.run();
