// The libpcap backend's per-packet step (engine/capture/libpcap.ts onPacket: copy from cap's packet
// Buffer into the filling batch, receive timestamp, meta row) against the same step with a fresh
// `subarray()` view per packet as the peer, in one run: frames per second and young-generation GCs.
// cap's own emit() is left out (it is the same for both). Needs root (opens lo, filtered to nothing).
// Not a unit test; run it by hand:
//   node --import tsx bench/engine/capture/libpcap-copy.ts [--packets 2000000]
import { PerformanceObserver } from 'node:perf_hooks';
import { LibpcapSource } from '../../../engine/capture/libpcap.js';
import { META_STRIDE } from '../../../engine/capture/batch.js';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--packets') + 1] || 2_000_000) || 2_000_000;
let scavenges = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
}).observe({ entryTypes: ['gc'] });

const src = new LibpcapSource({ ifaces: ['lo'], bpf: 'udp port 1 and udp port 2', promiscuous: true, poolSize: 2 });
const internals = src as unknown as {
  onPacket(iface: number, linkType: number, nbytes: number, truncated: boolean): void;
  buffers: Buffer[];
  filling: { count: number; data: Uint8Array; meta: Uint32Array };
  fillBytes: number;
};
internals.buffers[0].fill(0x55);
const sizes = Array.from({ length: 1400 }, (_, i) => 60 + i);

/** The peer: the same work with a fresh view per packet. */
function naive(nbytes: number): void {
  const b = internals.filling;
  if (internals.fillBytes + nbytes > b.data.length || b.count * META_STRIDE >= b.meta.length) { b.count = 0; internals.fillBytes = 0; }
  b.data.set(internals.buffers[0].subarray(0, nbytes), internals.fillBytes);
  const t = performance.timeOrigin + performance.now();
  const m = b.count * META_STRIDE;
  b.meta[m] = internals.fillBytes;
  b.meta[m + 1] = nbytes;
  b.meta[m + 5] = Math.floor(t / 1000);
  b.count++;
  internals.fillBytes += (nbytes + 7) & ~7;
}

async function measure(name: string, step: (nbytes: number) => void): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  const s0 = scavenges;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    step(sizes[i % 1400]);
    if ((i & 8191) === 8191) { const b = internals.filling; b.count = 0; internals.fillBytes = 0; } // keep one batch: recycle
  }
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50)); // let the gc observer report
  console.log(`${name.padEnd(28)} ${(n / ms / 1000).toFixed(2)} Mpps  ${scavenges - s0} scavenges for ${n} packets`);
}

for (let round = 0; round < 2; round++) {
  await measure('onPacket (views made once)', (nb) => internals.onPacket(0, 1, nb, false));
  await measure('subarray per packet (peer)', naive);
}
await src.close();
