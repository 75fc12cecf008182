// Worker thread of the fanout test: opens its own ring in the given PACKET_FANOUT group, reads
// until told to stop, and reports [udp source port, sequence number] of every frame it got.
import { parentPort, workerData } from 'node:worker_threads';
import { openAfPacket } from '../../engine/capture/afpacket.js';
import { META_STRIDE } from '../../engine/capture/batch.js';

const { netns, iface, group } = workerData as { netns: string; iface: string; group: number };
const src = openAfPacket({ ifaces: [iface], bpf: 'udp', promiscuous: false, netns, fanout: { group } });
const got: [number, number][] = [];
let stopping = false;
parentPort!.on('message', (m) => { if (m === 'stop') stopping = true; });
parentPort!.postMessage({ ready: true });
let idle = 0;
for (;;) {
  const b = await src.next(20);
  if (b === null) break;
  for (let i = 0; i < b.count; i++) {
    const off = b.meta[i * META_STRIDE];
    const d = b.data;
    got.push([(d[off + 34] << 8) | d[off + 35], ((d[off + 42] << 24) | (d[off + 43] << 16) | (d[off + 44] << 8) | d[off + 45]) >>> 0]);
  }
  idle = b.count === 0 && stopping ? idle + 1 : 0;
  src.recycle(b);
  if (idle >= 5) break;
}
const stats = src.stats();
await src.close();
parentPort!.postMessage({ got, stats });
parentPort!.close();
