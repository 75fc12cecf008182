// The addon in worker_threads: PACKET_FANOUT across two workers splits real traffic into disjoint
// sets whose union is everything, each flow on one socket; a worker terminated while waiting
// releases its ring (the addon is context-aware, with an environment cleanup hook). Needs root.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { makeVethPair } from './netns.js';
import { sendUdpFlows } from './traffic.js';

/** Starts a TypeScript worker through ts-worker.mjs (which registers tsx in the worker). */
function start(file: string, data: object): { w: Worker; ready: Promise<void>; result: Promise<any> } {
  const w = new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { ...data, file: new URL(file, import.meta.url).href } });
  let onReady!: () => void;
  const ready = new Promise<void>((r) => { onReady = r; });
  const result = new Promise((resolve, reject) => {
    w.on('message', (m) => { if (m.ready) onReady(); else resolve(m); });
    w.on('error', reject);
  });
  return { w, ready, result };
}

/** Packet sockets open in a namespace (/proc/net/packet lists one line per socket after a header). */
function packetSockets(p: ReturnType<typeof makeVethPair>, ns: string): number {
  return p.run(ns, ['cat', '/proc/net/packet']).trim().split('\n').length - 1;
}

test('fanout (hash + defrag) across two worker threads: disjoint, complete, one socket per flow', async () => {
  const p = makeVethPair();
  try {
    const group = 0x4b00 | (process.pid & 0xff);
    const data = { netns: p.nsPathA, iface: p.ifA, group };
    const a = start('./fanout-worker.ts', data);
    const b = start('./fanout-worker.ts', data);
    await Promise.all([a.ready, b.ready]);
    assert.is(packetSockets(p, p.nsA), 2);
    const flows = 32;
    const perFlow = 20;
    await sendUdpFlows(p, flows, perFlow);
    a.w.postMessage('stop');
    b.w.postMessage('stop');
    const [ra, rb] = await Promise.all([a.result, b.result]);
    await Promise.all([a.w.terminate(), b.w.terminate()]);
    const seqA = new Set<number>(ra.got.map((x: number[]) => x[1]));
    const seqB = new Set<number>(rb.got.map((x: number[]) => x[1]));
    assert.ok(seqA.size > 0 && seqB.size > 0, `both sockets get traffic: ${seqA.size} / ${seqB.size}`);
    assert.is(seqA.size, ra.got.length, 'no frame twice in one worker');
    for (const s of seqA) assert.not.ok(seqB.has(s), `frame ${s} reached both workers`);
    assert.is(seqA.size + seqB.size, flows * perFlow, 'the union is every frame sent');
    const portsA = new Set<number>(ra.got.map((x: number[]) => x[0]));
    const portsB = new Set<number>(rb.got.map((x: number[]) => x[0]));
    for (const port of portsA) assert.not.ok(portsB.has(port), `flow from port ${port} split across sockets`);
    assert.is(portsA.size + portsB.size, flows);
    assert.is(ra.stats.kernelDrops + rb.stats.kernelDrops, 0);
    assert.is(packetSockets(p, p.nsA), 0, 'both rings closed');
  } finally {
    p.close();
  }
});

test('a worker terminated while it waits in next() releases its ring and poll handle; the process lives on', async () => {
  const p = makeVethPair();
  try {
    const ws = [start('./idle-worker.ts', { netns: p.nsPathA, iface: p.ifA }), start('./idle-worker.ts', { netns: p.nsPathA, iface: 'any' })];
    await Promise.all(ws.map((x) => x.ready));
    await new Promise((r) => setTimeout(r, 50));
    assert.is(packetSockets(p, p.nsA), 2);
    assert.match(p.run(p.nsA, ['ip', '-d', 'link', 'show', p.ifA]), 'promiscuity 1', 'PACKET_MR_PROMISC while the ring is open');
    const codes = await Promise.all(ws.map((x) => x.w.terminate()));
    assert.equal(codes, [1, 1]);
    assert.is(packetSockets(p, p.nsA), 0, 'rings closed by the environment cleanup hook');
    assert.match(p.run(p.nsA, ['ip', '-d', 'link', 'show', p.ifA]), 'promiscuity 0', 'promiscuous mode dropped with the socket');
  } finally {
    p.close();
  }
});

test.run();
