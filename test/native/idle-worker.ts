// Worker thread that opens a ring and waits in next() until it is terminated from outside: the
// addon's cleanup hook must close the ring and its poll handle without aborting the process.
import { parentPort, workerData } from 'node:worker_threads';
import { openAfPacket } from '../../engine/capture/afpacket.js';

const { netns, iface } = workerData as { netns: string; iface: string };
const src = openAfPacket({ ifaces: [iface], bpf: '', promiscuous: true, netns });
parentPort!.postMessage({ ready: true });
await src.next(60_000);
