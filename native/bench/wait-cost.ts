// How the ring waits for data: a libuv poll handle on the packet socket (what afpacket.ts does) vs
// polling the ring's block status from a 1 ms JS timer. Measures the process CPU time over a fixed
// window, idle and with 20 kpps from trafgen, and the batches taken.
// Usage (root): node --import tsx native/bench/wait-cost.ts [--seconds S]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAfPacketAddon } from '../addon.js';
import { exited, makeVethPair, type VethPair } from '../../test/native/netns.js';

const i = process.argv.indexOf('--seconds');
const SECONDS = i > 0 ? Number(process.argv[i + 1]) : 3;
const addon = loadAfPacketAddon();
const data = new Uint8Array(4 << 20);
const meta = new Uint32Array(65536 * 8);

function traffic(p: VethPair, pps: number): Promise<void> {
  const conf = join(tmpdir(), `kwire-wait-${process.pid}.cfg`);
  writeFileSync(conf, `{ 0x02, 0x6b, 0x77, 0x00, 0x00, 0x99, 0x02, 0x6b, 0x77, 0x00, 0x00, 0x02, 0x08, 0x00, fill(0x00, 50) }\n`);
  const c = spawn('ip', ['netns', 'exec', p.nsB, 'trafgen', '--dev', p.ifB, '--conf', conf, '--num', String(pps * SECONDS), '--rate', `${pps}pps`, '--cpus', '1', '-C', '-Q'], { stdio: 'ignore' });
  return exited(c);
}

async function measure(p: VethPair, mode: 'uv_poll' | 'timer-1ms', pps: number): Promise<string> {
  let batches = 0;
  let frames = 0;
  let done = false;
  const ring = new addon.Ring({ iface: p.ifA, netns: p.nsPathA, blockSize: 1 << 20, blockCount: 8, frameSize: 2048, retireMs: 10, snapLen: 65535, promiscuous: false }, () => { take(); if (!done) ring.watch(); });
  const take = (): void => {
    const n = ring.fill(data, meta);
    if (n > 0) { batches++; frames += n; }
  };
  const cpu0 = process.cpuUsage();
  const sending = pps > 0 ? traffic(p, pps) : Promise.resolve();
  if (mode === 'uv_poll') {
    ring.watch();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    done = true;
    ring.unwatch();
  } else {
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      if (ring.ready()) take();
      else await new Promise((r) => setTimeout(r, 1));
    }
  }
  const cpu = process.cpuUsage(cpu0);
  await sending;
  ring.close();
  return `| ${mode} | ${pps === 0 ? 'idle' : `${pps / 1000} kpps`} | ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms | ${batches} | ${frames} |`;
}

const p = makeVethPair();
try {
  console.log(`| wait | traffic | CPU in ${SECONDS} s | batches | frames |`);
  console.log('|---|---|---|---|---|');
  for (const pps of [0, 20000]) for (const mode of ['uv_poll', 'timer-1ms'] as const) console.log(await measure(p, mode, pps));
} finally {
  p.close();
}
